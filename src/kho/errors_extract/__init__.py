"""Find every English sentence Kho builds for a person and keep the translators' catalogue in step.

Error messages (the KhoError family's message and ``hint=``) and the load report's type reasons
and warnings are f-strings spread over ``src/kho``; nobody should have to wrap each one by hand.
This walks the source with :mod:`ast`, follows variables, helper functions and their callers to
the string literals, turns each into a template with numbered placeholders
(``f"No table {base!r}."`` → ``No table {0}.``) and refreshes ``web/locale/{vi,en}/errors.po``
like ``pybabel update``: translations kept, new ids added, vanished ids marked obsolete.
:mod:`kho.errors_i18n` reads that catalogue to translate messages where a person reads them.
Run it with ``scripts/extract_messages.py`` after adding or changing a message.
"""

from __future__ import annotations

from pathlib import Path

from kho.errors_extract._source import load_modules
from kho.errors_extract._walk import Entry, Extractor, to_template

__all__ = ["Entry", "extract", "main", "po_path", "refresh", "render_catalogue", "to_template"]

PACKAGE = Path(__file__).resolve().parent.parent
SRC = PACKAGE.parent
LOCALE_DIR = PACKAGE / "web" / "locale"
DOMAIN = "errors"


def extract(root: Path = PACKAGE, unparsable: list[str] | None = None) -> dict[str, Entry]:
    """Every template in the package, with the files it comes from."""
    return Extractor(load_modules(root, unparsable)).run()


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / f"{DOMAIN}.po"


HEADER = {
    "vi": "# Kho — error messages and load-report reasons (Vietnamese). msgid = English.\n"
    "# Refreshed by scripts/extract_messages.py: write the msgstr, keep every {0}, {1}…",
    "en": "# Kho — error messages and load-report reasons (English: msgid is the text).\n"
    "# Refreshed by scripts/extract_messages.py.",
}


def render_catalogue(lang: str, templates: dict[str, Entry], old_text: bytes | None) -> bytes:
    """The refreshed .po file for ``lang``: existing translations kept, new ids empty."""
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(locale=lang, domain=DOMAIN, fuzzy=False)
    for msgid in sorted(templates):
        entry = templates[msgid]
        template.add(
            msgid,
            locations=[(loc, 0) for loc in sorted(entry.locations)],
            auto_comments=[", ".join(sorted(entry.roles))],
        )
    catalog = read_po(BytesIO(old_text), locale=lang) if old_text else Catalog(locale=lang)
    for key, message in catalog.obsolete.items():  # a message that comes back gets its text back
        if key not in catalog:
            catalog[key] = message
    catalog.obsolete = {}
    catalog.update(template, no_fuzzy_matching=lang == "en")
    catalog.obsolete = {k: m for k, m in catalog.obsolete.items() if m.string and not m.fuzzy}
    catalog.header_comment = HEADER[lang]
    catalog.fuzzy = False
    out = BytesIO()
    write_po(out, catalog, width=100, omit_header=False, include_lineno=False, sort_output=True)
    return _strip_volatile(out.getvalue())


def _strip_volatile(po: bytes) -> bytes:
    """Drop header fields that change on every run (dates, version) or say nothing."""
    volatile = (
        b'"POT-Creation-Date:',
        b'"PO-Revision-Date:',
        b'"Generated-By:',
        b'"Project-Id-Version:',
        b'"Report-Msgid-Bugs-To:',
        b'"Last-Translator:',
        b'"Language-Team:',
    )
    return b"".join(line for line in po.splitlines(keepends=True) if not line.startswith(volatile))


def refresh(templates: dict[str, Entry] | None = None) -> dict[str, bool]:
    """Rewrite both catalogues; returns, per language, whether the file changed."""
    found = extract() if templates is None else templates
    changed: dict[str, bool] = {}
    for lang in ("vi", "en"):
        path = po_path(lang)
        old = path.read_bytes() if path.exists() else None
        new = render_catalogue(lang, found, old)
        changed[lang] = new != old
        if changed[lang]:
            path.write_bytes(new)
    return changed


def untranslated(lang: str = "vi") -> list[str]:
    """msgids in the catalogue still without a (non-fuzzy) translation."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        return sorted(str(m.id) for m in read_po(fh) if m.id and (not m.string or m.fuzzy))


def main() -> int:
    """Refresh both catalogues and say what is left to translate (exit 0 either way)."""
    skipped: list[str] = []
    found = extract(unparsable=skipped)
    for rel in skipped:
        print(f"warning: {rel} does not parse; its messages were left out this time")
    changed = refresh(found)
    missing = untranslated("vi")
    print(
        f"{len(found)} templates; {len(found) - len(missing)} translated, {len(missing)} to "
        f"translate in {po_path('vi').relative_to(SRC.parent)}"
        + ("" if any(changed.values()) else " (no change)")
    )
    for msgid in missing:
        print(f"  to translate: {msgid}")
    return 0
