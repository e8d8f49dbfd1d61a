"""One Jinja environment for every page, with `_()`, numbers and dates bound to the request's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kho.errors_i18n import translate
from kho.ingest.reasons import translate_reason
from kho.web.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    format_date,
    format_number,
    gettext,
    local_time,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
LANG_COOKIE = "lang"


def request_language(request: Request) -> str:
    """`?lang=`, then the `lang` cookie, then Accept-Language, then Vietnamese."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return str(candidate)
    return _accept_language(request.headers.get("accept-language", ""))


def _accept_language(header: str) -> str:
    ranked: list[tuple[float, str]] = []
    for part in header.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((weight, tag.strip().lower()[:2]))
    for _weight, tag in sorted(ranked, key=lambda x: -x[0]):
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def format_cell(value: Any, lang: str) -> str:
    """A table cell as a reader expects it: local numbers and dates, Có/Không for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext(lang, "Yes") if value else gettext(lang, "No")
    if isinstance(value, int | float):
        return format_number(value, lang)
    if hasattr(value, "strftime"):
        return format_date(value, lang)
    return str(value)


def helpers(request: Request, lang: str) -> dict[str, Any]:
    """The functions every template may call."""

    def url_with(**changes: Any) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
        params += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
        query = urlencode(params)
        return f"{request.url.path}?{query}" if query else request.url.path

    def number(value: Any, decimals: int | None = None) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "" if value is None else str(value)
        return format_number(value, lang, decimals=decimals)

    return {
        "lang": lang,
        "_": lambda msgid, **params: gettext(lang, msgid, **params),
        "number": number,
        "date": lambda value: format_date(value, lang),
        "day": lambda value: format_date(local_time(value).date(), lang),  # a stored time's local day
        "cell": lambda value: format_cell(value, lang),
        "url_with": url_with,
        "reason": lambda text: translate_reason(text, lang),
        "translate": lambda text: translate(str(text or ""), lang),  # a service message, in English
        "other_lang": "en" if lang == "vi" else "vi",
    }


def render(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """Render a page in the request's language and remember an explicit `?lang=` choice."""
    lang = request_language(request)
    actor = context.get("actor")
    user = actor if actor is not None and getattr(actor, "is_user", False) else None
    response = templates.TemplateResponse(
        request, name, {**helpers(request, lang), "user": user, **context}, status_code=status
    )
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
