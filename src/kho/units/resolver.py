"""Resolve unit names as people write them to official codes, then and now, without guessing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import cache

from kho.errors import InvalidInput, NotFound
from kho.units.aliases import PROVINCE_ALIASES
from kho.units.models import (
    NEW_VERSION,
    OLD_VERSION,
    Level,
    ListVersion,
    Resolution,
    Unit,
)
from kho.units.names import fold_key, split_prefix, strip_suffix, tone_key
from kho.units.registry import Registry, default_registry

EFFECTIVE = date(2025, 7, 1)
MAX_NAME = 200
_LEVELS: tuple[Level, ...] = ("province", "district", "commune")
_ZEROS = re.compile(r"\b0+(\d)")
Tier = Callable[[str], str]


def _flat(text: str) -> str:
    return fold_key(text).replace(" ", "")


_TIERS: tuple[tuple[str, Tier], ...] = (("tone", tone_key), ("fold", fold_key), ("flat", _flat))


def _key(tier: Tier, text: str) -> str:
    return _ZEROS.sub(r"\1", tier(text))


class Resolver:
    """Name → unit lookups over one registry, with indexes built once."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._index: dict[tuple[str, str], dict[str, list[Unit]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for unit in registry.units:
            for kind, text in (("full", unit.name), ("short", unit.short_name)):
                for tier_name, tier in _TIERS:
                    self._index[(kind, tier_name)][_key(tier, text)].append(unit)

    def resolve(
        self,
        name: str | None,
        *,
        level: Level | None = None,
        province: str | None = None,
        as_of: date | None = None,
    ) -> Resolution:
        """Map a written unit name to its unit (code in its list version) and today's successor(s)."""
        query = "" if name is None else str(name)
        if not query.strip():
            return Resolution(query=query, status="unknown", note="empty")
        if len(query) > MAX_NAME:
            return Resolution(
                query=query, status="unknown", note=f"longer than {MAX_NAME} characters"
            )
        prefer = version_at(as_of)
        levels = (level,) if level else _LEVELS
        allowed = self._province_scope(province, prefer) if province else None
        if query.strip().isdigit():
            return self._by_code(query, levels, prefer)
        found, how = self._candidates(query, levels, allowed)
        res = self._decide(query, found, prefer)
        if how in ("fold", "flat") and not query.isascii():
            return replace(
                res, note=(res.note + "; " if res.note else "") + "matched ignoring diacritics"
            )
        return res

    def _by_code(self, query: str, levels: tuple[Level, ...], prefer: ListVersion) -> Resolution:
        for lv in levels:
            try:
                return self._ok(query, self.registry.get(query, prefer, lv))
            except NotFound:
                continue
        return Resolution(query=query, status="unknown", note=f"no such code in list {prefer}")

    def _candidates(
        self, query: str, levels: tuple[Level, ...], allowed: set[tuple[str, ListVersion]] | None
    ) -> tuple[list[Unit], str]:
        """Units the first matching reading finds, and how it matched (tone, fold, flat, alias)."""
        for kind, text, unit_type in _stages(query):
            aliased = self._alias(text, allowed) if kind == "short" and "province" in levels else []
            for tier_name, tier in _TIERS:
                hits = self._index[(kind, tier_name)].get(_key(tier, text), [])
                hits = [u for u in hits if u.level in levels and _in_scope(u, allowed)]
                if hits:
                    return _by_type(aliased + hits, unit_type), tier_name
            if aliased:
                return aliased, "alias"
        return [], ""

    def _alias(self, text: str, allowed: set[tuple[str, ListVersion]] | None) -> list[Unit]:
        target = PROVINCE_ALIASES.get(fold_key(text)) or PROVINCE_ALIASES.get(_flat(text))
        if not target:
            return []
        short, version = target
        hits = self._index[("short", "tone")].get(_key(tone_key, short), [])
        return [
            u
            for u in hits
            if u.level == "province"
            and (version is None or u.version == version)
            and _in_scope(u, allowed)
        ]

    def _decide(self, query: str, found: list[Unit], prefer: ListVersion) -> Resolution:
        if not found:
            return Resolution(query=query, status="unknown", note="no unit of that name")
        top = next(lv for lv in _LEVELS if any(u.level == lv for u in found))
        found = [u for u in found if u.level == top]
        preferred = [u for u in found if u.version == prefer] or found
        unique = list(dict.fromkeys(preferred))
        if len(unique) == 1:
            return self._ok(query, unique[0])
        return Resolution(
            query=query,
            status="ambiguous",
            candidates=tuple(_sorted(unique)),
            note=f"{len(unique)} units of that name; give the province",
        )

    def _ok(self, query: str, unit: Unit) -> Resolution:
        successors, partial = self.registry.successors(unit)
        note = ""
        if not successors:
            province = self.registry.successors(
                self.registry.get(unit.province_code, unit.version, "province")
            )[0]
            note = "not in the conversion table; its province is now " + ", ".join(
                p.name for p in province
            )
        return Resolution(
            query=query, status="ok", unit=unit, successors=successors, partial=partial, note=note
        )

    def _province_scope(self, province: str, prefer: ListVersion) -> set[tuple[str, ListVersion]]:
        """(province code, version) pairs a commune may belong to when the caller names its province."""
        res = self.resolve(province, level="province", as_of=_as_of(prefer))
        if res.status != "ok" or res.unit is None:
            raise InvalidInput(
                f"Province {province!r} is {res.status}.",
                hint="Run `kho units list` for the province names and codes.",
            )
        if res.unit.version == OLD_VERSION:
            units = [res.unit, *res.successors]
        else:
            units = [res.unit, *self.registry.predecessors(res.unit)[0]]
        return {(u.code, u.version) for u in units}

    def resolve_column(
        self,
        values: Iterable[str | None],
        *,
        level: Level | None = None,
        province: str | None = None,
        as_of: date | None = None,
    ) -> list[Resolution]:
        """Resolve every value of a column, each distinct value once (a column has few distinct names)."""
        seen: dict[str | None, Resolution] = {}
        out = []
        for value in values:
            if value not in seen:
                seen[value] = self.resolve(value, level=level, province=province, as_of=as_of)
            out.append(seen[value])
        return out


def _stages(query: str) -> Iterable[tuple[str, str, str | None]]:
    """Readings of a query, most literal first: full name, bare name, then without prefix/suffix."""
    yield "full", query, None
    yield "short", query, None
    if (bare := strip_suffix(query)) != query:
        yield "short", bare, None
    unit_type, rest = split_prefix(query)
    if unit_type:
        yield "short", rest, unit_type
        if (bare := strip_suffix(rest)) != rest:
            yield "short", bare, unit_type


def _by_type(hits: list[Unit], unit_type: str | None) -> list[Unit]:
    typed = [u for u in hits if u.type == unit_type] if unit_type else []
    return typed or hits


def _in_scope(unit: Unit, allowed: set[tuple[str, ListVersion]] | None) -> bool:
    return (
        allowed is None or unit.level == "province" or (unit.province_code, unit.version) in allowed
    )


def _sorted(units: list[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (u.version, u.province_code, u.code))


def version_at(day: date | None) -> ListVersion:
    """The list version in force on a day; today's list when no day is given."""
    return OLD_VERSION if day is not None and day < EFFECTIVE else NEW_VERSION


def _as_of(version: ListVersion) -> date:
    return date(2025, 1, 1) if version == OLD_VERSION else EFFECTIVE


@cache
def default_resolver() -> Resolver:
    """The resolver over the bundled registry, built on first use (about a third of a second)."""
    return Resolver(default_registry())
