"""Who is calling: an API token (`Authorization: Bearer kho_…` or CKAN-style bare token) or a sign-in cookie."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Any

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from kho.access.actors import ANONYMOUS, Actor
from kho.errors import PermissionDenied

SESSION_COOKIE = "kho_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IP_WINDOW_S, IP_MAX_FAILURES = 900.0, 20


class Unauthenticated(PermissionDenied):
    """The credentials sent were not accepted (HTTP 401)."""

    status, type_name = 401, "unauthenticated"


class TooManyAttempts(PermissionDenied):
    """Too many failed sign-ins; the response carries Retry-After (HTTP 429)."""

    status, type_name = 429, "too_many_attempts"


class _IpFailures:
    """Failed sign-ins per client address in a sliding window, kept in memory per process."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, ip: str) -> int:
        q = self._seen[ip]
        now = time.monotonic()
        while q and now - q[0] > IP_WINDOW_S:
            q.popleft()
        return int(IP_WINDOW_S - (now - q[0])) + 1 if len(q) >= IP_MAX_FAILURES else 0

    def fail(self, ip: str) -> None:
        self._seen[ip].append(time.monotonic())

    def clear(self, ip: str) -> None:
        self._seen.pop(ip, None)


ip_failures = _IpFailures()


async def resolve_actor(request: Request) -> Actor:
    """A token in the Authorization header wins; else a live sign-in cookie (with CSRF on unsafe methods)."""
    access = request.app.state.platform.access
    header = request.headers.get("authorization")
    if header is not None:
        raw = header.strip()
        if raw[:7].lower() == "bearer ":
            raw = raw[7:].strip()
        try:
            return await run_in_threadpool(access.authenticate_token, raw)
        except PermissionDenied as exc:
            raise Unauthenticated(exc.message, hint=exc.hint) from None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return ANONYMOUS
    signin = await run_in_threadpool(access.signins.find, cookie)
    if signin is None:
        return ANONYMOUS
    if request.method not in SAFE_METHODS and not await _csrf_ok(request, signin.csrf_token):
        raise PermissionDenied(
            "Missing or wrong CSRF token.",
            hint=f"Send the token from sign-in in the {CSRF_HEADER} header or a csrf_token field.",
        )
    request.state.csrf_token = signin.csrf_token
    return signin.actor  # type: ignore[no-any-return]


async def _csrf_ok(request: Request, expected: str) -> bool:
    import hmac

    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf_token")
        given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given, expected)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def sign_in(
    request: Request, response: Response, username: str, password: str
) -> tuple[Actor, str]:
    """Check the password (with per-user lockout and per-address back-off) and set the session cookie."""
    access = request.app.state.platform.access
    ip = client_ip(request)
    wait = ip_failures.retry_after(ip)
    if wait:
        raise TooManyAttempts(
            f"Too many failed sign-ins from this address; try again in {wait} s.",
            details={"retry_after": wait},
        )
    try:
        actor: Actor = access.authenticate_password(username, password, source=ip)
    except PermissionDenied as exc:
        ip_failures.fail(ip)
        if "retry_after" in exc.details:
            raise TooManyAttempts(exc.message, details=exc.details) from None
        raise Unauthenticated(exc.message) from None
    ip_failures.clear(ip)
    raw, csrf = access.signins.open(actor)
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        max_age=12 * 3600,
        path="/",
    )
    return actor, csrf


def sign_out(request: Request, response: Response, actor: Actor) -> None:
    request.app.state.platform.access.signins.close(
        request.cookies.get(SESSION_COOKIE, ""), actor=actor
    )
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


def is_https(request: Request) -> bool:
    """True behind TLS, directly or via a proxy that says so."""
    return (
        request.url.scheme == "https"
        or request.headers.get("x-forwarded-proto", "").lower() == "https"
    )


def retry_headers(details: dict[str, Any]) -> dict[str, str]:
    return {"Retry-After": str(details["retry_after"])} if "retry_after" in details else {}
