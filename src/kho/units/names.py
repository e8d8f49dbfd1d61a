"""Name keys for matching unit names across spellings, tone placement, prefixes and abbreviations."""

from __future__ import annotations

import re
import unicodedata

from kho.ingest.vn.text import fold, nfc

# Combining tone marks (grave, acute, tilde, hook above, dot below); vowel-shape marks stay.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_PUNCT = re.compile(r"[\s\-–—.,;:_/()'\"’`]+")

# Longest first so "thành phố" wins over "thành"; each maps to the unit type it announces.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("thanh pho truc thuoc trung uong", "Thành phố"),
    ("thanh pho", "Thành phố"),
    ("thi tran", "Thị trấn"),
    ("thi xa", "Thị xã"),
    ("dac khu", "Đặc khu"),
    ("phuong", "Phường"),
    ("huyen", "Huyện"),
    ("quan", "Quận"),
    ("tinh", "Tỉnh"),
    ("xa", "Xã"),
    ("tp", "Thành phố"),
    ("tx", "Thị xã"),
    ("tt", "Thị trấn"),
    ("q", "Quận"),
    ("h", "Huyện"),
    ("p", "Phường"),
    ("x", "Xã"),
)
_SUFFIXES = ("city", "province", "municipality", "tinh", "thanh pho")


def tone_key(text: str) -> str:
    """Canonical spelling with each syllable's tone moved to its end ("Hoà" and "Hòa" → "hoa2")."""
    words = []
    for word in _PUNCT.sub(" ", nfc(text)).lower().split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(_TONES[ch] for ch in decomposed if ch in _TONES)
        bare = "".join(ch for ch in decomposed if ch not in _TONES)
        words.append(unicodedata.normalize("NFC", bare) + tones)
    return " ".join(words)


def fold_key(text: str) -> str:
    """Folded spelling without diacritics or punctuation ("Bà Rịa - Vũng Tàu" → "ba ria vung tau")."""
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def split_prefix(text: str) -> tuple[str | None, str]:
    """Return (unit type announced by a prefix, rest) — "TP. Hải Phòng" → ("Thành phố", "Hải Phòng")."""
    cleaned = " ".join(_PUNCT.sub(" ", nfc(text)).split())
    folded = fold_key(cleaned)
    for prefix, unit_type in PREFIXES:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return unit_type, _drop_words(cleaned, prefix.count(" ") + 1)
    return None, cleaned


def strip_suffix(text: str) -> str:
    """Drop an English or Vietnamese level word at the end ("Can Tho city" → "Can Tho")."""
    folded = fold_key(text)
    for suffix in _SUFFIXES:
        if folded.endswith(" " + suffix):
            return _drop_words(" ".join(_PUNCT.sub(" ", text).split()), -(suffix.count(" ") + 1))
    return text


def _drop_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[n:] if n > 0 else words[:n])
