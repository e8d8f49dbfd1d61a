"""The terminal's words exist in both languages with the same placeholders, and its numbers are
written the way the reader writes them (the same rules as the pages)."""

from __future__ import annotations

import re

import pytest

from kho.i18n import MESSAGES, num, t


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_word_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert entry.get("vi") and entry.get("en"), key
    assert set(re.findall(r"{(\w+)}", entry["vi"])) == set(re.findall(r"{(\w+)}", entry["en"]))


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "written"),
    [
        (22_000_000, "vi", None, "22.000.000"),
        (22_000_000, "en", None, "22,000,000"),
        (999, "vi", None, "999"),
        (-1234, "vi", None, "-1.234"),
        (0.4123, "vi", 2, "0,41"),
        (1234.5, "en", 2, "1,234.50"),
        (75.0, "vi", 0, "75"),
    ],
)
def test_numbers_follow_the_language(
    value: float, lang: str, decimals: int | None, written: str
) -> None:
    assert num(value, lang, decimals=decimals) == written


def test_a_sentence_takes_a_written_count() -> None:
    assert t("n_rows", "vi", n=num(1234, "vi")) == "1.234 dòng"
    assert t("n_rows", "en", n=num(1234, "en")) == "1,234 rows"
