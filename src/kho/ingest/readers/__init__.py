"""Open any tabular file (CSV, Excel, JSON, Parquet, or one inside gzip/zip) as raw batches."""

from __future__ import annotations

import gzip
import shutil
import tempfile
import zipfile
from pathlib import Path

from kho.ingest.readers.base import SkippedRow, Source, SourceInfo, unreadable

__all__ = ["Source", "SkippedRow", "SourceInfo", "open_source"]

TABULAR_SUFFIXES = {
    ".csv",
    ".tsv",
    ".txt",
    ".tab",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".json",
    ".ndjson",
    ".jsonl",
    ".parquet",
    ".pq",
}
NOT_TABULAR = {
    ".md": "a Markdown document",
    ".docx": "a Word document",
    ".doc": "a Word document",
    ".pdf": "a PDF document",
    ".sql": "an SQL script",
    ".db": "a database file",
    ".sqlite": "a database file",
    ".yaml": "a YAML document",
    ".yml": "a YAML document",
    ".xml": "an XML document",
    ".rdf": "an RDF document",
}
FORMATS = ("csv", "xlsx", "xls", "json", "ndjson", "parquet")


def open_source(
    path: Path,
    *,
    sheet: str | int | None = None,
    format: str | None = None,
    header_row: int | None = None,
) -> Source:
    """Open `path` with the reader its content (magic bytes first, then extension) calls for."""
    path = Path(path)
    if not path.is_file():
        raise unreadable(path, "no such file.", "Check the path.")
    if format is not None and format not in FORMATS:
        raise unreadable(path, f"unknown format {format!r}.", f"Use one of: {', '.join(FORMATS)}.")
    return _open(path, path, sheet=sheet, fmt=format, header_row=header_row, tmp=None)


def _open(
    path: Path,
    shown: Path,
    *,
    sheet: str | int | None,
    fmt: str | None,
    header_row: int | None,
    tmp: tempfile.TemporaryDirectory[str] | None,
) -> Source:
    with path.open("rb") as handle:
        head = handle.read(8)
    if fmt is None and head.startswith(b"\x1f\x8b"):
        return _open_gzip(path, shown, sheet=sheet, header_row=header_row)
    kind = fmt or sniff_format(path, head, shown)
    if kind == "zip":
        return _open_zip(path, shown, sheet=sheet, header_row=header_row)
    source = _reader(kind, path, shown, sheet=sheet, header_row=header_row)
    source._kho_tmp = tmp  # type: ignore[attr-defined]  # keep the extracted copy alive with the source
    return source


def _reader(
    kind: str, path: Path, shown: Path, *, sheet: str | int | None, header_row: int | None
) -> Source:
    if kind in ("xlsx", "xls"):
        from kho.ingest.readers.excel import ExcelSource

        return ExcelSource(path, kind, sheet=sheet, header_row=header_row, display_path=shown)  # type: ignore[arg-type]
    if kind in ("json", "ndjson"):
        from kho.ingest.readers.jsonfile import JsonSource

        return JsonSource(path, ndjson=kind == "ndjson", display_path=shown)
    if kind == "parquet":
        from kho.ingest.readers.parquet import ParquetSource

        return ParquetSource(path, display_path=shown)
    from kho.ingest.readers.delimited import DelimitedSource

    return DelimitedSource(path, header_row=header_row, display_path=shown)


def sniff_format(path: Path, head: bytes, shown: Path) -> str:
    """The format named by the file's first bytes, or else by its extension."""
    suffix = shown.suffix.lower()
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx" if _is_xlsx(path) else "zip"
    if suffix in NOT_TABULAR:
        raise unreadable(
            shown,
            f"it is {NOT_TABULAR[suffix]}, not a table.",
            "Give a CSV, Excel, JSON or Parquet file.",
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise unreadable(
            shown,
            f"it is named {suffix} but is not an Excel workbook.",
            "Open it in Excel or LibreOffice and save the sheet as CSV UTF-8.",
        )
    if suffix == ".parquet":
        raise unreadable(
            shown, "it is named .parquet but is not a Parquet file.", "Write it again."
        )
    if suffix in (".ndjson", ".jsonl"):
        return "ndjson"
    if suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json" if suffix == ".json" or _is_json_document(path) else "ndjson"
    return "csv"


def _is_json_document(path: Path) -> bool:
    with path.open("rb") as handle:
        first = handle.readline(1 << 20).strip()
        second = handle.readline(1 << 20).strip()
    return not (first.startswith(b"{") and first.endswith(b"}") and second.startswith(b"{"))


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n == "xl/workbook.xml" for n in archive.namelist())
    except zipfile.BadZipFile:
        return True  # let the Excel reader explain the damage


def _open_gzip(
    path: Path, shown: Path, *, sheet: str | int | None, header_row: int | None
) -> Source:
    inner_name = shown.name[:-3] if shown.name.lower().endswith(".gz") else shown.stem + ".csv"
    tmp = tempfile.TemporaryDirectory(prefix="kho-gz-")
    target = Path(tmp.name) / inner_name
    try:
        with gzip.open(path, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 8 << 20)
    except (OSError, EOFError) as exc:
        tmp.cleanup()
        raise unreadable(
            shown, f"the gzip data is damaged ({exc}).", "Download the file again."
        ) from exc
    return _open(
        target, shown.with_name(inner_name), sheet=sheet, fmt=None, header_row=header_row, tmp=tmp
    )


def _open_zip(
    path: Path, shown: Path, *, sheet: str | int | None, header_row: int | None
) -> Source:
    with zipfile.ZipFile(path) as archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir() and not m.filename.startswith("__MACOSX")
        ]
        tabular = [m for m in members if Path(m.filename).suffix.lower() in TABULAR_SUFFIXES]
        if len(tabular) != 1:
            names = ", ".join(m.filename for m in tabular[:10]) + (
                " …" if len(tabular) > 10 else ""
            )
            problem = (
                f"the zip archive holds {len(tabular)} tabular files ({names})"
                if tabular
                else "the zip archive holds no CSV, Excel, JSON or Parquet file"
            )
            raise unreadable(
                shown, problem + ".", "Unzip it and load the file you want, one at a time."
            )
        check_zip_safety_members(tabular[0], shown)
        tmp = tempfile.TemporaryDirectory(prefix="kho-zip-")
        target = Path(tmp.name) / Path(tabular[0].filename).name
        with archive.open(tabular[0]) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 8 << 20)
    return _open(
        target, shown.with_name(target.name), sheet=sheet, fmt=None, header_row=header_row, tmp=tmp
    )


def check_zip_safety_members(member: zipfile.ZipInfo, shown: Path) -> None:
    """Refuse a zip member that would expand beyond 1 GB or more than 200 times."""
    from kho.ingest.readers.excel import MAX_RATIO, MAX_UNCOMPRESSED

    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > MAX_UNCOMPRESSED or ratio > MAX_RATIO:
        raise unreadable(
            shown,
            f"{member.filename} would expand to {member.file_size:,} bytes "
            f"(ratio {ratio:.0f}); refused as a possible zip bomb.",
            "Unzip it yourself if you trust it, and load the file.",
        )
