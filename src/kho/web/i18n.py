"""Page translations from Babel/gettext catalogues: English msgids, Vietnamese by default.

Catalogues live in ``kho/web/locale/<lang>/<domain>.po`` (one domain per area of the site, so
teams do not edit the same file). They are read with Babel at start-up: no compile step.
A missing Vietnamese translation is a test failure (see tests/unit/web/test_i18n.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from kho.clock import aware

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → translation for one language, merged over every domain file."""
    out: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.string:
                    out[str(message.id)] = str(message.string)
    return out


def gettext(lang: str, msgid: str, **params: object) -> str:
    """The translation of ``msgid`` in ``lang`` (the msgid itself when English or untranslated)."""
    text = msgid if lang == "en" else catalogue(lang).get(msgid, msgid)
    return text.format(**params) if params else text


def format_number(value: float | int, lang: str, *, decimals: int | None = None) -> str:
    """1.234.567,5 in Vietnamese, 1,234,567.5 in English."""
    from babel.numbers import format_decimal

    locale = "vi_VN" if lang == "vi" else "en_US"
    if decimals is not None:
        return format_decimal(value, format=f"#,##0.{'0' * decimals}" if decimals else "#,##0", locale=locale)
    return format_decimal(value, locale=locale)


def format_date(value: object, lang: str) -> str:
    """dd/mm/yyyy in Vietnamese, ISO-like `23 Nov 2026` in English; times in the display zone."""
    from datetime import date

    if isinstance(value, datetime):
        value = local_time(value)
        return value.strftime("%d/%m/%Y %H:%M") if lang == "vi" else value.strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if lang == "vi" else value.strftime("%d %b %Y")
    return "" if value is None else str(value)


@cache
def display_zone() -> tzinfo:
    """The zone times are shown in (KHO_TIMEZONE, Vietnam by default); UTC when it is unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from kho.settings import Settings

    try:
        return ZoneInfo(Settings().timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_time(value: datetime) -> datetime:
    """A stored time (UTC; naive ones are UTC too, as SQLite returns them) in the display zone."""
    return aware(value).astimezone(display_zone())
