"""What the workspace indicator pages share: form values checked with a message a person can act on,
status labels, unit names, and the overview page that decisions return to.

Each message is an English msgid marked with ``_`` and translated when shown, so a form says in the
reader's language what was wrong and what to write instead.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from kho.errors import Conflict, InvalidInput, KhoError, NotFound, PermissionDenied
from kho.indicators.targets import MAX_NOTE, MAX_NUMBER, acting_orgs, is_writing_admin
from kho.web.i18n import format_number, gettext
from kho.web.pages.workspace_common import Visitor, render, see_other

GRID_PERIOD = re.compile(r"^\d{4}(Q[1-4])?$")
NUMBER_TEXT = re.compile(r"^-?[0-9][0-9.,]*$")
PLAIN_DECIMAL = re.compile(r"^-?[0-9]+[.,][0-9]+$")
MAX_FIELD = 40


def _(msgid: str) -> str:
    """Mark an English message for translation where it is written; it is translated when shown."""
    return msgid


PROBLEMS: dict[type[KhoError], str] = {
    PermissionDenied: _("You may not do this."),
    NotFound: _("Not found."),
    Conflict: _("This was already done or has changed meanwhile."),
    InvalidInput: _("Please correct the form."),
}


class Invalid(Exception):
    """A form value that is wrong, with the message (English msgid) that says what to do."""

    def __init__(self, msgid: str, **params: object):
        super().__init__(msgid)
        self.msgid, self.params = msgid, params

    def text(self, lang: str) -> str:
        shown = {
            k: format_number(v, lang) if isinstance(v, float) else v for k, v in self.params.items()
        }
        return gettext(lang, self.msgid, **shown)


def parse_number(raw: object, lang: str) -> float | None:
    """A number as people type it (85, 85,5, 1.000 in Vietnamese; 85.5, 1,000 in English); blank is None."""
    from babel.numbers import NumberFormatError, parse_decimal

    text = str(raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    typed = str(raw).strip()
    shown_text = typed if len(typed) <= MAX_FIELD else typed[:MAX_FIELD] + "…"
    if len(text) > MAX_FIELD or not NUMBER_TEXT.match(text):
        raise Invalid(
            _("«{text}» is not a number. Write digits, e.g. 85 or 85,5."), text=shown_text
        )
    try:
        value = float(parse_decimal(text, locale="vi_VN" if lang == "vi" else "en_US", strict=True))
    except NumberFormatError:
        if not PLAIN_DECIMAL.match(text):
            raise Invalid(
                _("«{text}» is not a number. Write digits, e.g. 85 or 85,5."), text=shown_text
            ) from None
        value = float(text.replace(",", "."))
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise Invalid(
            _("{text} is too large: numbers up to one million billion are accepted."),
            text=shown_text,
        )
    return value


def number_text(value: float | None, lang: str) -> str:
    """A stored number as a person would type it back into a form: every decimal kept, none added."""
    if value is None:
        return ""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, lang, decimals=min(decimals, 10))


def parse_range(value: float | None, low: float | None, high: float | None) -> None:
    if value is not None and (low is not None or high is not None):
        raise Invalid(_("Give either one target value or a range (from, to), not both."))
    if low is not None and high is not None and low > high:
        raise Invalid(
            _("The range starts at {low} but ends at {high}: the start must not be above the end."),
            low=low,
            high=high,
        )


def grid_period(raw: object) -> str:
    text = str(raw or "").strip().upper()
    if not GRID_PERIOD.match(text):
        raise Invalid(
            _("«{text}» is not a period: write a year such as 2025 or a quarter such as 2025Q1."),
            text=str(raw or "")[:MAX_FIELD],
        )
    return text


def parse_note(raw: object) -> str | None:
    text = str(raw or "").strip()
    if len(text) > MAX_NOTE:
        raise Invalid(
            _("The note is {n} characters long; keep it to {max} or fewer."),
            n=len(text),
            max=MAX_NOTE,
        )
    if "\x00" in text:
        raise Invalid(_("The note contains a character that cannot be stored; retype it."))
    return text or None


def explain(exc: KhoError, lang: str) -> str:
    """A service refusal for a person: a sentence in their language, then the service's details."""
    lead = next((m for cls, m in PROBLEMS.items() if isinstance(exc, cls)), _("Not saved."))
    detail = exc.message + (f" {exc.hint}" if exc.hint else "")
    return f"{gettext(lang, lead)} {detail}"


