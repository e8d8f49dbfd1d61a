"""The bundled unit registry: both list versions and the old → new links, loaded once."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any, cast

from kho.errors import InvalidInput, NotFound
from kho.units.models import NEW_VERSION, OLD_VERSION, VERSIONS, Level, ListVersion, Unit, UnitCode

DATA = Path(__file__).parent / "data"
_WIDTH: dict[Level, int] = {"province": 2, "district": 3, "commune": 5}


class Registry:
    """All units of every list version, looked up by (code, version) — never by bare code."""

    def __init__(
        self,
        units: list[Unit],
        links: list[tuple[Level, UnitCode, UnitCode, bool]],
        manifest: dict[str, Any],
    ):
        self.manifest = manifest
        self.units = units
        self._by_key = {u.key: u for u in units}
        self._succ: dict[tuple[Level, UnitCode], list[tuple[UnitCode, bool]]] = defaultdict(list)
        self._pred: dict[tuple[Level, UnitCode], list[tuple[UnitCode, bool]]] = defaultdict(list)
        for level, old, new, partial in links:
            self._succ[(level, old)].append((new, partial))
            self._pred[(level, new)].append((old, partial))

    def get(self, code: str, version: ListVersion, level: Level | None = None) -> Unit:
        """The unit with this code in this list version; the level is guessed from the code's width."""
        _check_version(version)
        levels = [level] if level else [lv for lv, w in _WIDTH.items() if len(code.strip()) <= w]
        for lv in levels or list(_WIDTH):
            unit = self._by_key.get((_pad(code, lv), version, lv))
            if unit:
                return unit
        raise NotFound(
            f"No unit with code {code!r} in list {version}.",
            hint="Run `kho units list --version " + version + "` to see the codes.",
        )

    def successors(self, unit: Unit) -> tuple[tuple[Unit, ...], bool]:
        """What the unit is in today's list (itself if it is in it) and whether it was split."""
        if unit.version == NEW_VERSION:
            return (unit,), False
        if unit.level == "district":
            province = self.get(unit.province_code, OLD_VERSION, "province")
            return self.successors(province)
        links = self._succ.get((unit.level, unit.code), [])
        found = tuple(self._by_key[(new, NEW_VERSION, unit.level)] for new, _ in links)
        return found, any(partial for _, partial in links) or len(found) > 1

    def predecessors(self, unit: Unit) -> tuple[tuple[Unit, ...], tuple[UnitCode, ...]]:
        """The 2025-01 units merged into a 2025-07 unit, and the codes of those only partly merged."""
        if unit.version != NEW_VERSION:
            return (), ()
        links = self._pred.get((unit.level, unit.code), [])
        olds = tuple(self._by_key[(old, OLD_VERSION, unit.level)] for old, _ in links)
        return olds, tuple(old for old, partial in links if partial)

    def list(
        self,
        *,
        version: ListVersion = NEW_VERSION,
        level: Level | None = "province",
        province: UnitCode | None = None,
    ) -> list[Unit]:
        """Units of one list version, optionally one level and one province, in code order."""
        _check_version(version)
        wanted = _pad(province, "province") if province else None
        return [
            u
            for u in self.units
            if u.version == version
            and (level is None or u.level == level)
            and (wanted is None or u.province_code == wanted)
        ]


def _pad(code: str, level: Level) -> str:
    return code.strip().zfill(_WIDTH[level])


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise InvalidInput(
            f"Unknown list version {version!r}.", hint=f"Use one of: {', '.join(VERSIONS)}."
        )


def _read_csv_gz(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))


@cache
def default_registry() -> Registry:
    """The registry bundled with Kho (built by ``build_registry.py``; see data/SOURCE.md)."""
    units = [
        Unit(
            version=r["version"],
            level=cast(Level, r["level"]),
            code=r["code"],
            name=r["name"],
            type=r["type"],
            province_code=r["province_code"],
            district_code=r["district_code"] or None,
        )
        for r in _read_csv_gz(DATA / "units.csv.gz")
    ]
    links = [
        (cast(Level, r["level"]), r["old_code"], r["new_code"], r["partial"] == "1")
        for r in _read_csv_gz(DATA / "successors.csv.gz")
    ]
    manifest = json.loads((DATA / "registry.json").read_text(encoding="utf-8"))
    return Registry(units, links, manifest)
