"""Administrative-unit code columns added at ingest: the unit as written and its successor today."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

SUFFIXES = ("ma", "phien_ban", "ma_moi", "ten_moi", "trang_thai")


@dataclass
class UnitColumn:
    """A source column holding unit names (``name`` is its slug) and the level to resolve at."""

    name: str
    header: str
    level: str | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    unresolved: list[str] = field(default_factory=list)

    def fields(self) -> list[pa.Field]:
        import pyarrow as pa

        return [pa.field(f"{self.name}_{s}", pa.large_string()) for s in SUFFIXES]

    def derive(self, values: pl.Series) -> pl.DataFrame:
        """Five text columns per row, each distinct name resolved once."""
        import polars as pl

        from kho import units

        distinct = values.drop_nulls().unique().to_list()
        resolved = units.resolve_column(distinct, level=self.level)  # type: ignore[arg-type]
        table = pl.DataFrame(
            {
                "key": distinct,
                **{f"{self.name}_{s}": [_part(r, s) for r in resolved] for s in SUFFIXES},
            },
            schema={"key": pl.String, **{f"{self.name}_{s}": pl.String for s in SUFFIXES}},
        )
        out = pl.DataFrame({"key": values}).join(table, on="key", how="left", maintain_order="left")
        for status, n in out[f"{self.name}_trang_thai"].value_counts().iter_rows():
            if status:
                self.statuses[status] += int(n)
        for r in resolved:
            if r.status != "ok" and len(self.unresolved) < 10:
                self.unresolved.append(r.query)
        return out.drop("key")

    def warnings(self) -> list[str]:
        bad = {k: v for k, v in self.statuses.items() if k != "ok"}
        if not bad:
            return []
        counts = ", ".join(f"{n:,} {k}" for k, n in bad.items())
        return [
            f"column {self.header!r}: administrative units not resolved uniquely ({counts}), "
            f"e.g. {', '.join(repr(u) for u in self.unresolved[:5])}; their code columns are empty"
        ]


def _part(r: object, suffix: str) -> str | None:
    if suffix == "ma":
        return getattr(r, "code", None)
    if suffix == "phien_ban":
        return getattr(r, "version", None)
    if suffix == "ma_moi":
        return getattr(r, "successor_code", None)
    if suffix == "ten_moi":
        return getattr(r, "successor_name", None)
    return str(getattr(r, "status", ""))
