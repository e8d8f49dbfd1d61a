"""The freshness board: each scheduled dataset's last load against its due date, and the syncs feeding them.

Anyone sees the public datasets; signed-in people also see what the catalog lets them read and the
syncs of their organisations (the same access rules as the rest of the portal, applied by the
services). A sync whose last run failed is an alert here and on its organisation admins' workspace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.catalog.freshness import PERIOD_DAYS
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep
from kho.web.i18n import gettext
from kho.web.pages.portal import org_names, title_of
from kho.web.pages.render import render, request_language

router = APIRouter(include_in_schema=False)

# Board statuses, worst first; the catalog's freshness ("stale", "unknown") under a reader's word.
STATUSES: tuple[str, ...] = ("never", "late", "due", "fresh")
_FROM_CATALOG = {"unknown": "never", "stale": "late", "due": "due", "fresh": "fresh"}
STATUS_LABELS = {
    "never": "Never loaded",
    "late": "Late",
    "due": "Due for update",
    "fresh": "Up to date",
}
_PAGE = 1000  # the catalog's largest page
_SHOWN_INPUT = 60  # characters of a wrong filter value echoed back


@dataclass(frozen=True)
class BoardRow:
    """One scheduled dataset on the board: its status, when its next load is due, a failing sync."""

    dataset: m.DatasetSummary
    status: str
    due: datetime | None
    failed_sync: str | None = None


def board_rows(
    datasets: list[m.DatasetSummary], failed_syncs: dict[str, str] | None = None
) -> list[BoardRow]:
    """Datasets with a regular update frequency, worst first, then the longest overdue first."""
    failed_syncs = failed_syncs or {}
    rows = [
        BoardRow(d, _FROM_CATALOG[d.freshness], _due(d), failed_syncs.get(d.slug))
        for d in datasets
        if d.update_frequency in PERIOD_DAYS
    ]
    return sorted(rows, key=_worst_first)


def _due(d: m.DatasetSummary) -> datetime | None:
    """The last load plus one period of the declared frequency (none before a first load)."""
    if d.last_loaded_at is None or d.update_frequency not in PERIOD_DAYS:
        return None
    last = d.last_loaded_at if d.last_loaded_at.tzinfo else d.last_loaded_at.replace(tzinfo=UTC)
    return last + timedelta(days=PERIOD_DAYS[d.update_frequency])


def _worst_first(row: BoardRow) -> tuple[int, datetime, str]:
    earliest = datetime.min.replace(tzinfo=UTC)
    return (STATUSES.index(row.status), row.due or earliest, row.dataset.title_vi)


def failed_datasets(syncs: list[dict[str, Any]]) -> dict[str, str]:
    """Dataset slug → the sync whose latest run failed on that dataset's table."""
    out: dict[str, str] = {}
    for sync in syncs:
        latest = sync.get("latest") or {}
        for table in latest.get("tables", []) if latest.get("status") == "failed" else []:
            if table.get("status") == "failed" and table.get("dataset"):
                out.setdefault(str(table["dataset"]), str(sync["name"]))
    return out


def _all_datasets(platform: Platform, actor: Actor) -> list[m.DatasetSummary]:
    """Every dataset the actor may see, page by page through the catalog's search."""
    found = platform.catalog.search("", actor=actor, limit=_PAGE, sort="title")
    items = list(found.items)
    while len(items) < found.total:
        more = platform.catalog.search(
            "", actor=actor, limit=_PAGE, offset=len(items), sort="title"
        )
        if not more.items:
            break
        items += more.items
    return items


def _syncs(platform: Platform, actor: Actor) -> list[dict[str, Any]]:
    from kho.migrate.sync import Syncer

    return [] if actor.is_anonymous else Syncer(platform).board(actor=actor)


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN_INPUT else value[:_SHOWN_INPUT] + "…"


def _problems(lang: str, org: str, status: str, orgs: dict[str, m.Organisation]) -> list[str]:
    """What is wrong with the filters, in the reader's language, with what to do instead."""
    out = []
    if status and status not in STATUSES:
        choices = ", ".join(gettext(lang, STATUS_LABELS[s]) for s in STATUSES)
        out.append(
            gettext(
                lang,
                "There is no status “{value}”. Choose one of: {choices}.",
                value=_shown(status),
                choices=choices,
            )
        )
    if org and org not in orgs:
        out.append(
            gettext(
                lang,
                "There is no organisation with the code “{value}”. Pick one from the list.",
                value=_shown(org),
            )
        )
    return out


@router.get("/freshness", response_class=HTMLResponse)
def freshness_page(request: Request, platform: PlatformDep, actor: ActorDep) -> HTMLResponse:
    """The board; ``?org=CODE`` and ``?status=never|late|due|fresh`` narrow it."""
    org = request.query_params.get("org", "").strip()
    status = request.query_params.get("status", "").strip()
    orgs = org_names(platform)
    problems = _problems(request_language(request), org, status, orgs)
    org = org if org in orgs else ""
    status = status if status in STATUSES else ""
    datasets = _all_datasets(platform, actor)
    syncs = _syncs(platform, actor)
    rows = board_rows(datasets, failed_datasets(syncs))
    in_org = [r for r in rows if not org or r.dataset.org_code == org]
    shown_syncs = [s for s in syncs if not org or s["org_code"] == org]
    return render(
        request,
        "freshness.html",
        {
            "actor": actor,
            "org": org,
            "status": status,
            "problems": problems,
            "statuses": STATUSES,
            "status_labels": STATUS_LABELS,
            "counts": Counter(r.status for r in in_org),
            "rows": [r for r in in_org if not status or r.status == status],
            "unscheduled": len(datasets) - len(rows),
            "org_choices": sorted(
                {r.dataset.org_code for r in rows} | {s["org_code"] for s in syncs}
            ),
            "orgs": orgs,
            "syncs": shown_syncs,
            "alerts": [s for s in shown_syncs if s["last_status"] == "failed"],
            "title_of": title_of,
        },
        status=400 if problems else 200,
    )


@router.get("/freshness/syncs/{name}", response_class=HTMLResponse)
def sync_history_page(
    request: Request, name: str, platform: PlatformDep, actor: ActorDep
) -> HTMLResponse:
    """Every recent run of one sync the visitor may watch (others are not found)."""
    from kho.migrate.sync import Syncer

    syncer = Syncer(platform)
    runs = syncer.history(name, actor=actor, limit=100)
    return render(
        request,
        "freshness_sync.html",
        {
            "actor": actor,
            "sync": syncer.get(name),
            "runs": runs,
            "orgs": org_names(platform),
        },
    )
