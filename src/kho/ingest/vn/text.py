"""Unicode hygiene for Vietnamese text: NFC, invisible characters, and search folding."""

from __future__ import annotations

import re
import unicodedata

# Characters that surround cell values in real files but are never meant as content.
INVISIBLE = "\u00a0\u200b\u200c\u200d\u2060\ufeff\u202f\u2007\u3000"
STRIP_CHARS = " \t\r\n\v\f" + INVISIBLE

_SPACES = re.compile(r"\s+")


def nfc(s: str) -> str:
    """Return ``s`` in NFC without surrounding whitespace, NBSP, zero-width or BOM characters."""
    return unicodedata.normalize("NFC", s).strip(STRIP_CHARS)


def fold(s: str) -> str:
    """Fold for search: no diacritics, đ→d, lower case, single spaces ("Đống Đa" → "dong da")."""
    decomposed = unicodedata.normalize("NFD", s)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D").replace("ð", "d").replace("Ð", "D")
    return _SPACES.sub(" ", bare.lower().replace("\u00a0", " ")).strip(STRIP_CHARS)
