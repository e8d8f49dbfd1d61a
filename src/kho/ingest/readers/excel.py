"""Excel reader (XLSX, legacy XLS) via fastexcel: pick a sheet, find the header, keep cell types."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kho.ingest.readers.base import (
    DEFAULT_BATCH_ROWS,
    LINE,
    PROBLEM,
    FormatName,
    SkippedRow,
    SourceInfo,
    row_text,
    unreadable,
)
from kho.ingest.readers.base import (
    size_of as _size,
)
from kho.ingest.readers.datarows import RowSorter
from kho.ingest.readers.layout import detect_layout, footer_start

if TYPE_CHECKING:
    import polars as pl

MAX_UNCOMPRESSED = 1 << 30
MAX_RATIO = 200
SAVE_AS_CSV = "Open it in Excel or LibreOffice and save the sheet as CSV UTF-8."


class ExcelSource:
    """One sheet of a workbook, loaded once as text for layout and once with cell types for data."""

    def __init__(
        self,
        path: Path,
        fmt: FormatName,
        *,
        sheet: str | int | None = None,
        header_row: int | None = None,
        display_path: Path | None = None,
    ):
        shown = display_path or path
        self.path = path
        self.info = SourceInfo(path=shown, format=fmt, size_bytes=_size(path, shown))
        if fmt == "xlsx":
            check_zip_safety(path, shown)
        self.reader = _open_workbook(path, shown)
        self.index = self._choose_sheet(sheet)
        self.text = self._load_text()
        rows = self.text.drop(LINE).rows()
        self.layout = detect_layout(rows, header_row=None if header_row is None else header_row - 1)
        self.width = max(self.layout.width, 1)
        self.end = self.layout.data_start + footer_start(rows[self.layout.data_start :], self.width)
        self._describe(rows)
        self.data = self._sorted_data()
        self.info.skipped.sort(key=lambda row: row.line)

    def _choose_sheet(self, sheet: str | int | None) -> int:
        names = list(self.reader.sheet_names)
        visible = [i for i, n in enumerate(names) if self._sheet(i).visible == "visible"]
        self.info.sheets = [names[i] for i in visible]
        hint = f"Choose a sheet with --sheet; sheets: {', '.join(self.info.sheets)}."
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise unreadable(self.info.path, f"there is no sheet number {sheet}.", hint)
            index = sheet
        elif isinstance(sheet, str):
            if sheet not in names:
                raise unreadable(self.info.path, f"there is no sheet named {sheet!r}.", hint)
            index = names.index(sheet)
        else:
            candidates = [i for i in visible if self._sheet(i).height > 0]
            if not candidates:
                raise unreadable(self.info.path, "every visible sheet is empty.", hint)
            index = candidates[0]
        self.info.sheet = names[index]
        return index

    def _sheet(self, index: int) -> Any:
        return self.reader.load_sheet(index, header_row=None, n_rows=1)

    def _load_text(self) -> pl.DataFrame:
        import polars as pl

        sheet = self.reader.load_sheet(self.index, header_row=None, skip_rows=0, dtypes="string")
        frame: pl.DataFrame = sheet.to_polars()
        frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
        return frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(LINE))

    def _describe(self, rows: list[tuple[Any, ...]]) -> None:
        layout, info = self.layout, self.info
        info.has_header = layout.has_header
        info.headers = layout.headers
        info.header_lines = [i + 1 for i in layout.header_index]
        info.warnings.extend(layout.warnings)
        for index, kind in sorted(layout.skipped):
            info.skipped.append(SkippedRow(index + 1, kind, row_text(rows[index][: self.width])))
        for index in range(self.end, len(rows)):
            text = row_text(rows[index][: self.width])
            info.skipped.append(SkippedRow(index + 1, "footer" if text else "blank", text))

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pl.DataFrame]:
        """The data rows, typed: numeric columns Float64, date columns Datetime, others text."""
        for offset in range(0, max(self.data.height, 1), batch_rows):
            yield self.data.slice(offset, batch_rows)

    def _sorted_data(self) -> pl.DataFrame:
        import polars as pl

        start, end = self.layout.data_start, self.end
        text = self.text.slice(start, max(end - start, 0))
        cols = [f"c{i}" for i in range(self.width)]
        text = (
            _pad(text, self.width)
            .select([*cols, LINE])
            .with_columns(pl.lit(None, pl.String).alias(PROBLEM))
        )
        typed = self._typed(start, end - start, text)
        sorter = RowSorter(self.info, self.width, self.layout.header_cells)
        return sorter.sort(text, typed, last=True)

    def _typed(self, start: int, count: int, text: pl.DataFrame) -> pl.DataFrame:
        import polars as pl

        if count <= 0:
            return text
        sheet = self.reader.load_sheet(
            self.index, header_row=None, skip_rows=start, n_rows=count, schema_sample_rows=None
        )
        typed = sheet.to_polars()
        if typed.height != text.height:
            return text
        columns = []
        for i, name in enumerate(typed.columns[: self.width]):
            columns.append(_canonical(typed[name], text[f"c{i}"]).alias(f"c{i}"))
        columns += [text[f"c{i}"] for i in range(len(columns), self.width)]
        return pl.DataFrame(columns).with_columns(text[LINE], text[PROBLEM])


def _canonical(typed: pl.Series, text: pl.Series) -> pl.Series:
    import polars as pl

    if typed.dtype.is_numeric() and typed.dtype != pl.Boolean:
        return typed.cast(pl.Float64)
    if typed.dtype in (pl.Date,) or isinstance(typed.dtype, pl.Datetime):
        return typed
    return text


def _pad(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    import polars as pl

    missing = [f"c{i}" for i in range(width) if f"c{i}" not in frame.columns]
    return frame.with_columns([pl.lit(None, pl.String).alias(c) for c in missing])


def _open_workbook(path: Path, shown: Path) -> Any:
    import logging

    import fastexcel

    # calamine logs "Could not determine dtype…" for every mixed column; our typing decides later.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)

    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # calamine raises several error types for broken files
        reason = str(exc).splitlines()[0][:200]
        if _is_encrypted(path):
            raise unreadable(
                shown,
                "the workbook is password-protected (encrypted).",
                "Remove the password in Excel (File > Info > Protect Workbook) and save again.",
            ) from exc
        raise unreadable(
            shown, f"it is not a readable Excel workbook ({reason}).", SAVE_AS_CSV
        ) from exc


def _is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    return head.startswith(b"\xd0\xcf\x11\xe0") and (
        "EncryptionInfo".encode("utf-16-le") in head
        or "EncryptedPackage".encode("utf-16-le") in head
    )


def check_zip_safety(path: Path, shown: Path) -> None:
    """Refuse an XLSX whose members would expand beyond 1 GB or more than 200 times (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise unreadable(
            shown, "it is named like an Excel workbook but is not one (bad zip).", SAVE_AS_CSV
        ) from exc
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise unreadable(
            shown,
            f"it would expand from {packed:,} to {total:,} bytes (ratio {total / packed:.0f}); "
            "refused as a possible zip bomb.",
            "If the workbook is genuine, save it as CSV UTF-8 and load that instead.",
        )
    if not any(
        m.filename == "xl/workbook.xml" or m.filename.endswith("/workbook.xml") for m in members
    ):
        raise unreadable(shown, "the zip archive has no Excel workbook inside.", SAVE_AS_CSV)
