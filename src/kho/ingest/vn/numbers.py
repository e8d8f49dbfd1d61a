"""Vietnamese and international number writing: per-column convention, evidence and parsing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl

NumberStyle = Literal["plain", "dot_thousands", "comma_thousands"]

EXAMPLE = {
    "plain": "1234567.89",
    "dot_thousands": "1.234.567,89",
    "comma_thousands": "1,234,567.89",
}
WHOLE_EXAMPLE = {"plain": "1234567", "dot_thousands": "1.234.567", "comma_thousands": "1,234,567"}
CURRENCY = r"(?:₫|đồng|vnđ|vnd|đ)"
_WRAP = r"(?i)^(?:-\s*)?\(?(?:{core})\)?\s*(?:%|" + CURRENCY + r")?$"
_DOT_GROUPED = r"[1-9]\d{0,2}(?:\.\d{3})+"
_COMMA_GROUPED = r"[1-9]\d{0,2}(?:,\d{3})+"
CORES = {
    "dot_thousands": rf"(?:{_DOT_GROUPED}|\d+)(?:,\d+)?",
    "comma_thousands": rf"(?:{_COMMA_GROUPED}|\d+)(?:\.\d+)?",
    "plain": r"\d+(?:\.\d+)?",
}
# Values that can only be read one way.
_DOT_ONLY = (
    rf"{_DOT_GROUPED[:-1]}{{2,}}(?:,\d+)?|{_DOT_GROUPED},\d+"
    r"|\d{4,},\d+|\d+,(?:\d{1,2}|\d{4,})|0\d{0,2},\d{3}"
)
_COMMA_ONLY = (
    rf"{_COMMA_GROUPED[:-1]}{{2,}}(?:\.\d+)?|{_COMMA_GROUPED}\.\d+"
    r"|\d{4,}\.\d+|\d+\.(?:\d{1,2}|\d{4,})|0\d{0,2}\.\d{3}"
)


ONLY = {"dot_thousands": _DOT_ONLY, "comma_thousands": _COMMA_ONLY}


def full_pattern(core: str) -> str:
    """Regex for a whole cell: optional sign or parentheses, the number, optional % or currency."""
    return _WRAP.format(core=core)


ANY_NUMBER = full_pattern(f"{CORES['dot_thousands']}|{CORES['comma_thousands']}")
PLAIN_INTEGER = r"^-?\d+$"
LEADING_ZERO = r"^-?\(?0\d"
PERCENT = r"%$"
CURRENCY_SUFFIX = rf"(?i){CURRENCY}$"
PARENTHESES = r"^-?\s*\("
UNIT_CHARS = r"[^\d.,\-]"  # anything beyond digits, separators and a sign


@dataclass
class NumberEvidence:
    """Counts over a whole column that decide its number convention."""

    n: int
    dot_only: int
    comma_only: int
    ambiguous_dot: int  # 1.234 : thousands (VN) or three decimals (EN)?
    ambiguous_comma: int  # 1,234 : three decimals (VN) or thousands (EN)?
    long_plain: int  # ungrouped integers of 4+ digits: grouping is not used in this column
    has_comma: int


def evidence_exprs(col: str, weight: str | None = None) -> dict[str, pl.Expr]:
    """Expressions (each a count) that fill a :class:`NumberEvidence` in one parallel select;
    with `weight`, each row stands for that many values (distinct values with their counts)."""
    import polars as pl

    c = pl.col(col).str

    def count(matches: pl.Expr) -> pl.Expr:
        return pl.col(weight).filter(matches).sum() if weight else matches.sum()

    return {
        "dot_only": count(c.contains(full_pattern(_DOT_ONLY))),
        "comma_only": count(c.contains(full_pattern(_COMMA_ONLY))),
        "ambiguous_dot": count(c.contains(full_pattern(r"[1-9]\d{0,2}\.\d{3}"))),
        "ambiguous_comma": count(c.contains(full_pattern(r"[1-9]\d{0,2},\d{3}"))),
        "long_plain": count(c.contains(full_pattern(r"\d{4,}"))),
        "has_comma": count(c.contains(",", literal=True)),
    }


def decide_style(ev: NumberEvidence, bound: int) -> tuple[NumberStyle | None, list[str]]:
    """Pick the column's convention from all its values; None means mixed (keep as text)."""
    dot, comma = ev.dot_only, ev.comma_only
    if dot and comma:
        if min(dot, comma) > bound:
            return None, [
                f"mixed number conventions: {dot:,} values written like 1.234.567,89 "
                f"and {comma:,} like 1,234,567.89; kept as text, not guessed"
            ]
        minority = min(dot, comma)
        style: NumberStyle = "dot_thousands" if dot > comma else _comma_style(ev)
        return style, [
            f"mixed number conventions: {minority:,} values do not follow the "
            f"column's {EXAMPLE[style]} style and are rejected"
        ]
    if dot:
        return "dot_thousands", []
    if comma:
        return _comma_style(ev), []
    return _decide_ambiguous(ev)


def _comma_style(ev: NumberEvidence) -> NumberStyle:
    return "comma_thousands" if ev.has_comma else "plain"


def _decide_ambiguous(ev: NumberEvidence) -> tuple[NumberStyle | None, list[str]]:
    a_dot, a_comma = ev.ambiguous_dot, ev.ambiguous_comma
    if a_dot and a_comma:
        return None, [
            f"mixed number conventions: {a_dot:,} values like 1.234 and {a_comma:,} "
            "like 1,234 cannot both be read; kept as text"
        ]
    if a_dot:
        if ev.long_plain:
            return "plain", [
                f"ambiguous: {a_dot:,} values like 1.234 read with '.' as decimal "
                "point, since other values are written without thousands separators"
            ]
        return "dot_thousands", [
            f"ambiguous: {a_dot:,} values like 1.234 read with '.' as "
            "thousands separator (Vietnamese convention)"
        ]
    if a_comma:
        if ev.long_plain:
            return "dot_thousands", [
                f"ambiguous: {a_comma:,} values like 1,234 read with ',' as "
                "decimal comma (Vietnamese convention), since other values "
                "are written without thousands separators"
            ]
        return "comma_thousands", [
            f"ambiguous: {a_comma:,} values like 1,234 read with ',' as thousands separator"
        ]
    return "plain", []


def normalise_expr(col: str, style: NumberStyle, *, has_extras: bool) -> pl.Expr:
    """Rewrite cells to plain ``-1234.5`` text (sign, grouping, % and currency removed)."""
    import polars as pl

    e = pl.col(col)
    if has_extras:
        e = e.str.replace(CURRENCY_SUFFIX, "").str.replace_all(r"[^\d.,\-(]", "")
        e = e.str.replace("(", "-", literal=True).str.replace("--", "-", literal=True)
    if style == "dot_thousands":
        return e.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    return e.str.replace_all(",", "", literal=True)


def decimals_expr(col: str, style: NumberStyle) -> pl.Expr:
    """The largest number of decimals written in the column."""
    import polars as pl

    sep = "," if style == "dot_thousands" else r"\."
    return pl.col(col).str.extract(sep + r"(\d+)\D*$", 1).str.len_chars().max()
