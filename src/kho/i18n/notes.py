"""The unit registry's notes on a unit name (English sentences written by
``kho.units.resolver`` and ``kho.indicators.orgtree``) in the reader's language."""

from __future__ import annotations

import re

from kho.i18n import t

# The registry's notes (kho.units.resolver, kho.indicators.orgtree) are English sentences; each
# pattern names the parts a translation refills. Notes are joined with "; ", and two of them hold
# a "; " themselves, so values never span one.
NOTES: tuple[tuple[str, str], ...] = (
    ("note_same_name", r"(?P<n>\d+) units of that name; give the province"),
    ("note_not_converted", r"not in the conversion table; its province is now (?P<names>[^;]+)"),
    (
        "note_divided",
        r"(?P<unit>[^;]+?) \(list (?P<version>[\w-]+)\) is (?P<names>[^;]+?) in list "
        r"(?P<target>[\w-]+); its rows cannot be divided between them",
    ),
    ("note_too_long", r"longer than (?P<n>\d+) characters"),
    ("note_no_code", r"no such code in list (?P<version>[\w-]+)"),
    ("note_no_name", r"no unit of that name"),
    ("note_no_diacritics", r"matched ignoring diacritics"),
    ("note_no_unit", r"no unit written"),
    ("note_empty", r"empty"),
)


def unit_note(note: str, lang: str = "vi") -> str:
    """The registry's note on a unit name in the reader's language (unknown parts stay as written)."""
    return "; ".join(_note(part, lang) for part in _note_parts(note))


def _note(part: str, lang: str) -> str:
    for key, pattern in NOTES:
        found = re.fullmatch(pattern, part)
        if found:
            return t(key, lang, **found.groupdict())
    return part


def _note_parts(note: str) -> list[str]:
    """The single notes of a joined note, keeping together the ones with a "; " inside."""
    pieces, out, i = note.split("; "), [], 0
    while i < len(pieces):
        pair = "; ".join(pieces[i : i + 2])
        whole = i + 1 < len(pieces) and any(re.fullmatch(p, pair) for _, p in NOTES)
        out.append(pair if whole else pieces[i])
        i += 2 if whole else 1
    return out
