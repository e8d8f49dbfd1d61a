"""Yes/no columns as Vietnamese offices write them: Có/Không, Đúng/Sai, x/blank, 1/0 for flags."""

from __future__ import annotations

_TRUE = ("có", "co", "đúng", "dung", "true", "yes", "x")
_FALSE = ("không", "khong", "sai", "false", "no")
MARK = "x"


def _variants(words: tuple[str, ...]) -> list[str]:
    return sorted({v for w in words for v in (w, w.upper(), w.capitalize())})


def tokens(*, numeric: bool) -> dict[str, bool]:
    """Every accepted spelling mapped to its value; ``numeric`` adds 1/0 (for flag columns)."""
    table = {v: True for v in _variants(_TRUE)} | {v: False for v in _variants(_FALSE)}
    if numeric:
        table |= {"1": True, "0": False}
    return table


def is_mark_only(values: set[str]) -> bool:
    """A column holding only ``x`` (blanks aside) is a tick-box column."""
    return bool(values) and {v.lower() for v in values} == {MARK}
