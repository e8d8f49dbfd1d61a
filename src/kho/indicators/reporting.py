"""Values entered by units for reported indicators; the unit above approves or sends them back with a
note the unit sees; every decision is kept (and audited) when the unit corrects its value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access import audit
from kho.access.actors import Actor
from kho.clock import aware
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.indicators import _tables as t
from kho.indicators import periods
from kho.indicators.models import (
    IndicatorDef,
    ReportedDecision,
    ReportedValue,
    ReportedValueCreate,
)
from kho.indicators.orgtree import OrgTree
from kho.indicators.targets import (
    acting_orgs,
    check_note,
    check_number,
    check_org,
    is_writing_admin,
)


def _now() -> datetime:
    return datetime.now(UTC)


class Reporting:
    """Values entered by units for reported indicators; the unit above approves or returns them."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        definition: Callable[[str], IndicatorDef],
        tree: Callable[[IndicatorDef], OrgTree],
    ):
        self._sessions = sessions
        self._definition = definition
        self._tree = tree

    def submit(
        self, data: ReportedValueCreate, *, actor: Actor, at: datetime | None = None
    ) -> ReportedValue:
        """Enter (or correct, until approved) a unit's value for a period."""
        d = self._definition(data.indicator)
        self._check_entry(d, data, actor)
        p = periods.parse(data.period)
        if p.type not in d.period_types:
            raise InvalidInput(
                f"{d.code} is reported per {', '.join(d.period_types)}, not per {p.type}.",
                hint="Use 2025 (year), 2025Q1 (quarter) or 202501 (month) as the indicator allows.",
            )
        pid = p.id
        with self._sessions() as s, s.begin():
            row = self._row(s, d.code, data.org, pid)
            if row is not None and row.status == "approved":
                raise Conflict(
                    f"The {pid} value of {data.org} for {d.code} is approved and locked."
                )
            if row is None:
                row = t.ReportedRow(indicator_code=d.code, org_code=data.org, period_id=pid)
                s.add(row)
            value = data.value
            if d.aggregation == "ratio" and data.numerator is not None and data.denominator:
                value = _factor(d) * data.numerator / data.denominator
            row.value, row.numerator, row.denominator, row.note = (
                value,
                data.numerator,
                data.denominator,
                data.note,
            )
            row.status, row.entered_by, row.entered_at = "submitted", str(actor), at or _now()
            row.decided_by = row.decided_at = row.decision_note = None
            s.flush()
            done = _reported(row, d)
            _record(s, actor, "reported_value.submit", done)
            return done

    def decide(
        self,
        code: str,
        org: str,
        period: str,
        *,
        approve: bool,
        actor: Actor,
        note: str | None = None,
    ) -> ReportedValue:
        """Approve (locks it) or send back a submitted value; the unit sees the note and who decided."""
        d = self._definition(code)
        check_note(note)
        note = (note or "").strip() or None
        if not self.may_decide(actor, code, org):
            raise PermissionDenied(
                f"{actor} may not approve values of {org!r}: only editors and admins of a unit "
                "above it may."
            )
        with self._sessions() as s, s.begin():
            row = self._row(s, code, org, periods.parse(period).id)
            if row is None:
                raise NotFound(f"{org} has not reported {code} for {period}.")
            if row.status != "submitted":
                raise Conflict(
                    f"The {row.period_id} value of {org} for {code} is already {row.status}; "
                    "only a submitted value can be decided."
                )
            row.status = "approved" if approve else "returned"
            row.decided_by, row.decided_at, row.decision_note = str(actor), _now(), note
            s.add(_decision_row(row))
            done = _reported(row, d)
            action = "reported_value.approve" if approve else "reported_value.send_back"
            _record(s, actor, action, done, decision_note=note)
            return done

    def entries(self, code: str, *, period: str | None = None) -> list[ReportedValue]:
        d = self._definition(code)
        with self._sessions() as s:
            stmt = select(t.ReportedRow).where(t.ReportedRow.indicator_code == code)
            if period:
                stmt = stmt.where(t.ReportedRow.period_id == periods.parse(period).id)
            return [_reported(r, d) for r in s.scalars(stmt.order_by(t.ReportedRow.org_code))]

    def history(
        self, code: str, *, org: str | None = None, period: str | None = None
    ) -> list[ReportedDecision]:
        """Every approval and send-back of the indicator's entered values, oldest first."""
        self._definition(code)
        hist = t.ReportedDecisionRow
        stmt = select(hist).where(hist.indicator_code == code)
        if org:
            stmt = stmt.where(hist.org_code == org)
        if period:
            stmt = stmt.where(hist.period_id == periods.parse(period).id)
        with self._sessions() as s:
            return [_decision(r) for r in s.scalars(stmt.order_by(hist.decided_at, hist.id))]

    def histories(self, entry_ids: list[int]) -> dict[int, list[ReportedDecision]]:
        """Earlier decisions of several entered values at once (one read), oldest first per value."""
        out: dict[int, list[ReportedDecision]] = {i: [] for i in entry_ids}
        if not entry_ids:
            return out
        hist = t.ReportedDecisionRow
        with self._sessions() as s:
            rows = s.scalars(
                select(hist).where(hist.entry_id.in_(entry_ids)).order_by(hist.decided_at, hist.id)
            )
            for r in rows:
                out[r.entry_id].append(_decision(r))
        return out

    def awaiting(self, actor: Actor) -> list[ReportedValue]:
        """Submitted values of every reported indicator that the actor may approve."""
        with self._sessions() as s:
            rows = list(
                s.scalars(
                    select(t.ReportedRow)
                    .where(t.ReportedRow.status == "submitted")
                    .order_by(t.ReportedRow.entered_at, t.ReportedRow.id)
                )
            )
        defs = {c: self._definition(c) for c in {r.indicator_code for r in rows}}
        return [
            _reported(r, defs[r.indicator_code])
            for r in rows
            if self.may_decide(actor, r.indicator_code, r.org_code)
        ]

    def entries_of(self, actor: Actor) -> list[ReportedValue]:
        """Values entered for the units the actor belongs to, newest first."""
        if not actor.org_codes:
            return []
        with self._sessions() as s:
            rows = list(
                s.scalars(
                    select(t.ReportedRow)
                    .where(t.ReportedRow.org_code.in_(actor.org_codes))
                    .order_by(t.ReportedRow.entered_at.desc(), t.ReportedRow.id.desc())
                )
            )
        defs = {c: self._definition(c) for c in {r.indicator_code for r in rows}}
        return [_reported(r, defs[r.indicator_code]) for r in rows]

    def may_decide(self, actor: Actor, code: str, org: str) -> bool:
        """Editors and admins of a unit above ``org`` (and platform admins) approve its values."""
        if is_writing_admin(actor):
            return True
        return bool(set(self._tree(self._definition(code)).chain(org)[1:]) & acting_orgs(actor))

    def _check_entry(self, d: IndicatorDef, data: ReportedValueCreate, actor: Actor) -> None:
        if d.type != "reported":
            raise InvalidInput(f"{d.code} is computed from data; values cannot be entered.")
        check_org(data.org)
        if not (is_writing_admin(actor) or data.org in acting_orgs(actor)):
            raise PermissionDenied(f"{actor} may not report values for {data.org!r}.")
        for name in ("value", "numerator", "denominator"):
            check_number(name.capitalize(), getattr(data, name))
        check_note(data.note)
        if d.aggregation == "ratio" and (data.numerator is None or not data.denominator):
            raise InvalidInput(
                f"{d.code} is a ratio: enter its numerator and a non-zero denominator."
            )
        if data.value is None and data.numerator is None:
            raise InvalidInput("Enter a value.")

    @staticmethod
    def _row(s: Session, code: str, org: str, period_id: str) -> t.ReportedRow | None:
        return s.scalar(
            select(t.ReportedRow).where(
                t.ReportedRow.indicator_code == code,
                t.ReportedRow.org_code == org,
                t.ReportedRow.period_id == period_id,
            )
        )


