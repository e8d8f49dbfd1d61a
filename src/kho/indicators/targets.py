"""Targets (top-down assigned, bottom-up proposed and approved) and reported values, with who and when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access.actors import Actor
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.indicators import _tables as t
from kho.indicators import periods
from kho.indicators.models import (
    IndicatorDef,
    ReportedValue,
    ReportedValueCreate,
    Target,
    TargetCreate,
)
from kho.indicators.orgtree import OrgTree

DEFAULT_ORG = "*"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(d: datetime | None) -> datetime | None:
    return d if d is None or d.tzinfo else d.replace(tzinfo=UTC)


class Targets:
    """Who may set, propose, approve and send back targets, and which target is in force."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        definition: Callable[[str], IndicatorDef],
        tree: Callable[[IndicatorDef], OrgTree],
    ):
        self._sessions = sessions
        self._definition = definition
        self._tree = tree

    # top-down ------------------------------------------------------------------------------
    def set(self, data: TargetCreate, *, actor: Actor) -> Target:
        """A parent assigns a target to a unit below it (``org="*"``: default for all; admins only)."""
        d = self._checked(data)
        if data.org == DEFAULT_ORG:
            if not actor.is_platform_admin:
                raise PermissionDenied(f"{actor} may not set the default target of {d.code}.")
        else:
            self._require_above(actor, d, data.org, action="assign targets to")
        return self._add(data, kind="assigned", status="active", actor=actor)

    # bottom-up -----------------------------------------------------------------------------
    def propose(self, data: TargetCreate, *, actor: Actor) -> Target:
        """A unit registers its own target; it is in force once its parent approves it."""
        self._checked(data)
        if data.org == DEFAULT_ORG:
            raise InvalidInput("Propose a target for your own unit, not for all units ('*').")
        if not (actor.is_platform_admin or data.org in actor.org_codes):
            raise PermissionDenied(
                f"{actor} may not propose targets for {data.org!r}; only its own members may."
            )
        return self._add(data, kind="proposed", status="proposed", actor=actor)

    def approve(self, target_id: int, *, actor: Actor, note: str | None = None) -> Target:
        return self._decide(target_id, "approved", actor=actor, note=note)

    def send_back(self, target_id: int, *, actor: Actor, note: str | None = None) -> Target:
        return self._decide(target_id, "sent_back", actor=actor, note=note)

    def _decide(self, target_id: int, status: str, *, actor: Actor, note: str | None) -> Target:
        with self._sessions() as s, s.begin():
            row = s.get(t.TargetRow, target_id)
            if row is None:
                raise NotFound(
                    f"No target {target_id}.", hint="Run `kho targets list CODE` to see ids."
                )
            if row.kind != "proposed" or row.status != "proposed":
                raise Conflict(
                    f"Target {target_id} is {row.kind}/{row.status}; only a pending proposal "
                    "can be approved or sent back."
                )
            d = self._definition(row.indicator_code)
            self._require_above(actor, d, row.org_code, action="decide on targets of")
            row.status, row.decided_by, row.decided_at, row.decision_note = (
                status,
                str(actor),
                _now(),
                note,
            )
            return _target(row)

    # reading -------------------------------------------------------------------------------
    def history(
        self, code: str, *, org: str | None = None, period: str | None = None
    ) -> list[Target]:
        """Every target ever set or proposed for the indicator (history included), oldest first."""
        self._definition(code)
        with self._sessions() as s:
            stmt = select(t.TargetRow).where(t.TargetRow.indicator_code == code)
            if org:
                stmt = stmt.where(t.TargetRow.org_code == org)
            if period:
                stmt = stmt.where(t.TargetRow.period_id == periods.parse(period).id)
            return [
                _target(r) for r in s.scalars(stmt.order_by(t.TargetRow.set_at, t.TargetRow.id))
            ]

    def effective(
        self,
        code: str,
        org: str,
        period: str,
        *,
        as_of: datetime | None = None,
        rows: list[Target] | None = None,
    ) -> tuple[Target | None, str | None]:
        """The target in force and why (see docs/indicators.md, "Which target counts").

        For the unit, then the default ``*``: the exact period before a containing one (only for
        non-additive indicators); within a period an approved bottom-up target beats a top-down one;
        among equals the latest set before ``as_of`` wins.
        """
        d = self._definition(code)
        p = periods.parse(period)
        moment = as_of or _now()
        candidates = [p]
        if not d.is_flow:
            candidates += [
                periods.roll_up(p, k)
                for k in ("quarter", "year")
                if k != p.type and _rolls(p.type, k)
            ]
        history = rows if rows is not None else self.history(code)
        for unit in (org, DEFAULT_ORG):
            for cand in candidates:
                hit = _pick(history, unit, cand.id, moment)
                if hit is not None:
                    reason = f"{hit.kind} {cand.id} for {unit} by {hit.decided_by or hit.set_by}"
                    return hit, reason
        return None, None

    # internals -----------------------------------------------------------------------------
    def _checked(self, data: TargetCreate) -> IndicatorDef:
        d = self._definition(data.indicator)
        data.period = periods.parse(data.period).id
        return d

    def _require_above(self, actor: Actor, d: IndicatorDef, org: str, *, action: str) -> None:
        if actor.is_platform_admin:
            return
        ancestors = self._tree(d).chain(org)[1:]
        if not set(ancestors) & actor.org_codes:
            raise PermissionDenied(
                f"{actor} may not {action} {org!r}: only a unit above it may.",
                hint=f"Units above {org!r}: {', '.join(ancestors)}.",
            )

    def _add(self, data: TargetCreate, *, kind: str, status: str, actor: Actor) -> Target:
        with self._sessions() as s, s.begin():
            row = t.TargetRow(
                indicator_code=data.indicator,
                org_code=data.org,
                period_id=data.period,
                kind=kind,
                status=status,
                value=data.value,
                low=data.low,
                high=data.high,
                note=data.note,
                set_by=str(actor),
                set_at=_now(),
            )
            s.add(row)
            s.flush()
            return _target(row)


