"""The terminal's words exist in both languages with the same placeholders, and its numbers are
written the way the reader writes them (the same rules as the pages)."""

from __future__ import annotations

import re

import pytest

from kho.i18n import MESSAGES, label, num, t
from kho.i18n.notes import unit_note


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


def _stored_words() -> list[tuple[str, str]]:
    """Every stored status or kind the terminal shows, with the word family it is shown under."""
    from typing import get_args

    from kho.access import models as access
    from kho.catalog import models as catalog
    from kho.indicators import models as indicators
    from kho.migrate.report import TableStatus
    from kho.units import models as units

    inventory = catalog.InventoryCreate.model_fields["status"].annotation
    families = {
        "access": catalog.AccessLevel,
        "freshness": catalog.Freshness,
        "frequency": catalog.Frequency,
        "inventory": inventory,
        "role": access.Role,
        "scope": access.Scope,
        "state": access.State,
        "request": access.RequestState,
        "direction": indicators.Direction,
        "itype": indicators.IndicatorType,
        "target_kind": indicators.TargetKind,
        "target_status": indicators.TargetStatus,
        "entry": indicators.ReportedStatus,
        "level": units.Level,
        "unit": units.Status,
        "run": TableStatus,
    }
    return [(kind, value) for kind, literal in families.items() for value in get_args(literal)]


@pytest.mark.parametrize(("kind", "value"), _stored_words())
def test_every_stored_word_has_a_reader_word_in_both_languages(kind: str, value: str) -> None:
    assert f"{kind}_{value}" in MESSAGES
    assert label(kind, value, "vi") != label(kind, value, "en")


def test_a_stored_word_is_shown_translated_and_an_unknown_one_as_it_is() -> None:
    assert (label("access", "restricted", "vi"), label("access", "restricted", "en")) == (
        "hạn chế",
        "restricted",
    )
    assert label("request", "withdrawn", "vi") == "đã rút lại"
    assert label("orgkind", "hội đồng", "vi") == "hội đồng"  # free text, shown as written


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("", "tên trống"),
        ("x" * 201, "dài quá 200 ký tự"),
        ("9999", "không có mã này trong danh mục 2025-07"),
        ("Khong Co Dau Nao", "không có đơn vị nào mang tên này"),
        ("Hả Giang", "khớp khi bỏ qua dấu"),
    ],
)
def test_the_registry_notes_read_in_vietnamese(name: str, written: str) -> None:
    from kho import units

    note = units.resolve(name).note
    assert unit_note(note, "vi") == written
    assert unit_note(note, "en") == note


def test_notes_with_a_semicolon_inside_stay_whole() -> None:
    from kho import units

    note = units.resolve("Xã Tân An").note  # "N units of that name; give the province"
    count = note.split()[0]
    assert unit_note(note, "vi") == f"{count} đơn vị cùng tên; hãy ghi rõ tỉnh"
    joined = (
        "not in the conversion table; its province is now Tỉnh Tây Ninh; "
        "matched ignoring diacritics"
    )
    assert unit_note(joined, "vi") == (
        "không có trong bảng chuyển đổi; tỉnh của nó nay là Tỉnh Tây Ninh; khớp khi bỏ qua dấu"
    )
    divided = (
        "Xã A (list 2025-01) is Xã B, Xã C in list 2025-07; its rows cannot be divided between them"
    )
    assert unit_note(divided, "vi") == (
        "Xã A (danh mục 2025-01) nay là Xã B, Xã C trong danh mục 2025-07; "
        "không chia được các dòng của nó cho các đơn vị này"
    )
    assert unit_note("something new; empty", "vi") == "something new; tên trống"
