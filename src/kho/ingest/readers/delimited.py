"""CSV/TSV reader: sniff encoding and delimiter, find the header, stream text batches."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kho.ingest.readers.base import (
    DEFAULT_BATCH_ROWS,
    LINE,
    PROBLEM,
    SkippedRow,
    SourceInfo,
    row_text,
    unreadable,
)
from kho.ingest.readers.base import (
    size_of as _size,
)
from kho.ingest.readers.datarows import RowSorter
from kho.ingest.readers.encoding import detect_encoding, read_sample, transcode_to_utf8
from kho.ingest.readers.layout import SAMPLE_ROWS, Layout, detect_layout

if TYPE_CHECKING:
    import polars as pl

DELIMITERS = [",", ";", "\t", "|"]
HEAD_BYTES = 1 << 20
EXTRA_COLUMNS = 8
csv.field_size_limit(1 << 30)


class DelimitedSource:
    """A delimited text file opened for reading in batches."""

    def __init__(
        self, path: Path, *, header_row: int | None = None, display_path: Path | None = None
    ):
        self.path = path
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        shown = display_path or path
        self.info = SourceInfo(path=shown, format="csv", size_bytes=_size(path, shown))
        if path.stat().st_size == 0:
            raise unreadable(shown, "the file is empty (0 bytes).", "Export the table again.")
        self.data_path = self._utf8_copy()
        records, head_complete = self._head_records()
        self.starts = [line for line, _ in records]
        rows = [cells for _, cells in records]
        index = _header_index(self.starts, header_row, shown)
        self.layout = detect_layout(rows, header_row=index)
        self._describe(rows)
        self.width = max(_record_width(rows, self.layout), 1)
        self.info.headers = (self.info.headers + [""] * self.width)[: self.width]
        if any(h.strip() for h in self.layout.headers[self.width :]):
            self.info.warn("Some rows near the top have more fields than the header.")
        if not head_complete and len(records) <= 1:
            raise unreadable(
                shown,
                f"line 1 is longer than {HEAD_BYTES >> 20} MB with no line break: not a table.",
                "Check that this is a CSV file with one record per line.",
            )

    def _utf8_copy(self) -> Path:
        sample = read_sample(self.path)
        _refuse_binary(self.info.path, sample)
        decision = detect_encoding(sample)
        self.info.encoding = decision.encoding
        self.info.warnings.extend(decision.warnings)
        if decision.encoding in ("utf-8", "utf-8-sig"):
            return self.path
        self._tmp = tempfile.TemporaryDirectory(prefix="kho-csv-")
        target = Path(self._tmp.name) / "utf8.csv"
        transcode_to_utf8(self.path, decision.encoding, target)
        return target

    def _head_records(self) -> tuple[list[tuple[int, list[str]]], bool]:
        with self.data_path.open("rb") as handle:
            raw = handle.read(HEAD_BYTES)
            complete = handle.read(1) == b""
        text = raw.decode("utf-8", "ignore").removeprefix("\ufeff")
        if not complete:
            cut = max(text.rfind("\n"), 0)
            text = text[:cut]
        self.info.delimiter = sniff_delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.info.delimiter)
        records, line = [], 1
        try:
            for cells in reader:
                records.append((line, cells))
                line = reader.line_num + 1
                if len(records) >= SAMPLE_ROWS + 10:
                    break
        except csv.Error as exc:
            raise unreadable(
                self.info.path, f"line {line}: {exc}.", "Check the quoting of that line."
            ) from exc
        return records, complete

    def _describe(self, rows: list[list[str]]) -> None:
        layout, info = self.layout, self.info
        info.has_header = layout.has_header
        info.headers = layout.headers
        info.header_lines = [self.starts[i] for i in layout.header_index]
        info.warnings.extend(w for w in layout.warnings if w not in info.warnings)
        for index, kind in sorted(layout.skipped):
            info.skipped.append(SkippedRow(self.starts[index], kind, row_text(rows[index])))

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pl.DataFrame]:
        """Records below the header as text columns c0.., with _line and _problem."""
        if self.layout.data_start >= len(self.starts):
            yield _empty(self.width)
            return
        first_line = self.starts[self.layout.data_start]
        sorter = RowSorter(self.info, self.width, self.layout.header_cells)
        counts, raws = self._counts_and_scan(first_line, batch_rows)
        next_line, done = first_line, 0
        previous: tuple[pl.DataFrame, pl.DataFrame] | None = None
        for raw in raws:
            frame = self._frame(raw, next_line, counts, done)
            done += raw.height
            next_line = (
                int(frame[LINE][-1]) + 1 + _newlines_in_last(raw) if frame.height else next_line
            )
            if previous is not None:
                yield sorter.sort(previous[0], previous[1], last=False)
            previous = (frame, frame)
        if previous is None:
            yield _empty(self.width)
            return
        yield sorter.sort(previous[0], previous[1], last=True)

    def _counts_and_scan(
        self, first_line: int, batch_rows: int
    ) -> tuple[FieldCounts, Iterable[pl.DataFrame]]:
        """Field counts (one streaming pass over the raw lines), then the raw batches."""
        counts = _field_counts(self.data_path, self.info.delimiter or ",", first_line)
        return counts, self._scan(first_line, batch_rows)

    def _scan(self, first_line: int, batch_rows: int) -> Iterator[pl.DataFrame]:
        import polars as pl

        wide = self.width + EXTRA_COLUMNS
        lazy = pl.scan_csv(
            self.data_path,
            has_header=False,
            separator=self.info.delimiter or ",",
            schema={f"c{i}": pl.String for i in range(wide)},
            missing_columns="insert",
            truncate_ragged_lines=True,
            skip_lines=first_line - 1,
            encoding="utf8",
        )
        try:
            yield from lazy.collect_batches(chunk_size=batch_rows)
        except pl.exceptions.ComputeError as exc:
            raise unreadable(
                self.info.path, f"{exc}".splitlines()[0], "Save the file as CSV UTF-8."
            ) from exc

    def _frame(
        self, raw: pl.DataFrame, first_line: int, counts: FieldCounts, done: int
    ) -> pl.DataFrame:
        import polars as pl

        width = self.width
        if first_line == 1 and raw.height and self.info.encoding == "utf-8-sig":
            raw = raw.with_columns(pl.col("c0").str.strip_prefix("\ufeff"))
        if not counts.multiline:
            lines = pl.int_range(first_line, first_line + raw.height, dtype=pl.Int64, eager=True)
        elif (starts := counts.line_starts(done, raw.height)) is not None:
            lines = starts - starts[0] + first_line if len(starts) else starts
        else:  # the counts ran out (the parser saw more records than lines): count line breaks
            spans = pl.sum_horizontal(
                [pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in raw.columns]
            )
            lines = raw.select(
                (spans + 1).cum_sum().shift(1, fill_value=0) + first_line
            ).to_series()
        extra = [f"c{i}" for i in range(width, raw.width)]
        problem = _ragged_problem(raw, width, extra, counts, done)
        return raw.with_columns(lines.cast(pl.Int64).alias(LINE), problem.alias(PROBLEM)).drop(
            extra
        )


def _record_width(rows: list[list[str]], layout: Layout) -> int:
    """Fields per record: the header's own count, or the commonest count in a headerless sample."""
    if layout.has_header and layout.header_index:
        return max(len(rows[i]) for i in layout.header_index)
    widths = [len(r) for r in rows[layout.data_start :] if any(c.strip() for c in r)]
    return max(set(widths), key=widths.count) if widths else 0


