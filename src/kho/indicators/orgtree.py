"""Units for indicators: raw spellings resolved to one unit, and the tree values roll up along."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kho.indicators.models import ALL_ORGS

_PREFIX = re.compile(r"^(thanh pho|tp\.?|tinh)\s+|^(tp\.)")


def normalise(name: str) -> str:
    """Fold case, diacritics and the ``TP.``/``Tỉnh``/``Thành phố`` prefixes: ``TP. Hà Nội`` → ``ha noi``."""
    from kho.ingest.vn.text import fold

    text = fold(name).replace("-", " ").replace("–", " ")
    text = re.sub(r"\s+", " ", text).strip()
    text = _PREFIX.sub("", text).strip()
    return re.sub(r"\s+", " ", text)


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
