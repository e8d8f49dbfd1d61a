"""Physical column names: ASCII snake_case slugs made from Vietnamese headers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kho.ingest.vn.text import fold

MAX_LEN = 63  # PostgreSQL's identifier limit
FALLBACK = "cot"  # "cột" = column

# Words that SQL engines (DuckDB, PostgreSQL, SQLite, Trino) reserve; a slug equal to one gets "_".
SQL_RESERVED = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "at",
        "authorization",
        "between",
        "binary",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "describe",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "exists",
        "false",
        "fetch",
        "filter",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "notnull",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "over",
        "overlaps",
        "partition",
        "pivot",
        "placing",
        "primary",
        "qualify",
        "range",
        "recursive",
        "references",
        "returning",
        "right",
        "row",
        "rows",
        "select",
        "session_user",
        "show",
        "similar",
        "some",
        "summarize",
        "symmetric",
        "table",
        "tablesample",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "unpivot",
        "user",
        "using",
        "values",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
        "within",
        "abort",
        "add",
        "alter",
        "attach",
        "begin",
        "by",
        "cascade",
        "commit",
        "conflict",
        "database",
        "delete",
        "detach",
        "drop",
        "each",
        "escape",
        "exclude",
        "explain",
        "glob",
        "if",
        "ignore",
        "index",
        "indexed",
        "insert",
        "instead",
        "key",
        "match",
        "no",
        "nothing",
        "notnull",
        "of",
        "plan",
        "pragma",
        "query",
        "raise",
        "regexp",
        "reindex",
        "release",
        "rename",
        "replace",
        "restrict",
        "rollback",
        "savepoint",
        "set",
        "temp",
        "temporary",
        "transaction",
        "trigger",
        "update",
        "vacuum",
        "view",
        "virtual",
    ]
)

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(header: str) -> str:
    """Turn a header into an ASCII snake_case name ("Lệ phí (đồng)" → "le_phi_dong")."""
    slug = _NON_WORD.sub("_", fold(str(header))).strip("_")
    if not slug:
        return FALLBACK
    if not slug[0].isalpha():
        slug = f"{FALLBACK}_{slug}"
    slug = slug[:MAX_LEN].rstrip("_")
    if slug in SQL_RESERVED:
        slug = f"{slug}_"
    return slug


def unique_slugs(headers: Sequence[str | None]) -> list[str]:
    """Slug every header; blanks become ``cot_N`` (1-based) and repeats get ``_2``, ``_3``…"""
    taken: set[str] = set()
    out: list[str] = []
    for position, header in enumerate(headers, start=1):
        blank = header is None or not str(header).strip() or slugify(str(header)) == FALLBACK
        base = f"{FALLBACK}_{position}" if blank else slugify(str(header))
        out.append(_first_free(base, taken))
        taken.add(out[-1])
    return out


def _first_free(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: MAX_LEN - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1
