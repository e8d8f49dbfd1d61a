"""Find where the table is: title rows, the (multi-row) header, numbering/units rows, footers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kho.ingest.readers.base import Cell, SkipKind, positional_headers

SAMPLE_ROWS = 50
MAX_HEADER_ROWS = 6
NUMBER_RE = re.compile(r"^[-+]?\(?\d[\d.,\s]*\)?%?$")
DATE_RE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}([ T].*)?$")
YEAR_RE = re.compile(r"^(19|20)\d\d$")
INDEX_RE = re.compile(r"^([IVXL]+|[A-Z])\.?$")
MISSING_MARKS = {"..", "...", "-", "x", "…"}
NUMBERING_CELL_RE = re.compile(r"^(\(?\d+\)?|[A-Z]|\d+\s*=\s*[\d\s+\-*/().]+)$")
UNITS_RE = re.compile(r"(?i)(?:đơn\s*vị(?:\s*tính)?|đvt|§¬n\s*vÞ(?:\s*tÝnh)?|unit)\s*:\s*(.+)")
UNITS_BARE_RE = re.compile(
    r"(?i)\b((?:triệu|tỷ|nghìn|ngàn|trăm)\s+đồng|in\s+(?:millions|billions|thousands)\s+of\s+\w+)"
)
FOOTER_RE = re.compile(
    r"(?i)^\s*(số\s*lượng\s*:|tổng\s*cộng|cộng\s*:|ghi\s*chú|chú\s*thích|lưu\s*ý|nguồn\s*:|"
    r"người\s*lập|lập\s*biểu|kế\s*toán\s*trưởng|thủ\s*trưởng|giám\s*đốc|(?:tm|kt)\.|"
    r"\(ký|ngày\s*\.*\s*\d*\s*tháng|note\s*:|notes\s*:|remark|source\s*:|"
    r"\(\d+\)|\*)"
)
END_TOTAL_RE = re.compile(r"(?i)^\s*(tổng\s*cộng|cộng)\b")
TOTAL_RE = (
    r"(?i)^\s*(tổng\s*số|tổng\s*cộng|cả\s*nước|toàn\s*quốc|whole\s*country|grand\s*total|total)\b"
)


@dataclass
class Layout:
    """Where the header and data are in the first rows of a sheet or file (row indices)."""

    width: int
    header_index: list[int]
    headers: list[str]
    data_start: int
    has_header: bool
    header_cells: list[list[str]] = field(default_factory=list)
    skipped: list[tuple[int, SkipKind]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def clean(cell: object) -> Cell:
    """A cell as stripped text (NBSP and other spaces removed), None when empty."""
    if cell is None:
        return None
    text = str(cell).replace("\xa0", " ").strip()
    return text or None


def is_data_value(text: str) -> bool:
    """Whether a cell looks like a value (number, date, code, row index) rather than a label."""
    return bool(
        NUMBER_RE.match(text)
        or DATE_RE.match(text)
        or INDEX_RE.match(text)
        or text in MISSING_MARKS
    )


def _is_label(text: str) -> bool:
    is_value = NUMBER_RE.match(text) or DATE_RE.match(text) or text in MISSING_MARKS
    return not is_value or bool(YEAR_RE.match(text))


def filled(row: Sequence[Cell]) -> list[str]:
    """The non-empty cells of a cleaned row."""
    return [c for c in row if c is not None]


def is_header_like(row: Sequence[Cell]) -> bool:
    """Mostly labels: at most 15% of the filled cells look like values (years count as labels)."""
    cells = filled(row)
    return len(cells) >= 1 and sum(not _is_label(c) for c in cells) <= 0.15 * len(cells)


def is_data_like(row: Sequence[Cell]) -> bool:
    """At least one value cell and more than 15% of the filled cells look like values."""
    cells = filled(row)
    values = sum(is_data_value(c) for c in cells)
    return values >= 1 and values > 0.15 * len(cells)


def is_numbering_row(row: Sequence[Cell]) -> bool:
    """A column-numbering legend such as `A, B, 1, 2, 3, 4=5+6` under a header."""
    cells = filled(row)
    if len(cells) < 3 or not all(NUMBERING_CELL_RE.match(c) for c in cells):
        return False
    if not any(c.isalpha() or "=" in c or c.startswith("(") for c in cells):
        return False
    numbers = [int(m.group(1)) for c in cells if (m := re.match(r"\(?(\d+)", c))]
    return len(numbers) >= 2 and numbers == sorted(numbers) and numbers[-1] <= 3 * len(row) + 3


def unit_of(row: Sequence[Cell]) -> str | None:
    """The unit stated by a sparse units row (`Đơn vị tính: Triệu đồng` -> "triệu đồng")."""
    cells = filled(row)
    if not cells or len(cells) > 2:
        return None
    for text in cells:
        match = UNITS_RE.search(text)
        if match:
            return match.group(1).strip(" .").lower()
        bare = UNITS_BARE_RE.search(text)
        if bare and len(text) < 60:
            return bare.group(1).lower()
    return None


def is_sparse(row: Sequence[Cell], width: int) -> bool:
    """One or two filled cells in a wide table: a title, group, note or signature line."""
    count = len(filled(row))
    return count <= 1 or (width >= 4 and count <= max(2, width // 3))


def is_group_row(row: Sequence[Cell], width: int) -> bool:
    """A single label in the first or second column of a table of three or more columns."""
    cells = filled(row)
    if width < 3 or len(cells) != 1 or is_data_value(cells[0]):
        return False
    return row[0] is not None or (len(row) > 1 and row[1] is not None)


def detect_layout(raw_rows: Sequence[Sequence[object]], *, header_row: int | None = None) -> Layout:
    """Classify the first rows of a table; `header_row` (0-based here) forces the header."""
    rows = [[clean(c) for c in r] for r in raw_rows[:SAMPLE_ROWS]]
    width = max((_last_filled(r) + 1 for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    layout = Layout(width=width, header_index=[], headers=[], data_start=len(rows), has_header=True)
    if width == 0:
        return layout
    start = header_row if header_row is not None else _find_header(rows, width, layout)
    if start is None:
        return _headerless(rows, width, layout)
    _mark_above(rows, start, layout)
    block, data_start = _header_block(rows, start, width, layout, forced=header_row is not None)
    layout.header_index = block
    layout.header_cells = [[c or "" for c in rows[i]] for i in block]
    layout.headers = merge_header_rows([rows[i] for i in block], width)
    layout.data_start = data_start
    return layout


def _last_filled(row: Sequence[Cell]) -> int:
    return max((i for i, c in enumerate(row) if c is not None), default=-1)


def _find_header(rows: list[list[Cell]], width: int, layout: Layout) -> int | None:
    for i, row in enumerate(rows):
        count = len(filled(row))
        if count == 0 or (count < 2 and width > 1):
            continue
        if is_sparse(row, width) and not _followed_by_data(rows, i) and not _tops_header(rows, i):
            continue
        return i if is_header_like(row) else None
    return None


def _tops_header(rows: list[list[Cell]], i: int) -> bool:
    """A sparse row of merged parent labels (not starting in column A) right above the header."""
    below = rows[i + 1] if i + 1 < len(rows) else []
    return (
        rows[i][0] is None
        and len(filled(rows[i])) >= 2
        and unit_of(rows[i]) is None
        and bool(filled(below))
        and is_header_like(below)
    )


def _followed_by_data(rows: list[list[Cell]], i: int) -> bool:
    following = [r for r in rows[i + 1 : i + 4] if filled(r)]
    return bool(following) and is_data_like(following[0])


def _headerless(rows: list[list[Cell]], width: int, layout: Layout) -> Layout:
    first = next((i for i, r in enumerate(rows) if filled(r) and not is_sparse(r, width)), 0)
    for i in range(first):
        kind: SkipKind = "blank" if not filled(rows[i]) else "group"
        if kind == "group" and not is_group_row(rows[i], width):
            kind = "title"
        layout.skipped.append((i, kind))
    layout.has_header = False
    layout.headers = positional_headers(width)
    layout.data_start = first
    layout.warnings.append(
        "No header row found: the first rows hold data, so columns are named Cột 1, Cột 2, …"
    )
    return layout


def _mark_above(rows: list[list[Cell]], start: int, layout: Layout) -> None:
    for i in range(start):
        unit = unit_of(rows[i])
        if unit:
            layout.skipped.append((i, "units"))
            layout.warnings.append(f"values in {unit}")
        else:
            layout.skipped.append((i, "blank" if not filled(rows[i]) else "title"))


def _header_block(
    rows: list[list[Cell]], start: int, width: int, layout: Layout, *, forced: bool
) -> tuple[list[int], int]:
    """The header rows from `start` down to the first data row, and that data row's index."""
    block, i = [start], start + 1
    while i < len(rows) and len(block) < MAX_HEADER_ROWS:
        row = rows[i]
        kind = _between_kind(row, rows[start], width, rows[i + 1] if i + 1 < len(rows) else None)
        if kind is None and (
            forced
            or is_data_like(row)
            or is_group_row(row, width)
            or not _continues_header(row, [rows[b] for b in block])
        ):
            break
        if kind is None:
            block.append(i)
        else:
            layout.skipped.append((i, kind))
            if kind == "units":
                layout.warnings.append(f"values in {unit_of(row)}")
        i += 1
    if i < len(rows) and len(block) == MAX_HEADER_ROWS and not is_data_like(rows[i]):
        return _single_header(start, layout)
    if i >= len(rows) and len(block) > 1:
        return _single_header(start, layout)
    return block, i


