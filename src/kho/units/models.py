"""Administrative units keyed by (code, list version), and what resolving a name returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Level = Literal["province", "district", "commune"]
ListVersion = str  # "2025-01" (63 provinces, before 1 July 2025) or "2025-07" (34 provinces)
UnitCode = str  # zero-padded official code: 2 digits province, 3 district, 5 commune
Status = Literal["ok", "ambiguous", "unknown"]

OLD_VERSION: ListVersion = "2025-01"
NEW_VERSION: ListVersion = "2025-07"
VERSIONS: tuple[ListVersion, ...] = (OLD_VERSION, NEW_VERSION)


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit in one list version; the same code may mean another place in the other version."""

    version: ListVersion
    level: Level
    code: UnitCode
    name: str
    type: str
    province_code: UnitCode
    district_code: UnitCode | None = None

    @property
    def short_name(self) -> str:
        """The name without its type word ("Tỉnh Hà Giang" → "Hà Giang")."""
        prefix = self.type + " "
        return self.name[len(prefix) :] if self.name.startswith(prefix) else self.name

    @property
    def key(self) -> tuple[UnitCode, ListVersion, Level]:
        return (self.code, self.version, self.level)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The unit a written name means (``unit``), and what it is today (``successors``)."""

    query: str
    status: Status
    unit: Unit | None = None
    successors: tuple[Unit, ...] = ()
    partial: bool = False
    candidates: tuple[Unit, ...] = ()
    note: str = ""

    @property
    def code(self) -> UnitCode | None:
        return self.unit.code if self.unit else None

    @property
    def version(self) -> ListVersion | None:
        return self.unit.version if self.unit else None

    @property
    def successor_code(self) -> UnitCode | None:
        """The one successor's code, or None when there is none or several (partial merge)."""
        return self.successors[0].code if len(self.successors) == 1 else None

    @property
    def successor_name(self) -> str | None:
        return self.successors[0].name if len(self.successors) == 1 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "unit": self.unit.to_dict() if self.unit else None,
            "successors": [u.to_dict() for u in self.successors],
            "partial": self.partial,
            "candidates": [u.to_dict() for u in self.candidates],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class History:
    """Where a unit came from and what it became across the 1 July 2025 reorganisation."""

    unit: Unit
    successors: tuple[Unit, ...] = ()
    partial: bool = False
    predecessors: tuple[Unit, ...] = ()
    partial_predecessors: tuple[UnitCode, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.to_dict(),
            "successors": [u.to_dict() for u in self.successors],
            "partial": self.partial,
            "predecessors": [u.to_dict() for u in self.predecessors],
            "partial_predecessors": list(self.partial_predecessors),
        }
