"""Reject reasons are stored in English and shown in Vietnamese, with the original values kept."""

from __future__ import annotations

import pytest

from kho.ingest.reasons import translate_reason


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("'32/01/2025' is not a dd/mm/yyyy date", "'32/01/2025' không phải ngày dạng dd/mm/yyyy"),
        (
            "'miễn' is not a whole number written like 1.234.567",
            "'miễn' không phải số nguyên viết theo dạng 1.234.567",
        ),
        (
            "'x' is not a number written like 1.234,5 with at most 2 decimals",
            "'x' không phải số viết theo dạng 1.234,5, tối đa 2 chữ số thập phân",
        ),
        ("row has 5 fields, header has 3", "dòng có 5 trường, tiêu đề có 3"),
        ("row has more than 12 fields, header has 9", "dòng có hơn 12 trường, tiêu đề có 9"),
        (
            "'Có lẽ' is not a yes/no value (Có/Không, Đúng/Sai, x)",
            "'Có lẽ' không phải giá trị có/không (Có/Không, Đúng/Sai, x)",
        ),
    ],
)
def test_known_reasons_are_translated(english: str, vietnamese: str) -> None:
    assert translate_reason(english, "vi") == vietnamese
    assert translate_reason(english, "en") == english


def test_unknown_reasons_pass_through() -> None:
    assert translate_reason("something new", "vi") == "something new"
    assert translate_reason("", "vi") == ""
