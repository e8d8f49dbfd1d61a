"""Is a word a well-formed Vietnamese syllable? Used to recognise legacy-font text."""

from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
# Rhymes without a final consonant, and nuclei that can take one (c ch m n ng nh p t).
_OPEN = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iu",
    "oa",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "ua",
    "ui",
    "uê",
    "uy",
    "ưa",
    "ưi",
    "ưu",
    "oai",
    "oay",
    "oao",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "uya",
    "uyu",
    "iêu",
    "yêu",
    "uơ",
]
_CLOSED = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "iê",
    "yê",
    "uô",
    "ươ",
    "oa",
    "oă",
    "oe",
    "uâ",
    "uê",
    "uy",
    "uyê",
]
_SYLLABLE = re.compile(
    rf"^{_ONSET}(?:(?:{'|'.join(sorted(_CLOSED, key=len, reverse=True))})"
    r"(?:ch|ng|nh|c|m|n|p|t)"
    rf"|(?:{'|'.join(sorted(_OPEN, key=len, reverse=True))}))$"
)


def is_syllable(word: str) -> bool:
    """Tell whether ``word`` (any case, NFC or NFD) is a well-formed Vietnamese syllable."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(_SYLLABLE.match(toneless))
