"""Vietnamese administrative units before and after 1 July 2025, and a name resolver."""

from __future__ import annotations

from datetime import date

from kho.units.models import (
    NEW_VERSION,
    OLD_VERSION,
    VERSIONS,
    History,
    Level,
    ListVersion,
    Resolution,
    Unit,
    UnitCode,
)

__all__ = [
    "NEW_VERSION",
    "OLD_VERSION",
    "VERSIONS",
    "History",
    "Level",
    "ListVersion",
    "Resolution",
    "Unit",
    "UnitCode",
    "get",
    "history",
    "list_units",
    "predecessors",
    "province_of",
    "resolve",
    "resolve_column",
    "successor",
]


def resolve(
    name: str | None,
    *,
    level: Level | None = None,
    province: str | None = None,
    as_of: date | None = None,
) -> Resolution:
    """Map a unit name in any spelling to its code as written and its successor today."""
    from kho.units.resolver import default_resolver

    return default_resolver().resolve(name, level=level, province=province, as_of=as_of)


def resolve_column(
    values: list[str | None],
    *,
    level: Level | None = None,
    province: str | None = None,
    as_of: date | None = None,
) -> list[Resolution]:
    """Resolve a whole column, each distinct value once; results line up with ``values``."""
    from kho.units.resolver import default_resolver

    return default_resolver().resolve_column(values, level=level, province=province, as_of=as_of)


def get(code: str, version: ListVersion = NEW_VERSION, level: Level | None = None) -> Unit:
    """The unit with this code in this list version (raises NotFound)."""
    from kho.units.registry import default_registry

    return default_registry().get(code, version, level)


def successor(
    code: str, version: ListVersion = OLD_VERSION, level: Level | None = None
) -> tuple[Unit, ...]:
    """The 2025-07 unit(s) a unit became; several when it was split (partial merge)."""
    from kho.units.registry import default_registry

    reg = default_registry()
    return reg.successors(reg.get(code, version, level))[0]


def predecessors(new_code: str, level: Level | None = None) -> tuple[Unit, ...]:
    """The 2025-01 units merged (wholly or partly) into a 2025-07 unit."""
    from kho.units.registry import default_registry

    reg = default_registry()
    return reg.predecessors(reg.get(new_code, NEW_VERSION, level))[0]


def history(code: str, version: ListVersion = NEW_VERSION, level: Level | None = None) -> History:
    """Where a unit came from and what it became."""
    from kho.units.registry import default_registry

    reg = default_registry()
    unit = reg.get(code, version, level)
    successors, partial = reg.successors(unit)
    olds, partial_olds = reg.predecessors(unit)
    return History(
        unit=unit,
        successors=successors if unit.version == OLD_VERSION else (),
        partial=partial,
        predecessors=olds,
        partial_predecessors=partial_olds,
    )


def province_of(unit: Unit | str, version: ListVersion = NEW_VERSION) -> Unit:
    """The province a unit (or a code in ``version``) belongs to, in the same list version."""
    from kho.units.registry import default_registry

    reg = default_registry()
    found = unit if isinstance(unit, Unit) else reg.get(unit, version)
    return reg.get(found.province_code, found.version, "province")


def list_units(
    *,
    version: ListVersion = NEW_VERSION,
    level: Level | None = "province",
    province: str | None = None,
) -> list[Unit]:
    """Units of one list version (default: today's provinces) in code order."""
    from kho.units.registry import default_registry

    return default_registry().list(version=version, level=level, province=province)
