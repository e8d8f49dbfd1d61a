"""NFC, trimming of invisible characters and search folding."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kho.ingest.vn.text import fold, nfc

VIETNAMESE = st.text(
    alphabet=st.sampled_from(
        list("aăâeêioôơuưyđĐ AĂÂEÊIOÔƠUƯY")
        + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u00a0"]
    ),
    max_size=30,
)


def test_nfc_joins_macos_decomposed_text_and_strips_invisible_edges() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert len(decomposed) == 8
    assert nfc(f"\ufeff\u200b {decomposed}\u00a0\n") == "Nguyễn"


def test_nfc_keeps_inner_spaces() -> None:
    assert nfc("  Hà  Nội ") == "Hà  Nội"


def test_fold_removes_diacritics_and_maps_d_stroke() -> None:
    assert fold("Đống  Đa") == "dong da"
    assert fold("THỪA THIÊN HUẾ") == "thua thien hue"
    assert fold("Ðà Nẵng") == "da nang"  # Icelandic Eth, a frequent typing mistake for Đ


@given(st.text(max_size=40))
def test_nfc_is_idempotent(s: str) -> None:
    assert nfc(nfc(s)) == nfc(s)


@given(VIETNAMESE)
def test_fold_does_not_depend_on_normal_form(s: str) -> None:
    assert fold(nfc(s)) == fold(unicodedata.normalize("NFD", s))
