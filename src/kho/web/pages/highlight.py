"""Mark the searched words in a title, matching without diacritics but keeping the original text."""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape


def _fold_char(ch: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def highlight(text: str | None, query: str) -> Markup:
    """`text` HTML-escaped, with each word that starts like a query word (folded) partly wrapped in <mark>."""
    from kho.ingest.vn.text import fold

    text = text or ""
    tokens = fold(query).split()
    if not tokens or not text:
        return escape(text)
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            folded.append(c)
            origin.append(i)
    hay = "".join(folded)
    marked = [False] * len(text)
    for tok in tokens:
        pos = hay.find(tok)
        while pos >= 0:
            if pos == 0 or not hay[pos - 1].isalnum():  # word starts only: "ha" is not in "thanh"
                for k in range(pos, pos + len(tok)):
                    marked[origin[k]] = True
            pos = hay.find(tok, pos + 1)
    return _wrap(text, marked)


def _wrap(text: str, marked: list[bool]) -> Markup:
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = str(escape(text[i:j]))
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return Markup("".join(out))
