"""The access concern's clock, one function so tests can move time forward."""

from __future__ import annotations

from datetime import UTC, datetime

from kho.clock import aware

__all__ = ["aware", "now"]


def now() -> datetime:
    return datetime.now(UTC)