def _newlines_in_last(raw: pl.DataFrame) -> int:
    return sum(str(v).count("\n") for v in raw.row(-1) if v is not None) if raw.height else 0


def _ragged_problem(
    raw: pl.DataFrame, width: int, extra: list[str], counts: FieldCounts, done: int
) -> pl.Series:
    """Per record: why its field count is wrong, or null. Messages are only built for the
    (few) flagged records."""
    import polars as pl

    n = raw.height
    filled = [(i, c) for i, c in enumerate(extra) if raw[c].null_count() < n]  # mostly none
    more = (
        raw.select(
            pl.max_horizontal(
                pl.when(pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != ""))
                .then(pl.lit(width + i + 1))
                .otherwise(pl.lit(0))
                for i, c in filled
            ).alias("more")
        ).to_series()
        if filled
        else pl.repeat(0, n, dtype=pl.Int32, eager=True)
    )
    fields = counts.fields(raw, done, width)
    if fields is None:
        fields = pl.repeat(None, n, dtype=pl.Int64, eager=True)
    found = pl.DataFrame({"more": more, "fields": fields}).with_row_index("i")
    found = found.filter(
        (pl.col("more") > 0) | ((pl.col("fields") < width) & (pl.col("fields") > 1))
    )
    problem = pl.repeat(None, n, dtype=pl.String, eager=True)
    if found.height == 0:
        return problem
    said = found.select(
        "i",
        pl.when(pl.col("more") >= width + len(extra))
        .then(pl.format("row has more than {} fields, header has {}", pl.col("more") - 1, width))
        .when(pl.col("more") > 0)
        .then(pl.format("row has {} fields, header has {}", pl.col("more"), width))
        .otherwise(pl.format("row has {} fields, header has {}", pl.col("fields"), width))
        .alias("problem"),
    )
    return problem.scatter(said["i"], said["problem"])