def _record(s: Session, actor: Actor, action: str, v: ReportedValue, **extra: Any) -> None:
    """The audit entry of an entered value or a decision, in the same transaction."""
    details: dict[str, Any] = {
        "entry_id": v.id,
        "org": v.org,
        "period": v.period,
        "value": v.value,
        "numerator": v.numerator,
        "denominator": v.denominator,
        "note": v.note,
        "status": v.status,
        "is_late": v.is_late,
        **extra,
    }
    audit.append(s, actor, action=action, resource=f"indicator:{v.indicator}", details=details)


def _factor(d: IndicatorDef) -> float:
    return 100.0 if d.unit == "%" else 1.0


def _reported(r: t.ReportedRow, d: IndicatorDef) -> ReportedValue:
    entered = aware(r.entered_at)
    deadline = datetime.combine(
        periods.parse(r.period_id).end + timedelta(days=d.due_days + 1),
        datetime.min.time(),
        tzinfo=UTC,
    )
    return ReportedValue(
        id=r.id,
        indicator=r.indicator_code,
        org=r.org_code,
        period=r.period_id,
        value=r.value,
        numerator=r.numerator,
        denominator=r.denominator,
        note=r.note,
        status=r.status,  # type: ignore[arg-type]
        entered_by=r.entered_by,
        entered_at=entered,
        decided_by=r.decided_by,
        decided_at=aware(r.decided_at),
        decision_note=r.decision_note,
        is_late=bool(entered and entered >= deadline),
    )


def _decision_row(r: t.ReportedRow) -> t.ReportedDecisionRow:
    """The decision just taken on ``r``, kept with the value it was about."""
    return t.ReportedDecisionRow(
        entry_id=r.id,
        indicator_code=r.indicator_code,
        org_code=r.org_code,
        period_id=r.period_id,
        decision=r.status,
        value=r.value,
        numerator=r.numerator,
        denominator=r.denominator,
        note=r.note,
        entered_by=r.entered_by,
        entered_at=r.entered_at,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        decision_note=r.decision_note,
    )


def _decision(r: t.ReportedDecisionRow) -> ReportedDecision:
    return ReportedDecision(
        id=r.id,
        entry_id=r.entry_id,
        indicator=r.indicator_code,
        org=r.org_code,
        period=r.period_id,
        decision=r.decision,  # type: ignore[arg-type]
        value=r.value,
        numerator=r.numerator,
        denominator=r.denominator,
        note=r.note,
        entered_by=r.entered_by,
        entered_at=aware(r.entered_at),
        decided_by=r.decided_by,
        decided_at=aware(r.decided_at),
        decision_note=r.decision_note,
    )