def _continues_header(row: list[Cell], block: list[list[Cell]]) -> bool:
    """A sub-header row fills columns the rows above left empty, repeats them, or is sparse."""
    top = block[0]
    fills_gap = any(c is not None and all(b[j] is None for b in block) for j, c in enumerate(row))
    repeats = any(c is not None and c == top[j] for j, c in enumerate(row))
    has_gap = any(c is None and any(b[j] is not None for b in block) for j, c in enumerate(row))
    return fills_gap or repeats or has_gap


def _single_header(start: int, layout: Layout) -> tuple[list[int], int]:
    layout.skipped = [(i, k) for i, k in layout.skipped if i < start]
    return [start], start + 1


def is_plain_numbering(row: Sequence[Cell], following: Sequence[Cell] | None) -> bool:
    """`1 2 3 … n` numbering (nearly) every column, when the next row shows it is not data.

    The next row must hold text (not a number) in a column the numbering row numbers, so a real
    first data row `1, 2, 3` is never taken for a legend.
    """
    cells = [c.removesuffix(".0") if c else c for c in row]
    filled_cells = [c for c in cells if c]
    if (
        following is None
        or len(filled_cells) < max(3, int(0.8 * len(row)))
        or not all(c.isdigit() for c in filled_cells)
        or [int(c) for c in filled_cells] != list(range(1, len(filled_cells) + 1))
    ):
        return False
    below = list(following) + [None] * max(0, len(cells) - len(following))
    return any(c and (b := below[j]) and not is_data_value(b) for j, c in enumerate(cells))


