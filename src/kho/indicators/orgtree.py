"""Units for indicators: raw spellings resolved to one unit, and the tree values roll up along."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from kho.indicators.models import ALL_ORGS, UnitRegistry

if TYPE_CHECKING:
    from kho.units.models import Resolution, Unit

_PREFIX = re.compile(r"^(thanh pho|tp\.?|tinh)\s+|^(tp\.)")


def normalise(name: str) -> str:
    """Fold case, diacritics and the ``TP.``/``Tỉnh``/``Thành phố`` prefixes: ``TP. Hà Nội`` → ``ha noi``."""
    from kho.ingest.vn.text import fold

    text = fold(name).replace("-", " ").replace("–", " ")
    text = re.sub(r"\s+", " ", text).strip()
    text = _PREFIX.sub("", text).strip()
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Placement:
    """The unit a raw value counts under, or (``unit`` None) why it counts only in ``ALL``."""

    unit: str | None
    status: str = "ok"  # ok | unknown | ambiguous | split
    note: str = ""
    candidates: tuple[str, ...] = ()
    official: dict[str, str] | None = None  # code, name and list version of a registry unit


class UnitResolver(Protocol):
    """What the roll-up needs: where a raw value of a given day counts, after learning spellings."""

    def learn(self, counts: Mapping[str | None, int]) -> None: ...

    def place(self, raw: str | None, day: date) -> Placement: ...


class Resolver:
    """Maps raw unit values to unit codes: exact override, then alias, then its normalised spelling."""

    def __init__(
        self,
        aliases: Mapping[str, str],
        overrides: Mapping[str, str] | None = None,
        canonical: Iterable[str] = (),
    ):
        self._overrides = dict(overrides or {})
        self._exact = dict(aliases)
        self._folded = {normalise(k): v for k, v in aliases.items()}
        for name in [*canonical, *aliases.values()]:
            self._folded.setdefault(normalise(name), name)

    def learn(self, counts: Mapping[str | None, int]) -> None:
        """Spellings that match no alias group under their most frequent spelling (ties: sorted first)."""
        best: dict[str, tuple[int, str]] = {}
        for raw, n in counts.items():
            if raw is None or raw in self._exact or normalise(raw) in self._folded:
                continue
            key = normalise(raw)
            if key not in best or (-n, raw) < (-best[key][0], best[key][1]):
                best[key] = (n, raw)
        for key, (_, raw) in best.items():
            self._folded[key] = raw

    def resolve(self, raw: str | None) -> str:
        if raw is None:
            return "?"
        for step in (
            self._overrides.get(raw),
            self._exact.get(raw),
            self._folded.get(normalise(raw)),
        ):
            if step is not None:
                return self._overrides.get(step, step)
        return raw

    def place(self, raw: str | None, day: date) -> Placement:
        """The unit of a raw value; a spelling means the same unit on every day."""
        return Placement(self.resolve(raw))

    def spellings(self, raws: Iterable[str | None]) -> dict[str, list[str | None]]:
        """Every raw value grouped under the unit it resolves to."""
        groups: dict[str, list[str | None]] = {}
        for raw in raws:
            groups.setdefault(self.resolve(raw), []).append(raw)
        return groups


class OrgTree:
    """Parent links for roll-up; units without a known parent hang under ``ALL``."""

    def __init__(self, parents: Mapping[str, str | None]):
        self.parents = {k: v for k, v in parents.items() if k != ALL_ORGS}

    def parent(self, code: str) -> str | None:
        if code == ALL_ORGS:
            return None
        return self.parents.get(code) or ALL_ORGS

    def chain(self, code: str) -> list[str]:
        """The unit, its ancestors, and ``ALL`` (cycles are cut)."""
        seen: list[str] = []
        node: str | None = code
        while node is not None and node not in seen:
            seen.append(node)
            node = self.parent(node)
        if seen[-1] != ALL_ORGS:
            seen.append(ALL_ORGS)
        return seen

    def children(self, code: str, among: Iterable[str]) -> list[str]:
        return sorted(c for c in set(among) if c != code and self.parent(c) == code)


class RegistryResolver:
    """Raw values read through ``kho.units`` and counted under the provinces in force on ``as_of``.

    A value is read with the list in force on its row's day (``15`` in 2024 is Yên Bái, in
    August 2025 Lào Cai), after the definition's own ``org_map``/``org_aliases``, then carried to
    the list of ``as_of``: old provinces to their successor, or a new province back to its one
    predecessor. Nothing is guessed: an unknown name, a name several units share in different
    provinces, or a unit whose rows would have to be divided stays out of every province.
    """

    def __init__(self, names: Resolver, spec: UnitRegistry, *, today: date) -> None:
        from kho.units.resolver import version_at

        self.names = names
        self.target = version_at(today if spec.as_of == "today" else spec.as_of)
        self._seen: dict[tuple[str | None, str], Placement] = {}

    def learn(self, counts: Mapping[str | None, int]) -> None:
        """Spellings differing only in case, accents or prefixes are read (and reported) as one."""
        self.names.learn(counts)

    def place(self, raw: str | None, day: date) -> Placement:
        from kho.units.resolver import version_at

        key = (raw, version_at(day))
        if key not in self._seen:
            self._seen[key] = self._place(raw, day)
        return self._seen[key]

    def _place(self, raw: str | None, day: date) -> Placement:
        from kho import units

        if raw is None or not raw.strip():
            return Placement(None, "unknown", "no unit written")
        name = self.names.resolve(raw)
        res = units.resolve(name, level="province", as_of=day)
        if res.status != "ok":
            anywhere = units.resolve(name, as_of=day)
            res = res if anywhere.status == "unknown" else anywhere
        if res.status == "unknown" or (res.unit is None and not res.candidates):
            return Placement(None, "unknown", res.note)
        return self._settle(res)

    def _settle(self, res: Resolution) -> Placement:
        """One province in the target list, or why there is none."""
        found = [res.unit] if res.unit is not None else list(res.candidates)
        targets = {t for u in found for t in self._in_target(u)}
        if len(targets) == 1:
            (unit,) = targets
            official = {"code": unit.code, "name": unit.name, "list": unit.version}
            return Placement(unit.short_name, official=official)
        names = sorted(t.name for t in targets)
        if res.unit is None:
            shown = tuple(sorted(_with_province(u) for u in found))
            return Placement(None, "ambiguous", res.note, shown)
        note = (
            f"{res.unit.name} (list {res.unit.version}) is {', '.join(names) or 'no unit'} in "
            f"list {self.target}; its rows cannot be divided between them"
        )
        return Placement(None, "split", note, tuple(names))

    def _in_target(self, unit: Unit) -> set[Unit]:
        """The provinces of the target list a unit's rows belong to (several: a divided unit)."""
        from kho import units
        from kho.units.models import NEW_VERSION
        from kho.units.registry import default_registry

        reg = default_registry()
        if unit.version == self.target:
            found: tuple[Unit, ...] = (unit,)
        elif self.target == NEW_VERSION:
            found = reg.successors(unit)[0] or reg.successors(units.province_of(unit))[0]
        else:
            found = reg.predecessors(unit)[0]
        return {units.province_of(u) for u in found}


def _with_province(unit: Unit) -> str:
    from kho import units

    province = units.province_of(unit)
    return unit.name if province == unit else f"{unit.name} ({province.name})"


def unit_resolver(
    aliases: Mapping[str, str],
    overrides: Mapping[str, str],
    registry: UnitRegistry | None,
    *,
    today: date | None = None,
) -> UnitResolver:
    """The definition's spellings, read through the unit registry when it asks for one."""
    names = Resolver(aliases, overrides)
    if registry is None:
        return names
    return RegistryResolver(names, registry, today=today or date.today())
