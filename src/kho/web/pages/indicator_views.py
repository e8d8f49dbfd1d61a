"""How indicator figures read on a page: values with their decimals, % achieved, changes, periods and unit names.

One object per request, bound to the reader's language, so templates never format numbers themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from babel.numbers import format_percent

from kho.catalog.models import Organisation
from kho.errors import InvalidInput
from kho.indicators import periods
from kho.indicators.models import ALL_ORGS, IndicatorDef, IndicatorValue
from kho.web.i18n import format_number, gettext

TREND_TYPES: tuple[periods.PeriodType, ...] = ("quarter", "year", "month", "week")
PACK_TITLES = {
    "online_services": "Online public services",
    "warehouse": "The shared data warehouse",
}
MAX_PARAM = 200


@dataclass(frozen=True)
class Figures:
    """Formatting for one reader: Vietnamese ``53,6%`` and ``Quý 1/2025``, English ``53.6%`` and ``Q1 2025``."""

    lang: str
    orgs: Mapping[str, Organisation]

    def value(self, v: float | None, d: IndicatorDef) -> str:
        """The value with the indicator's decimals; a percentage carries its sign."""
        if v is None:
            return "—"
        text = format_number(v, self.lang, decimals=d.decimals)
        return f"{text}%" if d.unit == "%" else text

    def number(self, v: float | None, decimals: int = 0) -> str:
        return "—" if v is None else format_number(v, self.lang, decimals=decimals)

    def pct(self, v: float | None) -> str:
        """% achieved, one decimal, in the reader's percent pattern."""
        if v is None:
            return "—"
        locale = "vi_VN" if self.lang == "vi" else "en_US"
        return format_percent(v / 100, format="#,##0.0%", locale=locale)

    def change(self, v: float | None, d: IndicatorDef) -> str:
        """A signed difference: percentage points for a percentage, the indicator's unit otherwise."""
        if v is None:
            return "—"
        text = format_number(abs(v), self.lang, decimals=d.decimals)
        sign = "+" if v > 0 else ("−" if v < 0 else "±")
        unit = f" {gettext(self.lang, 'pp')}" if d.unit == "%" else ""
        return f"{sign}{text}{unit}"

    def target(
        self, low: float | None, value: float | None, high: float | None, d: IndicatorDef
    ) -> str:
        """A single target, or a range ``low–high`` (one bound shown as ≥ or ≤)."""
        if value is not None:
            return self.value(value, d)
        if low is not None and high is not None:
            return f"{self.value(low, d)}–{self.value(high, d)}"
        if low is not None:
            return f"≥ {self.value(low, d)}"
        if high is not None:
            return f"≤ {self.value(high, d)}"
        return "—"

    def period(self, pid: str) -> str:
        p = periods.parse(pid)
        year = p.id[:4]
        if p.type == "quarter":
            return gettext(self.lang, "Q{quarter} {year}", quarter=p.id[-1], year=year)
        if p.type == "month":
            return gettext(self.lang, "Month {month}/{year}", month=p.id[4:], year=year)
        if p.type == "week":
            return gettext(self.lang, "Week {week}, {year}", week=str(int(p.id[5:])), year=year)
        return gettext(self.lang, "Year {year}", year=year)

    def unit(self, code: str) -> str:
        """A registered organisation's name, the whole scope for ``ALL``, else the unit as the data spells it."""
        if code == ALL_ORGS:
            return gettext(self.lang, "All units")
        o = self.orgs.get(code)
        if o is None:
            return code
        return o.name_vi if self.lang == "vi" else (o.name_en or o.name_vi)

    def name(self, d: IndicatorDef) -> str:
        return d.name_vi if self.lang == "vi" else (d.name_en or d.name_vi)

    def description(self, d: IndicatorDef) -> str:
        return (
            d.description_vi if self.lang == "vi" else d.description_en or d.description_vi
        ) or ""

    def pack(self, name: str | None) -> str:
        if name is None:
            return gettext(self.lang, "Other indicators")
        msgid = PACK_TITLES.get(name)
        return gettext(self.lang, msgid) if msgid else name

    def day(self, value: date | str | None) -> str:
        """A date (or an ISO date string, as lineage keeps it) as the reader writes dates."""
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        return value.strftime("%d/%m/%Y") if self.lang == "vi" else value.strftime("%d %b %Y")


def bad_period_message(text: str, lang: str) -> str:
    """What was wrong with a typed period and which forms work, in the reader's language."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    return gettext(
        lang,
        "“{period}” is not a period. Use 2025 (year), 2025Q1 (quarter), 202501 (month) or 2025W05 (week).",
        period=shown,
    )


def checked_period(text: str | None, lang: str) -> tuple[str | None, str | None]:
    """The period id for a typed period, or the message to show instead (never an exception)."""
    if not text:
        return None, None
    try:
        return periods.parse(text[:MAX_PARAM]).id, None
    except InvalidInput:
        return None, bad_period_message(text, lang)


def trend_type(d: IndicatorDef) -> periods.PeriodType:
    """Quarters where the indicator has them (leaders compare quarter by quarter), else its coarsest type."""
    return next((k for k in TREND_TYPES if k in d.period_types), "year")


def latest(
    values: list[IndicatorValue], kind: periods.PeriodType, today: date, *, closed: bool = False
) -> str | None:
    """The newest period of ``kind`` that has begun (or, with ``closed``, ended) and has a value."""
    found = [
        p
        for p in (periods.parse(v.period) for v in values if v.value is not None)
        if p.type == kind and (p.end < today if closed else p.start <= today)
    ]
    return max(found).id if found else None


def report_period(values: list[list[IndicatorValue]], today: date) -> str:
    """The quarter a quarterly report is most likely wanted for: the newest ended quarter with
    values, else the newest quarter with values, else the current one."""
    for closed in (True, False):
        found = {latest(vs, "quarter", today, closed=closed) for vs in values} - {None}
        if found:
            return sorted_periods({p for p in found if p})[-1]
    return recent("quarter", today, 1)[0]


def recent(kind: periods.PeriodType, today: date, count: int) -> list[str]:
    """The ``count`` periods of ``kind`` up to the one containing ``today``, oldest first."""
    p = periods.of_date(today, kind)
    out = [p]
    while len(out) < count:
        out.append(out[-1].previous())
    return [x.id for x in reversed(out)]


def sorted_periods(ids: set[str]) -> list[str]:
    return [p.id for p in sorted(periods.parse(i) for i in ids)]
