"""Reports: target vs actual per unit and period, change, ranking, completeness; analytics; XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kho.access.actors import Actor
from kho.errors import InvalidInput
from kho.indicators import _tables as t
from kho.indicators import periods, scoring
from kho.indicators.models import (
    ALL_ORGS,
    Analytics,
    IndicatorDef,
    IndicatorValue,
    Report,
    ReportRow,
    Target,
)
from kho.indicators.periods import Period

if TYPE_CHECKING:
    from kho.indicators.orgtree import OrgTree
    from kho.indicators.service import Indicators


def build_report(
    svc: Indicators,
    period: str,
    *,
    actor: Actor,
    org: str = ALL_ORGS,
    codes: Sequence[str] = (),
    as_of: datetime | None = None,
) -> Report:
    """The scope unit and each unit directly below it, for every indicator the actor may read."""
    p = periods.parse(period)
    moment = as_of or datetime.now(UTC)
    wanted = list(codes) or [s.code for s in svc.list_indicators(actor=actor)]
    rows: list[ReportRow] = []
    gaps: dict[str, Any] = {}
    for code in wanted:
        d = svc.get(code, actor=actor)
        if d.type == "computed":
            svc.refresh_if_stale(d)
        found, missing = _indicator_rows(svc, d, p, org, moment)
        rows += found
        gaps[code] = missing
    return Report(period=p.id, org=org, as_of=moment, rows=rows, completeness=gaps)


def _indicator_rows(
    svc: Indicators, d: IndicatorDef, p: Period, org: str, moment: datetime
) -> tuple[list[ReportRow], dict[str, Any]]:
    prev, before = p.previous(), p.year_before()
    cur, old, older = (_by_org(svc, d, x) for x in (p, prev, before))
    tree = svc.tree(d)
    units = _units(svc, d, org, cur, tree)
    history = svc.targets.history(d.code)
    ranks = scoring.rank(
        {u: cur[u].value if u in cur else None for u in units[1:]}, direction=d.direction
    )
    out = [
        _row(
            svc,
            d,
            p,
            u,
            cur.get(u),
            old.get(u),
            older.get(u),
            history,
            tree,
            moment,
            ranks.get(u),
            len(ranks) if u != org else None,
        )
        for u in units
    ]
    missing: dict[str, Any] = {
        kind: [r.org for r in out[1:] if r.completeness == kind]
        for kind in ("no_data", "stale", "late", "not_approved")
    }
    missing["expected"] = len(units) - 1
    missing["complete"] = sum(r.completeness == "ok" for r in out[1:])
    return out, missing


def _row(
    svc: Indicators,
    d: IndicatorDef,
    p: Period,
    unit: str,
    v: IndicatorValue | None,
    prev: IndicatorValue | None,
    before: IndicatorValue | None,
    history: list[Target],
    tree: OrgTree,
    moment: datetime,
    rank: int | None,
    rank_of: int | None,
) -> ReportRow:
    target, why = svc.targets.effective(
        d.code, unit, p.id, as_of=moment, rows=history, definition=d
    )
    actual = v.value if v else None
    status, pct = scoring.status(
        d,
        p,
        actual,
        value=target.value if target else None,
        low=target.low if target else None,
        high=target.high if target else None,
        today=moment.date(),
    )
    return ReportRow(
        indicator=d.code,
        name=d.name_vi,
        unit=d.unit,
        direction=d.direction,
        org=unit,
        parent=tree.parent(unit),
        period=p.id,
        actual=actual,
        numerator=v.numerator if v else None,
        denominator=v.denominator if v else None,
        target=target.value if target else None,
        target_low=target.low if target else None,
        target_high=target.high if target else None,
        target_source=why,
        achieved_pct=None if pct is None else round(pct, 2),
        status=status,
        previous=prev.value if prev else None,
        change_prev=_diff(actual, prev),
        year_before=before.value if before else None,
        change_yoy=_diff(actual, before),
        rank=rank,
        rank_of=rank_of if rank is not None else None,
        completeness=_completeness(d, p, v, moment.date()),
        last_data=v.last_data if v else None,
    )


def _diff(actual: float | None, other: IndicatorValue | None) -> float | None:
    if actual is None or other is None or other.value is None:
        return None
    return actual - other.value


def _completeness(d: IndicatorDef, p: Period, v: IndicatorValue | None, today: date) -> Any:
    """no_data, stale (latest row older than ``stale_days`` before the period's end), late, not_approved."""
    if v is None or v.value is None and not v.rows:
        return "no_data"
    if d.type == "reported":
        if v.lineage.get("is_late"):
            return "late"
        return "ok" if v.status in (None, "approved") else "not_approved"
    if v.last_data:
        reference = min(p.end, today)
        if date.fromisoformat(v.last_data) < reference - timedelta(days=d.stale_days):
            return "stale"
    return "ok"


def _by_org(svc: Indicators, d: IndicatorDef, p: Period) -> dict[str, IndicatorValue]:
    if d.type == "reported":
        return {v.org: v for v in reported_values(svc, d, p.id)}
    with svc._sessions() as s:  # noqa: SLF001 - same concern
        rows = s.scalars(
            select(t.ValueRow).where(
                t.ValueRow.indicator_code == d.code, t.ValueRow.period_id == p.id
            )
        ).all()
    from kho.indicators.service import _value

    return {r.org_code: _value(r) for r in rows}


def _units(
    svc: Indicators, d: IndicatorDef, org: str, cur: dict[str, IndicatorValue], tree: OrgTree
) -> list[str]:
    """The scope and its children: those that ever had a value, plus registered units for reported ones."""
    if d.type == "reported":
        known = set(cur) | set(tree.parents)
    else:
        with svc._sessions() as s:  # noqa: SLF001 - same concern
            known = set(
                s.scalars(
                    select(t.ValueRow.org_code)
                    .distinct()
                    .where(t.ValueRow.indicator_code == d.code)
                ).all()
            )
    return [org, *tree.children(org, known)]


def reported_values(svc: Indicators, d: IndicatorDef, period_id: str) -> list[IndicatorValue]:
    """Entered values, plus parents rolled up from their approved children when they entered none."""
    entries = svc.reporting.entries(d.code, period=period_id)
    tree = svc.tree(d)
    out = {
        e.org: IndicatorValue(
            indicator=d.code,
            period=e.period,
            org=e.org,
            parent=tree.parent(e.org),
            value=e.value,
            numerator=e.numerator,
            denominator=e.denominator,
            rows=1,
            status=e.status,
            lineage={
                "kind": "reported",
                "entered_by": e.entered_by,
                "entered_at": e.entered_at.isoformat(),
                "decided_by": e.decided_by,
                "is_late": e.is_late,
            },
        )
        for e in entries
    }
    if d.aggregation == "none":
        return list(out.values())
    approved = [e for e in entries if e.status == "approved"]
    groups: dict[str, list[Any]] = {}
    for e in approved:
        for node in tree.chain(e.org)[1:]:
            groups.setdefault(node, []).append(e)
    for node, members in groups.items():
        if node in out:
            continue
        value, num, den = _aggregate(d, members)
        out[node] = IndicatorValue(
            indicator=d.code,
            period=period_id,
            org=node,
            parent=tree.parent(node),
            value=value,
            numerator=num,
            denominator=den,
            rows=len(members),
            status="approved",
            lineage={"kind": "rollup", "from": sorted(m.org for m in members)},
        )
    return sorted(out.values(), key=lambda v: v.org)


def _aggregate(
    d: IndicatorDef, members: list[Any]
) -> tuple[float | None, float | None, float | None]:
    if d.aggregation == "ratio":
        num = sum(m.numerator or 0.0 for m in members)
        den = sum(m.denominator or 0.0 for m in members)
        factor = 100.0 if d.unit == "%" else 1.0
        return (factor * num / den if den else None), num, den
    vals = [m.value for m in members if m.value is not None]
    if not vals:
        return None, None, None
    agg = {"min": min, "max": max}.get(d.aggregation or "sum", sum)
    return float(agg(vals)), None, None


def analytics(
    svc: Indicators,
    dx: Sequence[str],
    pe: Sequence[str],
    ou: Sequence[str],
    *,
    actor: Actor,
    include_num_den: bool = False,
) -> Analytics:
    """DHIS2-shaped answer for indicators × periods × units; values as strings rounded to decimals."""
    if not dx or not pe:
        raise InvalidInput(
            "Name at least one indicator (dx) and one period (pe).",
            hint="Example: ?dx=DVC_TRUC_TUYEN&pe=2025Q1;2025Q2&ou=ALL",
        )
    pids = [periods.parse(p).id for p in pe]
    headers = [
        {"name": "dx", "column": "Data", "valueType": "TEXT"},
        {"name": "pe", "column": "Period", "valueType": "TEXT"},
        {"name": "ou", "column": "Organisation unit", "valueType": "TEXT"},
        {"name": "value", "column": "Value", "valueType": "NUMBER"},
    ]
    if include_num_den:
        headers += [
            {"name": "numerator", "column": "Numerator", "valueType": "NUMBER"},
            {"name": "denominator", "column": "Denominator", "valueType": "NUMBER"},
        ]
    rows: list[list[str | None]] = []
    items: dict[str, dict[str, str]] = {}
    for code in dx:
        d = svc.get(code, actor=actor)
        items[code] = {"name": d.name_vi, "name_en": d.name_en or d.name_vi}
        for v in svc.values(code, actor=actor, periods_=pids, orgs=list(ou)):
            if v.value is None:
                continue
            row = [code, v.period, v.org, _fmt(v.value, d.decimals)]
            if include_num_den:
                row += [_fmt(v.numerator, 6), _fmt(v.denominator, 6)]
            rows.append(row)
    items.update({p: {"name": p} for p in pids})
    items.update({o: {"name": o} for o in ou})
    return Analytics(
        headers=headers,
        rows=rows,
        height=len(rows),
        width=len(headers),
        metaData={
            "items": items,
            "names": {k: v["name"] for k, v in items.items()},
            "dimensions": {"dx": list(dx), "pe": pids, "ou": list(ou)},
        },
    )


def _fmt(value: float | None, decimals: int) -> str | None:
    if value is None:
        return None
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


COLUMNS = (
    "indicator",
    "name",
    "org",
    "period",
    "actual",
    "unit",
    "target",
    "target_low",
    "target_high",
    "achieved_pct",
    "status",
    "previous",
    "change_prev",
    "year_before",
    "change_yoy",
    "rank",
    "rank_of",
    "completeness",
    "last_data",
    "numerator",
    "denominator",
    "target_source",
)


LABELS: dict[str, tuple[str, str]] = {  # column: (Vietnamese, English)
    "indicator": ("Mã chỉ tiêu", "Indicator code"),
    "name": ("Tên chỉ tiêu", "Indicator"),
    "org": ("Đơn vị", "Unit"),
    "period": ("Kỳ", "Period"),
    "actual": ("Thực hiện", "Actual"),
    "unit": ("Đơn vị tính", "Measured in"),
    "target": ("Kế hoạch", "Target"),
    "target_low": ("Kế hoạch từ", "Target from"),
    "target_high": ("Kế hoạch đến", "Target to"),
    "achieved_pct": ("Tỷ lệ đạt (%)", "Achieved (%)"),
    "status": ("Đánh giá", "Status"),
    "previous": ("Kỳ trước", "Previous period"),
    "change_prev": ("So với kỳ trước", "Change on previous period"),
    "year_before": ("Cùng kỳ năm trước", "Same period last year"),
    "change_yoy": ("So với cùng kỳ", "Change on last year"),
    "rank": ("Hạng", "Rank"),
    "rank_of": ("Trên số đơn vị", "Of units"),
    "completeness": ("Tình trạng số liệu", "Data"),
    "last_data": ("Số liệu mới nhất", "Latest data"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "target_source": ("Căn cứ kế hoạch", "Target basis"),
}
WORDS: dict[str, tuple[str, str]] = {  # status and completeness values
    "achieved": ("Đạt", "Achieved"),
    "on_track": ("Đúng tiến độ", "On track"),
    "at_risk": ("Có nguy cơ", "At risk"),
    "missed": ("Không đạt", "Missed"),
    "no_target": ("Chưa có kế hoạch", "No target"),
    "no_data": ("Chưa có số liệu", "No data"),
    "ok": ("Đủ số liệu", "Complete"),
    "stale": ("Số liệu cũ", "Stale"),
    "late": ("Nộp muộn", "Late"),
    "not_approved": ("Chưa duyệt", "Not approved"),
}
GAPS = ("expected", "complete", "no_data", "stale", "late", "not_approved")
GAP_LABELS = {
    "expected": ("Số đơn vị", "Units expected"),
    "complete": ("Đủ số liệu", "Complete"),
} | {k: WORDS[k] for k in ("no_data", "stale", "late", "not_approved")}


def to_xlsx(report: Report, lang: str = "vi") -> bytes:
    """The report as an Excel workbook in the reader's language: one sheet of rows (status and
    completeness spelled out), one of completeness per indicator."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    pick = 0 if lang == "vi" else 1
    wb = Workbook()
    ws = wb.active
    ws.title = f"{'Báo cáo' if pick == 0 else 'Report'} {report.period}"
    ws.append([LABELS[c][pick] for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in report.rows:
        values = [getattr(r, c) for c in COLUMNS]
        ws.append([WORDS[v][pick] if c in ("status", "completeness") and v in WORDS else v
                   for c, v in zip(COLUMNS, values, strict=True)])  # fmt: skip
    ws.freeze_panes = "A2"
    gaps = wb.create_sheet("Tình trạng số liệu" if pick == 0 else "Completeness")
    gaps.append([LABELS["indicator"][pick], *(GAP_LABELS[k][pick] for k in GAPS)])
    for cell in gaps[1]:
        cell.font = Font(bold=True)
    for code, g in report.completeness.items():
        gaps.append(
            [
                code,
                g["expected"],
                g["complete"],
                *(", ".join(g[k]) for k in ("no_data", "stale", "late", "not_approved")),
            ]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