def current_quarter() -> str:
    today = datetime.now(UTC).date()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


NOTICES = {
    "assigned": _("{n} targets assigned. The history below keeps the earlier ones."),
    "unchanged": _("Nothing to save: every target is as it was."),
    "proposed": _("Your proposal was sent to the unit above for approval."),
    "approved": _("Approved."),
    "sent_back": _("Sent back with your note."),
    "submitted": _("Your value was sent to the unit above for approval."),
    "computed": _("Recomputed: {n} values written."),
}
LABELS = {
    "status": {
        "achieved": _("Achieved"),
        "missed": _("Missed"),
        "on_track": _("On track"),
        "at_risk": _("At risk"),
        "no_target": _("No target"),
        "no_data": _("No data"),
    },
    "target": {
        "active": _("in force"),
        "proposed": _("waiting for approval"),
        "approved": _("approved"),
        "sent_back": _("sent back"),
    },
    "kind": {"assigned": _("assigned by the unit above"), "proposed": _("proposed by the unit")},
    "entry": {
        "submitted": _("waiting for approval"),
        "approved": _("approved"),
        "returned": _("sent back"),
    },
}


def page_context(platform: Any, visitor: Visitor) -> dict[str, Any]:
    """What every indicator page shows: unit names and the status labels in the visitor's language."""
    lang = visitor.lang
    orgs = {o.code: o for o in platform.access.orgs.list(include_closed=True)}

    def unit(code: str) -> str:
        o = orgs.get(code)
        if code == "*":
            return gettext(lang, "every unit (default)")
        name = (o.name_en if lang == "en" and o.name_en else o.name_vi) if o else code
        return f"{name} ({code})" if o else code

    return {
        "unit": unit,
        "ilabel": lambda kind, key: gettext(lang, LABELS[kind].get(key or "", key or "")),
    }


def back(path: str, **params: object) -> Response:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return see_other(f"{path}?{query}" if query else path)


def overview(
    request: Request,
    platform: Any,
    visitor: Visitor,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    actor = visitor.actor
    ind = platform.indicators
    visible = {s.code: s for s in ind.list_indicators(actor=actor)}
    defs = {code: ind.definition(code) for code in visible}
    awaiting = [x for x in ind.targets.awaiting(actor) if x.indicator in visible]
    entries = [x for x in ind.reporting.awaiting(actor) if x.indicator in visible]
    return render(
        request,
        "workspace/indicators.html",
        {
            **page_context(platform, visitor),
            "indicators": list(visible.values()),
            "may_compute": {
                c for c, d in defs.items() if d.type == "computed" and ind.may_compute(actor, d)
            },
            "units": sorted(acting_orgs(actor)),
            "may_assign": bool(acting_orgs(actor)) or is_writing_admin(actor),
            "awaiting_targets": awaiting,
            "in_force": {
                x.id: ind.targets.effective(x.indicator, x.org, x.period)[0] for x in awaiting
            },
            "awaiting_entries": entries,
            "sent_back_before": ind.reporting.histories([x.id for x in entries]),
            "my_proposals": [x for x in ind.targets.proposals_of(actor) if x.indicator in visible],
            "my_entries": [x for x in ind.reporting.entries_of(actor) if x.indicator in visible],
            "names": {
                c: (s.name_en if visitor.lang == "en" and s.name_en else s.name_vi)
                for c, s in visible.items()
            },
            "notice": notice,
            "error": error,
        },
        visitor=visitor,
        status=status,
    )
