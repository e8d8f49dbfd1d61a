"""package_search's Solr-flavoured parameters (fq, sort, facets) evaluated over catalog summaries."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kho.catalog import models as m
from kho.web.ckan.envelope import CkanSearchQueryError
from kho.web.ckan.packages import LICENCES, Site, group_name, modified, org_name, stable_id

FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
_CLAUSE = re.compile(
    r"""\s*(?:(?P<op>AND|OR|&&|\|\|)(?=\s)|(?P<sign>[+-]?)(?P<field>[A-Za-z_][\w.]*):"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|\((?:[^()"]|"(?:[^"\\]|\\.)*")*\)|[^\s()]+))"""
)
_INNER = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s()]+)')


@dataclass(frozen=True)
class Clause:
    field: str
    values: tuple[str, ...]
    negated: bool


def field_values(d: m.DatasetSummary, field: str) -> set[str]:
    """The values a dataset has for one CKAN search field, lower-cased for comparison."""
    from kho.ingest.vn.text import fold

    values: dict[str, Callable[[], list[str]]] = {
        "organization": lambda: [org_name(d.org_code), d.org_code],
        "owner_org": lambda: [stable_id("organization", d.org_code)],
        "groups": lambda: [group_name(d.sector)] if d.sector else [],
        "tags": lambda: [fold(t) for t in d.keywords],
        "res_format": lambda: [f.upper() for f in d.formats],
        "license_id": lambda: [d.licence] if d.licence else [],
        "name": lambda: [d.slug],
        "id": lambda: [stable_id("dataset", d.slug)],
        "capacity": lambda: ["public" if d.access_level == "public" else "private"],
        "state": lambda: ["active"],
        "dataset_type": lambda: ["dataset"],
        "type": lambda: ["dataset"],
    }
    if field not in values:
        raise CkanSearchQueryError(
            f"Search Query is invalid: unknown field {field!r} in fq; "
            f"use one of {', '.join(sorted(values))}."
        )
    return {v.lower() for v in values[field]()}


def parse_fq(fq: str) -> list[list[Clause]]:
    """Clauses ANDed between groups; ``a OR b`` and ``field:(a OR b)`` make a group's alternatives."""
    groups: list[list[Clause]] = []
    pending_or = False
    pos = 0
    text = fq.strip()
    while pos < len(text):
        match = _CLAUSE.match(text, pos)
        if match is None or match.end() == pos:
            raise CkanSearchQueryError(
                f"Search Query is invalid: cannot read fq near {text[pos : pos + 40]!r}; "
                'write field:value, field:"two words" or field:(a OR b).'
            )
        pos = match.end()
        if match.group("op"):
            pending_or = match.group("op") in ("OR", "||")
            continue
        clause = Clause(
            match.group("field"), _values(match.group("value")), match.group("sign") == "-"
        )
        if pending_or and groups:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        pending_or = False
    return groups


def _values(raw: str) -> tuple[str, ...]:
    if raw.startswith("("):
        found = [
            q if q else w for q, w in _INNER.findall(raw[1:-1]) if (q or w) not in ("OR", "AND")
        ]
        return tuple(_unescape(v) for v in found)
    if raw.startswith('"'):
        return (_unescape(raw[1:-1]),)
    return (_unescape(raw),)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def matches(d: m.DatasetSummary, groups: list[list[Clause]]) -> bool:
    return all(any(_clause_holds(d, c) for c in group) for group in groups)


def _clause_holds(d: m.DatasetSummary, clause: Clause) -> bool:
    from kho.ingest.vn.text import fold

    have = field_values(d, clause.field)
    wanted = {fold(v) if clause.field == "tags" else v.lower() for v in clause.values}
    hit = bool(have) if "*" in wanted else bool(have & wanted)
    return hit != clause.negated


def split_q(q: str) -> tuple[str, str]:
    """Free words for the catalog search, and any ``field:value`` parts of q, which act as fq."""
    q = q.strip()
    if q in ("*:*", "*", ""):
        return "", ""
    fields = [mt.group(0).strip() for mt in _CLAUSE.finditer(q) if mt.group("field")]
    words = _CLAUSE.sub(lambda mt: " " if mt.group("field") else mt.group(0), q)
    return words.strip(), " ".join(fields)


def sort_items(items: list[m.DatasetSummary], sort: str) -> list[m.DatasetSummary]:
    """Apply ``field dir, field dir`` left to right; ``score`` keeps the catalog's relevance order."""
    from kho.ingest.vn.text import fold

    rank = {d.slug: i for i, d in enumerate(items)}
    keys: dict[str, Callable[[m.DatasetSummary], Any]] = {
        "score": lambda d: -rank[d.slug],
        "metadata_modified": modified,
        "title_string": lambda d: fold(d.title_vi),
        "title": lambda d: fold(d.title_vi),
        "name": lambda d: d.slug,
    }
    out = list(items)
    parts = [p.split() for p in sort.split(",") if p.strip()]
    for part in reversed(parts):
        field, direction = part[0], (part[1].lower() if len(part) > 1 else "asc")
        if field not in keys or direction not in ("asc", "desc") or len(part) > 2:
            raise CkanSearchQueryError(
                f"Search Query is invalid: cannot sort by {' '.join(part)!r}; "
                f"use {', '.join(keys)} with asc or desc."
            )
        out.sort(key=keys[field], reverse=direction == "desc")
    return out


def facets(
    items: list[m.DatasetSummary], fields: list[str], site: Site, *, limit: int, mincount: int
) -> tuple[dict[str, dict[str, int]], dict[str, Any]]:
    """CKAN's ``facets`` and ``search_facets`` (items by count, then listed by display_name reversed)."""
    flat: dict[str, dict[str, int]] = {}
    rich: dict[str, Any] = {}
    for field in fields:
        counts: Counter[str] = Counter()
        for d in items:
            counts.update(_facet_names(d, field))
        top = [
            (n, c)
            for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if c >= mincount
        ]
        if limit >= 0:
            top = top[:limit]
        flat[field] = dict(top)
        entries: list[dict[str, Any]] = [
            {"name": n, "display_name": _display(field, n, items, site), "count": c} for n, c in top
        ]
        entries.sort(key=lambda e: str(e["display_name"]), reverse=True)
        rich[field] = {"title": field, "items": entries}
    return flat, rich


def _facet_names(d: m.DatasetSummary, field: str) -> list[str]:
    names: dict[str, Callable[[], list[str]]] = {
        "organization": lambda: [org_name(d.org_code)],
        "groups": lambda: [group_name(d.sector)] if d.sector else [],
        "tags": lambda: list(d.keywords),
        "res_format": lambda: [f.upper() for f in d.formats],
        "license_id": lambda: [d.licence] if d.licence else [],
    }
    return names[field]() if field in names else []


def _display(field: str, name: str, items: list[m.DatasetSummary], site: Site) -> str:
    if field == "organization":
        org = next((site.org(d.org_code) for d in items if org_name(d.org_code) == name), None)
        return org.name_vi if org else name
    if field == "groups":
        return next((d.sector for d in items if d.sector and group_name(d.sector) == name), name)
    if field == "license_id":
        return LICENCES.get(name, (name, "", False))[0]
    return name
