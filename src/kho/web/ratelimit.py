"""Per-caller rate limit on the APIs: an in-process token bucket per token, session or client address."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

LIMITED_PREFIXES = ("/api/",)
MAX_KEYS = 50_000


class TokenBuckets:
    """``per_minute`` requests per key, refilled continuously; a burst of up to a minute's worth is allowed."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens left, last refill)
        self._lock = threading.Lock()

    def take(self, key: str, per_minute: int) -> float:
        """Spend one request; 0 when allowed, else the seconds to wait."""
        rate = per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now, per_minute)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate

    def _prune(self, now: float, per_minute: int) -> None:
        if len(self._buckets) <= MAX_KEYS:
            return
        full_after = 60.0
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


def caller_key(scope: Scope) -> str:
    """A token or session is limited as itself (hashed, never kept raw); anyone else by address."""
    headers = dict(scope.get("headers") or [])
    credential = headers.get(b"authorization")
    if credential is None:
        cookies = headers.get(b"cookie", b"")
        if b"kho_session=" in cookies:
            credential = cookies.split(b"kho_session=", 1)[1].split(b";", 1)[0]
    if credential:
        return "cred:" + hashlib.sha256(credential.strip()).hexdigest()[:32]
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")


class RateLimit:
    """ASGI middleware answering 429 with Retry-After and the error envelope once a caller runs dry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.buckets = TokenBuckets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        per_minute = int(scope["app"].state.platform.settings.rate_limit_per_minute)
        wait = self.buckets.take(caller_key(scope), per_minute) if per_minute > 0 else 0.0
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        body = json.dumps(
            {
                "error": {
                    "type": "rate_limited",
                    "message": f"Too many requests: the limit is {per_minute} per minute. Try again in {retry} s.",
                    "details": {"retry_after": retry, "limit_per_minute": per_minute},
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
