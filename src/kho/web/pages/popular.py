"""What the portal adds around a dataset for readers: "most viewed" lists and sorting, and the way
to ask for access when a dataset is hidden or only partly readable."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.catalog.views import ViewCount, most_viewed
from kho.errors_i18n import translate
from kho.platform import Platform
from kho.web.pages.render import render, request_language

POPULAR_DAYS = 30
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RANKED_AT_MOST = 1000  # the catalog's largest page; beyond it "most viewed" ranks the first 1000


def view_counts(request: Request) -> dict[str, ViewCount]:
    """Views and downloads per dataset over the last 30 days (empty when counting is off)."""
    views = getattr(request.app.state, "views", None)
    return views.totals(days=POPULAR_DAYS) if views is not None else {}


def popular(
    request: Request, items: list[m.DatasetSummary], *, limit: int = 5
) -> list[tuple[m.DatasetSummary, ViewCount]]:
    """The most viewed of the datasets the visitor may see, with their counts; unseen ones left out."""
    counts = view_counts(request)
    seen = [d for d in items if counts.get(d.slug, ViewCount()).total > 0]
    return [(d, counts[d.slug]) for d in most_viewed(seen, counts, limit=limit)]


def search_by_views(
    request: Request,
    platform: Platform,
    q: str,
    *,
    actor: Actor,
    filters: dict[str, str],
    limit: int,
    offset: int,
) -> m.SearchResult:
    """A search page sorted by views plus downloads over 30 days; ties keep relevance order."""
    found = platform.catalog.search(q, actor=actor, filters=filters, limit=RANKED_AT_MOST)
    ranked = most_viewed(found.items, view_counts(request))
    return m.SearchResult(
        total=found.total, items=ranked[offset : offset + limit], facets=found.facets
    )


def is_limited(platform: Platform, actor: Actor, ds: m.Dataset) -> bool:
    """True when a signed-in reader sees the dataset only in part (columns or rows held back)."""
    if not actor.is_user or ds.access_level == "public":
        return False
    policy = platform.access.read_policy(
        actor, dataset_slug=ds.slug, org_code=ds.org_code, access_level=ds.access_level
    )
    return policy is not None and policy.is_limited


def hidden_dataset(request: Request, actor: Actor, slug: str, detail: str) -> HTMLResponse:
    """The 404 of a dataset the visitor may not see (or that does not exist: the page cannot tell),
    with the next step: sign in and come back, or ask the owner for access."""
    shown = translate(detail, request_language(request))
    context: dict[str, Any] = {"status": 404, "detail": shown, "actor": actor}
    if SLUG.match(slug):
        context["access_slug"] = slug
    return render(request, "error.html", context, status=404)
