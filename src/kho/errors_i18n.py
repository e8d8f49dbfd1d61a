"""Error messages and load-report reasons in the reader's language, translated where they are read.

Services raise in English (stable for scripts, logs and the API). Every message template found in
the source by :mod:`kho.errors_extract` is an English msgid in ``web/locale/<lang>/errors.po``;
here each one becomes an anchored regular expression whose placeholders capture the values, and
:func:`translate` refills the translation with those values (in whatever order the translation
puts them). Text that matches no template is returned as it was.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "web" / "locale"
DOMAIN = "errors"
MAX_DEPTH = 2  # a captured value may itself be a known phrase ("numbers written like …")
MAX_SPLITS = 12  # sentence ends tried when messages arrive joined (a message and its hint)
MAX_SPLIT_LENGTH = 4000
_EMPTY = "\x00"  # stands for a value that was left out ("No successful load  of 'x'")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_COUNT = r"(-?\d[\d,]*(?:\.\d+)?)"
_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.5 from an f"{n:,}"
_SWAP_SEPARATORS = str.maketrans(",.", ".,")


@dataclass(frozen=True)
class Template:
    """One msgid compiled for matching, with its translation (as a plain ``str.format`` string)."""

    msgid: str
    regex: str
    literals: tuple[str, ...]
    translation: str
    counts: frozenset[int]  # placeholders written `{0:,}`: numbers with thousands separators

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: most templates are never tried (their key text is absent)."""
        return re.compile(self.regex, re.DOTALL)

    @property
    def fixed(self) -> int:
        """How much text the template pins down: more is more specific."""
        return sum(map(len, self.literals))

    @property
    def key(self) -> str:
        """Its longest fixed text: a cheap test before the regular expression."""
        return max(self.literals, key=len, default="")

    def fill(self, values: list[str | None]) -> str:
        text = self.translation.format(*(v or _EMPTY for v in values))
        return re.sub(f" ?{_EMPTY}(?= )", "", text).replace(_EMPTY, "")


def compile_template(msgid: str, translation: str) -> Template:
    """``No table {0}.`` → ``\\ANo\\ table\\ (.*?)\\.\\Z``; a value between spaces may be absent;
    a count ``{0:,}`` only matches digits and separators."""
    parts = list(string.Formatter().parse(msgid))
    regex, literals, counts = [], [], set()
    eat_space = False
    for i, (literal, field, spec, _conversion) in enumerate(parts):
        if eat_space and literal.startswith(" "):
            literal = literal[1:]
        regex.append(re.escape(literal))
        literals.append(literal)
        following = parts[i + 1][0] if i + 1 < len(parts) else ""
        eat_space = field is not None and literal.endswith(" ") and following.startswith(" ")
        if field is None:
            continue
        if spec and "," in spec:
            counts.add(int(field))
        group = _COUNT if spec and "," in spec else "(.*?)"
        regex.append(f"(?:{group} )?" if eat_space else group)
    plain = _without_specs(translation)
    whole = r"\A" + "".join(regex) + r"\Z"
    return Template(msgid, whole, tuple(x for x in literals if x), plain, frozenset(counts))


def _without_specs(text: str) -> str:
    """``{0:,} dòng`` → ``{0} dòng``: values arrive already written out."""
    out = []
    for literal, field, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            out.append(f"{{{field}}}")
    return "".join(out)


@dataclass(frozen=True)
class Catalogue:
    """The templates of one language, most specific first."""

    templates: tuple[Template, ...]

    @cached_property
    def _keyed(self) -> tuple[tuple[str, Template], ...]:
        return tuple((t.key, t) for t in self.templates)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Catalogue:
        compiled = [compile_template(msgid, text) for msgid, text in pairs if msgid and text]
        return cls(tuple(sorted(compiled, key=lambda t: (-t.fixed, t.msgid))))

    def translate(self, text: str) -> str:
        """The text as a run of messages (one message, a message and its hint, a label and an
        error): of all ways to cut it at sentence ends, the one whose templates explain the most
        fixed text wins (so ``No dataset {0}.`` does not swallow the hint after it)."""
        if not text or not self.templates:
            return text
        if len(text) > MAX_SPLIT_LENGTH:  # not a run of messages: one template or none
            whole = self._whole(text, 0)
            return text if whole is None else whole[0]
        cuts = [0, *[m.end() for m in _SENTENCE_END.finditer(text)][:MAX_SPLITS], len(text)]
        best: list[tuple[int, list[str]]] = [(0, [])]
        for j in range(1, len(cuts)):
            options = []
            for i in range(j):
                piece = text[cuts[i] : cuts[j]]
                stripped = piece.rstrip()
                found = self._whole(stripped, 0)
                done, parts = best[i]
                if found is not None:
                    options.append((done + found[1], [*parts, found[0] + piece[len(stripped) :]]))
                elif i == j - 1:
                    options.append((done, [*parts, piece]))
            best.append(max(options, key=lambda o: o[0]))
        return "".join(best[-1][1])

    def _whole(self, text: str, depth: int) -> tuple[str, int] | None:
        """``text`` translated as one template (values too) and how much fixed text that
        template explains; None when no template fits."""
        for key, template in self._keyed:
            if key not in text:
                continue
            match = template.pattern.match(text)
            if match is not None:
                values = [
                    _count(v) if i in template.counts else self._value(v, depth)
                    for i, v in enumerate(match.groups())
                ]
                return template.fill(values), template.fixed
        return None

    def _value(self, value: str | None, depth: int) -> str | None:
        """A captured value, translated when it is itself a known phrase."""
        if not value or depth >= MAX_DEPTH:
            return value
        inner = self._whole(value, depth + 1)
        return value if inner is None else inner[0]


def _count(value: str | None) -> str | None:
    """A count as Vietnamese writes it: ``1,234,567.5`` → ``1.234.567,5``."""
    return value.translate(_SWAP_SEPARATORS) if value and _GROUPED.fullmatch(value) else value


@cache
def catalogue(lang: str) -> Catalogue:
    """The translated, non-fuzzy templates of ``lang`` (none for English: msgids are English)."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / (lang if lang.isalpha() else "-") / f"{DOMAIN}.po"
    if lang == "en" or not path.exists():
        return Catalogue(())
    with path.open("rb") as fh:
        messages = read_po(fh, locale=lang)
    return Catalogue.of((str(m.id), str(m.string)) for m in messages if not m.fuzzy)


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang`` when it is a known message (or a run of them), else unchanged."""
    return text if lang == "en" or not text else catalogue(lang).translate(text)