def _rolls(kind: str, coarser: str) -> bool:
    return coarser in {"month": ("quarter", "year"), "quarter": ("year",), "week": ("year",)}.get(
        kind, ()
    )


def _pick(history: list[Target], org: str, period_id: str, moment: datetime) -> Target | None:
    """Approved proposal first, then the latest assignment, as known at ``moment``."""
    approved = [
        x
        for x in history
        if x.org == org
        and x.period == period_id
        and x.kind == "proposed"
        and x.status == "approved"
        and (_aware(x.decided_at) or moment) <= moment
    ]
    if approved:
        return max(approved, key=lambda x: (_aware(x.decided_at), x.id))
    assigned = [
        x
        for x in history
        if x.org == org
        and x.period == period_id
        and x.kind == "assigned"
        and (_aware(x.set_at) or moment) <= moment
    ]
    return max(assigned, key=lambda x: (_aware(x.set_at), x.id)) if assigned else None


def _target(r: t.TargetRow) -> Target:
    return Target(
        id=r.id,
        indicator=r.indicator_code,
        org=r.org_code,
        period=r.period_id,
        value=r.value,
        low=r.low,
        high=r.high,
        note=r.note,
        kind=r.kind,  # type: ignore[arg-type]
        status=r.status,  # type: ignore[arg-type]
        set_by=r.set_by,
        set_at=_aware(r.set_at),  # type: ignore[arg-type]
        decided_by=r.decided_by,
        decided_at=_aware(r.decided_at),
        decision_note=r.decision_note,
    )


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
        if d.type != "reported":
            raise InvalidInput(f"{d.code} is computed from data; values cannot be entered.")
        if not (actor.is_platform_admin or data.org in actor.org_codes):
            raise PermissionDenied(f"{actor} may not report values for {data.org!r}.")
        if d.aggregation == "ratio" and (data.numerator is None or not data.denominator):
            raise InvalidInput(
                f"{d.code} is a ratio: enter its numerator and a non-zero denominator."
            )
        if data.value is None and data.numerator is None:
            raise InvalidInput("Enter a value.")
        pid = periods.parse(data.period).id
        with self._sessions() as s, s.begin():
            row = s.scalar(
                select(t.ReportedRow).where(
                    t.ReportedRow.indicator_code == d.code,
                    t.ReportedRow.org_code == data.org,
                    t.ReportedRow.period_id == pid,
                )
            )
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
            row.decided_by = row.decided_at = None
            s.flush()
            return _reported(row, d)

    def decide(
        self, code: str, org: str, period: str, *, approve: bool, actor: Actor
    ) -> ReportedValue:
        d = self._definition(code)
        if not actor.is_platform_admin and not set(self._tree(d).chain(org)[1:]) & actor.org_codes:
            raise PermissionDenied(
                f"{actor} may not approve values of {org!r}: only a unit above it may."
            )
        with self._sessions() as s, s.begin():
            row = s.scalar(
                select(t.ReportedRow).where(
                    t.ReportedRow.indicator_code == code,
                    t.ReportedRow.org_code == org,
                    t.ReportedRow.period_id == periods.parse(period).id,
                )
            )
            if row is None:
                raise NotFound(f"{org} has not reported {code} for {period}.")
            row.status = "approved" if approve else "returned"
            row.decided_by, row.decided_at = str(actor), _now()
            return _reported(row, d)

    def entries(self, code: str, *, period: str | None = None) -> list[ReportedValue]:
        d = self._definition(code)
        with self._sessions() as s:
            stmt = select(t.ReportedRow).where(t.ReportedRow.indicator_code == code)
            if period:
                stmt = stmt.where(t.ReportedRow.period_id == periods.parse(period).id)
            return [_reported(r, d) for r in s.scalars(stmt.order_by(t.ReportedRow.org_code))]


def _factor(d: IndicatorDef) -> float:
    return 100.0 if d.unit == "%" else 1.0


def _reported(r: t.ReportedRow, d: IndicatorDef) -> ReportedValue:
    from datetime import timedelta

    entered = _aware(r.entered_at)
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
        entered_at=entered,  # type: ignore[arg-type]
        decided_by=r.decided_by,
        decided_at=_aware(r.decided_at),
        is_late=bool(entered and entered >= deadline),
    )
