"""The reader contract: what every source reports about a file and the batches it yields."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from kho.errors import SourceUnreadable

if TYPE_CHECKING:
    import polars as pl

SkipKind = Literal["title", "blank", "footer", "numbering", "units", "repeated_header", "group"]
FormatName = Literal["csv", "xlsx", "xls", "json", "ndjson", "parquet"]
Cell = str | None
LINE, PROBLEM = "_line", "_problem"
DEFAULT_BATCH_ROWS = 250_000


@dataclass
class SkippedRow:
    """A source row that is not data (title, footer, units, ...), kept for the load report."""

    line: int
    kind: SkipKind
    text: str


@dataclass
class SourceInfo:
    """What a reader learnt about a file: format, encoding, sheet, header and skipped rows."""

    path: Path
    format: FormatName
    size_bytes: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_lines: list[int] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    has_header: bool = True

    def warn(self, message: str) -> None:
        """Record a warning once, however many times it is raised."""
        if message not in self.warnings:
            self.warnings.append(message)


class Source(Protocol):
    """An opened tabular file that yields its records in batches."""

    info: SourceInfo

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pl.DataFrame]: ...


def row_text(cells: Sequence[object]) -> str:
    """The non-empty cells of a row joined by " | ", cut to 200 characters."""
    text = " | ".join(str(c).strip() for c in cells if c is not None and str(c).strip())
    return text if len(text) <= 200 else text[:199] + "…"


def column_names(width: int) -> list[str]:
    """The physical column names of a batch: c0, c1, ..."""
    return [f"c{i}" for i in range(width)]


def positional_headers(width: int) -> list[str]:
    """Headers for a file without a header row: "Cột 1", "Cột 2", ..."""
    return [f"Cột {i + 1}" for i in range(width)]


def unreadable(path: Path, problem: str, hint: str) -> SourceUnreadable:
    """A refusal that names the file, says what is wrong and what to do."""
    return SourceUnreadable(
        f"Cannot read {path.name}: {problem}", hint=hint, details={"path": str(path)}
    )


def size_of(path: Path, shown: Path) -> int:
    """The size of the file the person gave (the archive, not the extracted copy)."""
    return (shown if shown.exists() else path).stat().st_size
