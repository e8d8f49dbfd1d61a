"""Legacy Vietnamese font encodings (TCVN3/ABC and VNI): detect per column and convert to Unicode.

Both tables are written here from the published layouts of the encodings. They are defined on the
characters that legacy bytes become when decoded as Windows-1252 (or Latin-1, the same above 0xA0),
which is how such text arrives from CSV files and from legacy ``.xls`` cells.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from kho.ingest.vn.syllables import is_syllable

LegacyEncoding = Literal["tcvn3", "vni"]

_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)

# TCVN3 (ABC): one byte per letter; capitals with tones are drawn by a capital font from the
# lower-case codes, so they convert to lower case.
_TCVN3_PLAIN = dict(
    zip("\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae", "ĂÂÊÔƠƯĐăâêôơưđ", strict=True)
)
_TCVN3_TONED = {  # base letter -> bytes for grave, hook, tilde, acute, dot below
    "a": "\xb5\xb6\xb7\xb8\xb9",
    "ă": "\xbb\xbc\xbd\xbe\xc6",
    "â": "\xc7\xc8\xc9\xca\xcb",
    "e": "\xcc\xce\xcf\xd0\xd1",
    "ê": "\xd2\xd3\xd4\xd5\xd6",
    "i": "\xd7\xd8\xdc\xdd\xde",
    "o": "\xdf\xe1\xe2\xe3\xe4",
    "ô": "\xe5\xe6\xe7\xe8\xe9",
    "ơ": "\xea\xeb\xec\xed\xee",
    "u": "\xef\xf1\xf2\xf3\xf4",
    "ư": "\xf5\xf6\xf7\xf8\xf9",
    "y": "\xfa\xfb\xfc\xfd\xfe",
}


def _compose(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _tcvn3_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _TCVN3_PLAIN.items()}
    for base, codes in _TCVN3_TONED.items():
        for code, tone in zip(codes, _TONES, strict=True):
            table[ord(code)] = _compose(base, tone)
    return table


_TCVN3 = _tcvn3_table()

# VNI: an ASCII base letter followed by a modifier character (tone and/or vowel mark), plus a few
# single characters (ơ ư đ and the toned i / ỵ).
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_TONE = dict(zip("ùøûõï", (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT), strict=True))
_VNI_CIRC = {
    "â": (_CIRC,),
    "á": (_CIRC, _ACUTE),
    "à": (_CIRC, _GRAVE),
    "å": (_CIRC, _HOOK),
    "ã": (_CIRC, _TILDE),
    "ä": (_CIRC, _DOT),
}
_VNI_BREVE = {
    "ê": (_BREVE,),
    "é": (_BREVE, _ACUTE),
    "è": (_BREVE, _GRAVE),
    "ú": (_BREVE, _HOOK),
    "ü": (_BREVE, _TILDE),
    "ë": (_BREVE, _DOT),
}
_VNI_SINGLE = {
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "ô": "ơ",
    "ö": "ư",
    "î": "ỵ",
    "ñ": "đ",
}


def _vni_tables() -> tuple[dict[str, str], dict[int, str]]:
    pairs: dict[str, str] = {}
    bases = {
        "a": (_VNI_TONE, _VNI_CIRC, _VNI_BREVE),
        "e": (_VNI_TONE, _VNI_CIRC),
        "o": (_VNI_TONE, _VNI_CIRC),
        "u": (_VNI_TONE,),
        "y": (_VNI_TONE,),
        "ô": (_VNI_TONE,),
        "ö": (_VNI_TONE,),
    }
    for base, groups in bases.items():
        letter = _VNI_SINGLE.get(base, base)
        for group in groups:
            for mod, marks in group.items():
                marks_t = marks if isinstance(marks, tuple) else (marks,)
                for b, m, up in (
                    (base, mod, False),
                    (base.upper(), mod.upper(), True),
                    (base, mod.upper(), False),
                    (base.upper(), mod, True),
                ):
                    out = _compose(letter, *marks_t)
                    pairs[b + m] = out.upper() if up else out
    singles = {ord(k): v for k, v in _VNI_SINGLE.items()}
    singles |= {ord(k.upper()): v.upper() for k, v in _VNI_SINGLE.items()}
    return pairs, singles


_VNI_PAIRS, _VNI_SINGLES = _vni_tables()
_VNI_PAIR_RE = re.compile("|".join(sorted(_VNI_PAIRS, key=len, reverse=True)))
# Letters that exist only in Unicode Vietnamese: their presence means the text is not legacy.
_UNICODE_VN = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1"
    "\u01af\u01b0\u1ea0-\u1ef9\u0300-\u0309\u0323]"
)
_WORD = re.compile(r"[^\s0-9!-/:-@\[-`{-~]+")
_MAX_WORDS = 50_000


def convert_legacy(s: str, encoding: LegacyEncoding) -> str:
    """Convert one TCVN3 or VNI string (as decoded by Windows-1252) to NFC Unicode."""
    if _UNICODE_VN.search(s):
        return s  # already Unicode Vietnamese: converting again would garble it
    if encoding == "tcvn3":
        return s.translate(_TCVN3)
    if encoding == "vni":
        return _VNI_PAIR_RE.sub(lambda m: _VNI_PAIRS[m.group(0)], s).translate(_VNI_SINGLES)
    raise ValueError(f"Unknown legacy encoding {encoding!r}; use 'tcvn3' or 'vni'.")


def detect_legacy(values: Iterable[str]) -> LegacyEncoding | None:
    """Decide from many values whether a column or file is TCVN3 or VNI text; None if Unicode."""
    counts = {enc: [0, 0, 0] for enc in ("tcvn3", "vni")}  # changed, valid after, valid before
    unicode_words = 0
    for word in _legacy_words(values):
        if _UNICODE_VN.search(word):
            unicode_words += 1
            continue
        for enc, (c) in counts.items():
            converted = convert_legacy(word, enc)  # type: ignore[arg-type]
            if converted != word:
                c[0] += 1
                c[1] += is_syllable(converted)
                c[2] += is_syllable(word)
    best = max(counts, key=lambda e: counts[e][1])
    changed, valid, before = counts[best]
    if not _is_convincing(changed, valid, before, unicode_words):
        return None
    return best  # type: ignore[return-value]


def _legacy_words(values: Iterable[str]) -> Iterable[str]:
    seen = 0
    for value in values:
        if not isinstance(value, str) or value.isascii():
            continue
        for word in _WORD.findall(value):
            if not word.isascii():
                seen += 1
                yield word
        if seen >= _MAX_WORDS:
            return


def _is_convincing(changed: int, valid: int, before: int, unicode_words: int) -> bool:
    if valid < 2 or valid <= 2 * before or valid <= unicode_words:
        return False
    if valid < 3:  # a tiny sample must be perfect
        return valid == changed and unicode_words == 0
    return valid >= 0.8 * changed
