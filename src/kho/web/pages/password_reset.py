"""The page behind a one-time password-reset link: the user chooses a new password, signed out.

The secret in the address is the credential, so the page needs no session and no CSRF token; it is
never cached and never sent on as a Referer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.models import PasswordChange
from kho.errors import KhoError
from kho.web.deps import PlatformDep
from kho.web.i18n import gettext
from kho.web.pages.workspace_common import detect_lang, form_error, render

router = APIRouter(include_in_schema=False)


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, token: str, platform: PlatformDep) -> Response:
    try:
        username = platform.access.users.reset_link_user(token)
    except KhoError:
        return _page(request, token, dead=True, status=404)
    return _page(request, token, username=username)


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset(
    request: Request,
    token: str,
    platform: PlatformDep,
    password: Annotated[str, Form(max_length=1024)] = "",
    repeat: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    lang = detect_lang(request)
    try:
        username = platform.access.users.reset_link_user(token)
    except KhoError:
        return _page(request, token, dead=True, status=404)
    if password != repeat:
        error = gettext(lang, "The two passwords differ; type the same one twice.")
        return _page(request, token, username=username, error=error, status=400)
    try:
        data = PasswordChange(new_password=password)
        platform.access.users.reset_password(token, data)
    except (KhoError, ValueError) as exc:
        error = (
            gettext(lang, "Choose a password of 10 characters or more.")
            if isinstance(exc, ValueError)
            else form_error(exc)
        )
        return _page(request, token, username=username, error=error, status=400)
    return _page(request, token, username=username, done=True)


def _page(request: Request, token: str, *, status: int = 200, **context: Any) -> Response:
    response = render(
        request,
        "workspace/password_reset.html",
        {"token": token, "dead": False, "done": False, "error": "", "username": "", **context},
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
