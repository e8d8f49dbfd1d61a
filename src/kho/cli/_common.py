"""What every CLI command shares: the platform, the acting operator, JSON output, errors."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from rich.console import Console

from kho.access.actors import Actor, local_operator
from kho.platform import Platform

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@cache
def platform() -> Platform:
    return Platform()


def actor() -> Actor:
    return local_operator()


def lang() -> str:
    return platform().settings.language


def count(n: int) -> str:
    """A count as the reader writes it: ``1.234`` in Vietnamese, ``1,234`` in English."""
    from kho.i18n import num

    return num(n, lang())


def moment(value: datetime | None, *, seconds: bool = False) -> str:
    """A stored time as the reader's clock shows it (the display zone), or nothing."""
    if value is None:
        return ""
    from kho.web.i18n import local_time

    return local_time(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def word(kind: str, value: str) -> str:
    """A stored status or kind in the reader's words (``public`` reads ``công khai``)."""
    from kho.i18n import label

    return label(kind, value, lang())


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


def print_json(data: Any) -> None:
    """Machine-readable output for scripts: UTF-8 JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=_default, indent=2) + "\n")
