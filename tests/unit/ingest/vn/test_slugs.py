"""Physical column names made from Vietnamese headers."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kho.ingest.vn.slugs import slugify, unique_slugs

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def test_vietnamese_headers_become_ascii_snake_case() -> None:
    assert slugify("Ngày tiếp nhận") == "ngay_tiep_nhan"
    assert slugify("Lệ phí (đồng)") == "le_phi_dong"
    assert slugify("Code.département") == "code_departement"
    assert slugify("VALOR DO ITEM ") == "valor_do_item"


def test_slug_never_starts_with_a_digit_nor_is_empty() -> None:
    assert slugify("2016 (*) Area (Km2)") == "cot_2016_area_km2"
    assert slugify("   ") == "cot"
    assert slugify("名前") == "cot"


def test_sql_reserved_words_get_a_suffix() -> None:
    assert slugify("Select") == "select_"
    assert slugify("Order") == "order_"
    assert slugify("Group") == "group_"


def test_long_headers_are_cut_to_63_characters() -> None:
    slug = slugify("Trình độ học vấn - Chuyên môn, nghiệp vụ " * 5)
    assert len(slug) <= 63 and SLUG.match(slug) and not slug.endswith("_")


def test_blank_headers_are_named_by_position_and_repeats_are_numbered() -> None:
    assert unique_slugs(["Mã", "", "Ma", None, "mã"]) == ["ma", "cot_2", "ma_2", "cot_4", "ma_3"]


@given(st.text(max_size=120))
def test_slugify_always_gives_a_valid_identifier(header: str) -> None:
    slug = slugify(header)
    assert SLUG.match(slug) and len(slug) <= 63


@given(
    st.lists(
        st.one_of(
            st.none(), st.sampled_from(["Mã", "ma", "", "cot_2", "x" * 70]), st.text(max_size=70)
        ),
        max_size=30,
    )
)
def test_unique_slugs_are_unique_and_valid(headers: list[str | None]) -> None:
    slugs = unique_slugs(headers)
    assert len(set(slugs)) == len(slugs) == len(headers)
    assert all(SLUG.match(s) and len(s) <= 63 for s in slugs)
