"""Words a person reads in the terminal, in Vietnamese (default) and English."""

from __future__ import annotations

from kho.i18n.words import MESSAGES

__all__ = ["MESSAGES", "label", "num", "t"]


def num(value: float, lang: str = "vi", *, decimals: int | None = None) -> str:
    """A number as the reader writes it: ``22.000.000`` and ``0,5`` in Vietnamese, ``22,000,000``
    and ``0.5`` in English (the same rules as the pages, so the terminal and the portal agree)."""
    from kho.web.i18n import format_number

    return format_number(value, lang, decimals=decimals)


def t(key: str, lang: str = "vi", **params: object) -> str:
    """The message in ``lang`` (falling back to Vietnamese, then to the key itself)."""
    entry = MESSAGES.get(key, {})
    text = entry.get(lang) or entry.get("vi") or key
    return text.format(**params) if params else text


def label(kind: str, value: str, lang: str = "vi") -> str:
    """A stored word (status, level, role…) as the reader says it; stored values never change, and
    a value without a translation is shown as it is."""
    key = f"{kind}_{value}"
    return t(key, lang) if key in MESSAGES else value
