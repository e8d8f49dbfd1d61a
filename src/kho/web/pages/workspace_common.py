"""Shared machinery of the signed-in workspace pages: templates, language, the visitor, page errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from kho.access.actors import Actor
from kho.errors import KhoError, PermissionDenied
from kho.errors_i18n import translate
from kho.web.i18n import LANGUAGES, gettext

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
LABELS: dict[str, dict[str, str]] = {
    "mode": {
        "create": "Create a new table",
        "append": "Append the rows",
        "replace": "Replace all rows",
        "upsert": "Update or insert by key",
    },
    "access": {
        "public": "public: anyone, on the open portal",
        "internal": "internal: any signed-in government user",
        "restricted": "restricted: our organisation and those we grant",
    },
    "freq": {
        "": "not set",
        "daily": "daily",
        "weekly": "weekly",
        "monthly": "monthly",
        "quarterly": "quarterly",
        "yearly": "yearly",
        "irregular": "irregular",
    },
    "inventory": {
        "not_digitised": "not digitised",
        "digitised_not_loaded": "digitised, not loaded",
        "planned": "loading planned",
        "loaded": "loaded",
    },
    "chart": {"bar": "Bars", "line": "Line", "pie": "Pie"},
    "skip": {
        "title": "title row",
        "blank": "blank",
        "footer": "footer",
        "numbering": "column numbering",
        "units": "units row",
        "repeated_header": "repeated header",
        "group": "group heading",
    },
}
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def detect_lang(request: Request) -> str:
    """``?lang=`` first, then the ``lang`` cookie, then Accept-Language, else Vietnamese."""
    from kho.web.pages.render import request_language

    return request_language(request)


@dataclass(frozen=True)
class Visitor:
    """A signed-in person on a workspace page: who, their CSRF token and their language."""

    actor: Actor
    csrf: str
    lang: str

    def t(self, msgid: str, **params: object) -> str:
        return gettext(self.lang, msgid, **params)


class PageProblem(Exception):
    """Stops a page: either a redirect (sign in first) or an error page with a status."""

    def __init__(
        self, status: int, message: str = "", *, hint: str = "", redirect: str | None = None
    ):
        super().__init__(message)
        self.status, self.message, self.hint, self.redirect = status, message, hint, redirect

    @classmethod
    def of(cls, exc: KhoError) -> PageProblem:
        return cls(exc.status, exc.message, hint=exc.hint or "")


async def get_visitor(request: Request) -> Visitor:
    """The signed-in caller; anonymous visitors are sent to /login, a bad CSRF token is a 403 page."""
    from kho.web.auth import resolve_actor

    try:
        actor = await resolve_actor(request)
    except PermissionDenied as exc:
        raise PageProblem.of(exc) from None
    if actor.is_anonymous:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise PageProblem(303, redirect=f"/login?next={quote(target, safe='')}")
    return Visitor(
        actor=actor, csrf=getattr(request.state, "csrf_token", ""), lang=detect_lang(request)
    )


VisitorDep = Annotated[Visitor, Depends(get_visitor)]
SERVICE_TEXT = frozenset({"error", "message", "hint"})  # context keys holding service messages


@contextmanager
def shown() -> Iterator[None]:
    """Turn a service error into an error page (403/404/409…) instead of the API's JSON envelope."""
    try:
        yield
    except KhoError as exc:
        raise PageProblem.of(exc) from exc


def form_error(exc: Exception) -> str:
    """A one-line message for a form from a service error or a schema validation error."""
    from pydantic import ValidationError

    if isinstance(exc, KhoError):
        return exc.message + (f" {exc.hint}" if exc.hint else "")
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}"
    return str(exc)


def require(condition: bool, message: str) -> None:
    """A 403 page unless ``condition`` holds (pages a role may not see)."""
    if not condition:
        raise PageProblem(403, message)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    visitor: Visitor | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render a workspace template with the portal's helpers (``_``, numbers, dates) plus the visitor.

    Service errors arrive in English (``error``, ``message``, ``hint``): they are translated here,
    where the person reads them; ``translate(text)`` does the same for load-report reasons.
    """
    from kho.web.pages.render import helpers

    lang = visitor.lang if visitor else detect_lang(request)
    context = {
        k: translate(v, lang) if k in SERVICE_TEXT and isinstance(v, str) else v
        for k, v in context.items()
    }
    response = templates.TemplateResponse(
        request,
        name,
        {
            **helpers(request, lang),
            "user": visitor.actor if visitor else None,
            "me": visitor.actor if visitor else None,
            "csrf": visitor.csrf if visitor else "",
            "label": lambda kind, key: gettext(lang, LABELS[kind].get(key or "", key or "")),
            **context,
        },
        status_code=status,
    )
    response.headers["Content-Language"] = lang
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def install_problem_handler(app: FastAPI) -> None:
    """Workspace page errors render as pages (the API keeps its JSON envelope)."""

    async def _problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageProblem)
        if exc.redirect:
            return see_other(exc.redirect)
        lang = detect_lang(request)
        title = {403: "You may not see this page.", 404: "Not found", 401: "Sign in first."}
        return render(
            request,
            "workspace/error.html",
            {
                "title": gettext(lang, title.get(exc.status, "Something went wrong")),
                "message": exc.message,
                "hint": exc.hint,
                "status": exc.status,
            },
            status=exc.status,
        )

    app.add_exception_handler(PageProblem, _problem)