def _between_kind(
    row: list[Cell], header: list[Cell], width: int, following: list[Cell] | None = None
) -> SkipKind | None:
    if not filled(row):
        return "blank"
    if row == header:
        return "repeated_header"
    if is_numbering_row(row) or is_plain_numbering(row, following):
        return "numbering"
    if unit_of(row):
        return "units"
    return None


def merge_header_rows(rows: Sequence[Sequence[Cell]], width: int) -> list[str]:
    """One label per column from stacked header rows; merged parents spread, joined by " - "."""
    grid = [list(r) + [None] * (width - len(r)) for r in rows]
    for k in range(len(grid) - 1):
        for j in range(1, width):
            spreads = grid[k][j] is None and grid[k][j - 1] is not None and _has_below(grid, k, j)
            if spreads and all(grid[u][j] in (None, grid[u][j - 1]) for u in range(k)):
                grid[k][j] = grid[k][j - 1]
    headers = []
    for j in range(width):
        parts: list[str] = []
        for row in grid:
            text = row[j]
            if text is not None and text not in parts:
                parts.append(" ".join(text.split()) if "\n" not in text else text)
        headers.append(" - ".join(parts))
    return headers


def _has_below(grid: list[list[Cell]], k: int, j: int) -> bool:
    return any(grid[u][j] is not None for u in range(k + 1, len(grid)))


def footer_start(raw_rows: Sequence[Sequence[object]], width: int) -> int:
    """Index of the first footer row at the end of `raw_rows` (len(raw_rows) when none)."""
    rows = [[clean(c) for c in r] for r in raw_rows]
    i = len(rows)
    while i > 0 and (not filled(rows[i - 1]) or _footerish(rows[i - 1], width)):
        i -= 1
    block = range(i, len(rows))
    keyword = next((k for k in block if filled(rows[k]) and _is_footer_text(rows[k])), None)
    if keyword is None:
        trailing = len(rows)
        while trailing > 0 and not filled(rows[trailing - 1]):
            trailing -= 1
        return trailing
    while (
        keyword > 0
        and filled(rows[keyword - 1])
        and END_TOTAL_RE.match(filled(rows[keyword - 1])[0])
    ):
        keyword -= 1
    return keyword


def _footerish(row: list[Cell], width: int) -> bool:
    if _is_footer_text(row) and (is_sparse(row, width) or END_TOTAL_RE.match(filled(row)[0])):
        return True
    return is_sparse(row, width) and not any(is_data_value(c) for c in filled(row))


def _is_footer_text(row: list[Cell]) -> bool:
    return any(FOOTER_RE.match(c) for c in filled(row))