@dataclass
class FieldCounts:
    """What the raw text says about each record below the header, to count its fields.

    Kept small enough for multi-gigabyte files (about 5 bytes a record): for each record, its
    bytes less its quote characters and whether it has quotes; for the few records that span
    several lines (quoted values with line breaks), their delimiters and extra lines.
    """

    base: pl.Series  # bytes - quote characters, of a one-line record
    quoted: pl.Series  # whether the record has a quote character
    spans: pl.DataFrame  # record, delimiters, extra_lines: records over several lines, in order
    delimiter: str

    @property
    def multiline(self) -> bool:
        return self.spans.height > 0

    def line_starts(self, done: int, height: int) -> pl.Series | None:
        """First physical line of records done.., relative to the file's first record."""
        import polars as pl

        if len(self.base) < done + height:
            return None
        records = pl.int_range(done, done + height, dtype=pl.Int64, eager=True)
        before = self.spans["extra_lines"].cast(pl.Int64).cum_sum()
        prefix = pl.concat([pl.Series([0], dtype=pl.Int64), before])
        at = self.spans["record"].cast(pl.Int64).search_sorted(records, side="left")
        return records + prefix.gather(at)

    def fields(self, raw: pl.DataFrame, done: int, width: int) -> pl.Series | None:
        """Fields of each record of the batch `raw` (records `done`.. of the file), or None when
        the counts do not line up with the parsed records.

        A one-line record has as many delimiters outside quotes as its bytes less the bytes of
        its parsed values and less the quoting: each enclosing quote is one byte the values do
        not have, each escaped quote (``""``) one more byte than the value's ``"``. So
        ``delimiters = bytes - quotes - Σ value bytes + quotes in values``, from counts Polars
        makes at memory speed rather than a quote-aware scan of every line. A multi-line record
        (line ends inside values make byte counts unreliable: a stripped ``\r``) counts its
        delimiters and subtracts those inside its parsed values.
        """
        import polars as pl

        base = self.base.slice(done, raw.height)
        if len(base) != raw.height:
            return None
        values = [c for c in raw.columns if raw.schema[c] == pl.String]
        value_bytes = raw.select(
            pl.sum_horizontal(pl.col(c).str.len_bytes().fill_null(0) for c in values)
        ).to_series()
        delimiters = base.cast(pl.Int64) - value_bytes.cast(pl.Int64)
        # Without the quotes inside values the count can only come out low: only records that
        # then look short and have quotes need those counted.
        quoted = self.quoted.slice(done, raw.height)
        recount = ((delimiters + 1 < width) & quoted).arg_true()
        if len(recount):
            in_values = _count_in(raw, values, recount, '"')
            delimiters = delimiters.scatter(recount, delimiters.gather(recount) + in_values)
        spans = self.spans.filter(pl.col("record").is_between(done, done + raw.height - 1))
        if spans.height:
            rows = (spans["record"].cast(pl.Int64) - done).cast(pl.UInt32)
            inside = _count_in(raw, values, rows, self.delimiter)
            delimiters = delimiters.scatter(rows, spans["delimiters"].cast(pl.Int64) - inside)
        return delimiters + 1


