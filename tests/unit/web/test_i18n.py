"""Every word a page shows has a Vietnamese translation, and numbers/dates follow the language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from starlette.requests import Request

from kho.web.i18n import catalogue, format_date, format_number, gettext
from kho.web.pages.highlight import highlight
from kho.web.pages.render import request_language

WEB = Path(__file__).resolve().parents[3] / "src" / "kho" / "web"
_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
TEMPLATE_CALL = re.compile(r"(?<![A-Za-z0-9_])_\(\s*" + _STRING)
PYTHON_CALL = re.compile(r"(?<![A-Za-z0-9_])(?:_|gettext)\(\s*(?:[a-z_]+\s*,\s*)?" + _STRING)


def used_msgids() -> dict[str, str]:
    """msgid → the file that uses it, over every template and every page module."""
    found: dict[str, str] = {}
    files = [(p, TEMPLATE_CALL) for p in sorted((WEB / "templates").rglob("*.html"))]
    files += [(p, PYTHON_CALL) for p in sorted((WEB / "pages").rglob("*.py"))]
    for path, pattern in files:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            found.setdefault(msgid, path.name)
    return found


def test_every_page_word_has_a_vietnamese_translation() -> None:
    used = used_msgids()
    assert len(used) > 100, "the scanner found too few strings: is the pattern broken?"
    vi = catalogue("vi")
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in used.items() if not vi.get(msgid))
    assert not missing, "add these to a locale/vi/*.po file:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for msgid, text in catalogue("vi").items():
        assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", text)), msgid


def test_vietnamese_is_the_default_and_english_is_the_msgid() -> None:
    assert gettext("vi", "Data dictionary") == "Từ điển dữ liệu"
    assert gettext("en", "Data dictionary") == "Data dictionary"
    assert gettext("vi", "{n} rows", n="1.234") == "1.234 dòng"


def test_numbers_and_dates_follow_the_language() -> None:
    assert format_number(1234567, "vi") == "1.234.567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234.5, "vi") == "1.234,5"
    assert format_date(date(2025, 7, 5), "vi") == "05/07/2025"
    # stored times are UTC (naive ones too, as SQLite returns them); shown in Vietnam time, UTC+7
    assert format_date(datetime(2025, 7, 5, 9, 30), "vi") == "05/07/2025 16:30"
    assert format_date(datetime(2025, 7, 5, 20, 0, tzinfo=UTC), "vi") == "06/07/2025 03:00"
    assert format_date(datetime(2025, 7, 5, 20, 0, tzinfo=UTC), "en") == "06 Jul 2025 03:00"


def test_times_follow_kho_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    from kho.web import i18n

    monkeypatch.setenv("KHO_TIMEZONE", "UTC")
    i18n.display_zone.cache_clear()
    try:
        assert format_date(datetime(2025, 7, 5, 9, 30), "vi") == "05/07/2025 09:30"
        monkeypatch.setenv("KHO_TIMEZONE", "Không/Có")  # unknown: UTC rather than a crash
        i18n.display_zone.cache_clear()
        assert format_date(datetime(2025, 7, 5, 9, 30), "vi") == "05/07/2025 09:30"
    finally:
        monkeypatch.delenv("KHO_TIMEZONE")
        i18n.display_zone.cache_clear()


def _request(query: str = "", cookie: str = "", accept: str = "") -> Request:
    headers = [(b"cookie", cookie.encode()), (b"accept-language", accept.encode())]
    return Request(
        {"type": "http", "query_string": query.encode(), "headers": headers, "path": "/"}
    )


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("", "", "", "vi"),
        ("", "", "en-GB,en;q=0.9", "en"),
        ("", "", "fr-FR, en;q=0.5, vi;q=0.8", "vi"),
        ("", "lang=en", "vi", "en"),
        ("lang=vi", "lang=en", "en", "vi"),
        ("lang=xx", "lang=<script>", "de;q=abc", "vi"),
    ],
)
def test_language_comes_from_query_then_cookie_then_browser(
    query: str, cookie: str, accept: str, expected: str
) -> None:
    assert request_language(_request(query, cookie, accept)) == expected


def test_highlight_marks_words_typed_without_diacritics() -> None:
    out = str(highlight("Dân số trung bình — Hà Nội", "dan so ha noi"))
    assert out == "<mark>Dân</mark> <mark>số</mark> trung bình — <mark>Hà</mark> <mark>Nội</mark>"
    assert str(highlight("Đống Đa", "dong")) == "<mark>Đống</mark> Đa"


def test_highlight_escapes_hostile_titles() -> None:
    out = str(highlight('<script>alert("x")</script> dân số', "dan"))
    assert "<script>" not in out and "&lt;script&gt;" in out and "<mark>dân</mark>" in out
    assert str(highlight("<b>", "")) == "&lt;b&gt;"


def test_highlight_marks_word_starts_only() -> None:
    assert str(highlight("thành phố Hà Nội", "ha")) == "thành phố <mark>Hà</mark> Nội"
