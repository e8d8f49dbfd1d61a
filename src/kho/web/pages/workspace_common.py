"""Shared machinery of the signed-in workspace pages: templates, language, the visitor, page errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from kho.access.actors import Actor
from kho.errors import KhoError, PermissionDenied
from kho.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_date, format_number, gettext

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def detect_lang(request: Request) -> str:
    """``?lang=`` first, then the ``lang`` cookie, then Accept-Language, else Vietnamese."""
    for value in (request.query_params.get("lang"), request.cookies.get("lang")):
        if value in LANGUAGES:
            return value
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


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
    """Render a workspace template with the translation function and formatting helpers."""
    lang = visitor.lang if visitor else detect_lang(request)

    def _(msgid: str, **params: object) -> str:
        return gettext(lang, msgid, **params)

    def url_with(**changes: Any) -> str:
        params = {k: v for k, v in request.query_params.items() if k not in changes}
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        return f"{request.url.path}?{urlencode(params)}"

    def number(value: Any) -> str:
        return format_number(value, lang) if isinstance(value, int | float) else str(value or "")

    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "_": _,
            "w": _words(lang),
            "url_with": url_with,
            "number": number,
            "date": lambda v: format_date(v, lang),
            "me": visitor.actor if visitor else None,
            "csrf": visitor.csrf if visitor else "",
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response


def _words(lang: str) -> Any:
    """The portal's word table while base.html still reads it (empty once the portal moves to ``_``)."""
    from collections import defaultdict

    try:
        from kho.web.pages.words import WORDS
    except ImportError:
        return defaultdict(str)
    return WORDS.get(lang, {})


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