def _count_in(raw: pl.DataFrame, columns: list[str], rows: pl.Series, needle: str) -> pl.Series:
    """Occurrences of `needle` in the parsed values of `rows`, summed over `columns`."""
    import polars as pl

    return (
        raw.select(columns)
        .gather(rows)
        .select(
            pl.sum_horizontal(
                pl.col(c).str.count_matches(needle, literal=True).fill_null(0) for c in columns
            )
        )
        .to_series()
        .cast(pl.Int64)
    )


def _field_counts(path: Path, delimiter: str, first_line: int) -> FieldCounts:
    """Per record: bytes, quotes, and for multi-line records their delimiters, so short rows can
    be flagged. Physical lines are read whole (no quoting) in one streaming pass that keeps no
    text; a line that starts inside a quoted value (an odd number of quotes before it) continues
    the record above."""
    import polars as pl

    lines = pl.scan_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        schema={"line": pl.String},
        skip_lines=first_line - 1,
        truncate_ragged_lines=True,
        missing_columns="insert",
        encoding="utf8-lossy",
    ).select(pl.col("line").fill_null(""))
    line = pl.col("line").str
    per_line = lines.select(
        line.count_matches('"', literal=True).cast(pl.UInt32).alias("quotes"),
        line.len_bytes().cast(pl.UInt32).alias("length"),
    ).collect(engine="streaming")
    quotes = per_line["quotes"]
    odd_before = ((quotes % 2).cast(pl.UInt32).cum_sum() - quotes % 2) % 2 == 1
    base = (per_line["length"].cast(pl.Int64) - quotes.cast(pl.Int64)).cast(pl.Int32)
    none = pl.DataFrame(
        schema={"record": pl.UInt32, "delimiters": pl.UInt32, "extra_lines": pl.UInt32}
    )
    if not bool(odd_before.any()):
        return FieldCounts(base, quotes > 0, none, delimiter)
    # Most records are one line even here: only lines of multi-line records are grouped.
    starts = ~odd_before
    members = odd_before | odd_before.shift(-1, fill_value=False)
    delimiters = (
        lines.select(line.count_matches(delimiter, literal=True).cast(pl.UInt32))
        .collect(engine="streaming")
        .to_series()
    )
    spans = (
        pl.DataFrame(
            {
                "record": (starts.cast(pl.UInt32).cum_sum() - 1).filter(members),
                "delimiters": delimiters.filter(members),
            }
        )
        .group_by("record", maintain_order=True)
        .agg(pl.col("delimiters").sum(), (pl.len() - 1).cast(pl.UInt32).alias("extra_lines"))
    )
    return FieldCounts(base.filter(starts), (quotes > 0).filter(starts), spans, delimiter)


def _empty(width: int) -> pl.DataFrame:
    import polars as pl

    schema = {f"c{i}": pl.String for i in range(width)} | {LINE: pl.Int64, PROBLEM: pl.String}
    return pl.DataFrame(schema=schema)


def _header_index(starts: list[int], header_row: int | None, path: Path) -> int | None:
    if header_row is None:
        return None
    if header_row in starts:
        return starts.index(header_row)
    raise unreadable(
        path,
        f"no record starts on line {header_row} within the first {len(starts)} records.",
        f"Give --header-row one of: {', '.join(map(str, starts[:20]))}.",
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's lines into the most consistent number of fields."""
    best, best_score = ",", -1.0
    sample = text[: 256 << 10]
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            widths = [
                len(r)
                for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
                if r
            ]
        except csv.Error:
            continue
        widths = widths[:200]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = widths.count(mode) / len(widths) * (1 if mode > 1 else 0) + min(mode, 50) / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (perhaps .xlsx/.docx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (perhaps .xls/.doc)"),
    (b"SQLite format 3", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip archive"),
]


def _refuse_binary(path: Path, sample: bytes) -> None:
    for magic, what in MAGIC:
        if sample.startswith(magic):
            raise unreadable(
                path, f"it is {what}, not delimited text.", "Open it with the right format."
            )
    head = sample[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(0) > len(head) // 4:
        return
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    if b"\x00" in head or controls > len(head) // 100 + 2:
        raise unreadable(
            path,
            "it contains binary data (NUL or control bytes), not text.",
            "Export the table as CSV UTF-8 or Excel and try again.",
        )
