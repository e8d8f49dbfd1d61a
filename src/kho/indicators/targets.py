"""Targets (top-down assigned, bottom-up proposed and approved), with who and when, every change audited."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access import audit
from kho.access.actors import Actor
from kho.clock import aware
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.indicators import _tables as t
from kho.indicators import periods
from kho.indicators.models import IndicatorDef, Target, TargetCreate
from kho.indicators.orgtree import OrgTree

DEFAULT_ORG = "*"
MAX_NUMBER = 1e15  # beyond this a typo, not a target: keeps reports and XLSX exports readable
MAX_NOTE = 2000
MAX_ORG = 200  # the width of the org_code columns


def _now() -> datetime:
    return datetime.now(UTC)


def acting_orgs(actor: Actor) -> set[str]:
    """Units the actor may act for on targets and entered values: viewers only read.

    A token needs the ``write`` scope; an actor built without roles (services, the CLI's ``--as``
    of older setups) acts for every unit it belongs to.
    """
    if not actor.has_scope("write"):
        return set()
    return {c for c in actor.org_codes if actor.roles.get(c) != "viewer"}


def is_writing_admin(actor: Actor) -> bool:
    """A platform admin acting with write rights (a read-only admin token is not)."""
    return actor.is_platform_admin and actor.has_scope("write")


def check_number(name: str, value: float | None) -> None:
    """Refuse NaN, infinities and absurdly large numbers with what was wrong."""
    if value is None:
        return
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise InvalidInput(
            f"{name} {value!r} is not a usable number.",
            hint=f"Give a finite number between -{MAX_NUMBER:,.0f} and {MAX_NUMBER:,.0f}.",
        )


def check_note(note: str | None) -> None:
    if note is None:
        return
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            f"The note has {len(note):,} characters; at most {MAX_NOTE:,} are kept.",
            hint="Shorten it, or link to a document instead.",
        )
    if "\x00" in note:
        raise InvalidInput("The note contains a NUL character.", hint="Remove it and try again.")


def check_org(org: str) -> None:
    if not org.strip() or len(org) > MAX_ORG or "\x00" in org:
        raise InvalidInput(
            f"Unit {org[:40]!r} is not a unit code.",
            hint=f"Give a unit code of 1 to {MAX_ORG} characters, e.g. SO-A.",
        )


class TargetOverview(BaseModel):
    """The targets of one (indicator, unit, period): the full history and the one in force."""

    indicator: str
    org: str
    period: str
    history: list[Target]
    effective: Target | None
    effective_reason: str | None


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
            if not is_writing_admin(actor):
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
        if not (is_writing_admin(actor) or data.org in acting_orgs(actor)):
            raise PermissionDenied(
                f"{actor} may not propose targets for {data.org!r}; only its editors and admins may."
            )
        waiting = self._pending(data.indicator, data.org, data.period)
        if waiting is not None:
            raise Conflict(
                f"Proposal {waiting.id} for {data.org} {data.period} is still waiting for a decision.",
                hint="Ask the unit above to approve or send it back before proposing again.",
            )
        return self._add(data, kind="proposed", status="proposed", actor=actor)

    def approve(
        self, target_id: int, *, actor: Actor, note: str | None = None, code: str | None = None
    ) -> Target:
        """Put a pending proposal in force (``code``: refuse an id of another indicator)."""
        return self._decide(target_id, "approved", actor=actor, note=note, code=code)

    def send_back(
        self, target_id: int, *, actor: Actor, note: str | None = None, code: str | None = None
    ) -> Target:
        """Return a pending proposal to its unit with a reason; it never counts."""
        return self._decide(target_id, "sent_back", actor=actor, note=note, code=code)

    def _decide(
        self, target_id: int, status: str, *, actor: Actor, note: str | None, code: str | None
    ) -> Target:
        check_note(note)
        with self._sessions() as s, s.begin():
            row = s.get(t.TargetRow, target_id)
            if row is None or (code is not None and row.indicator_code != code):
                raise NotFound(
                    f"No target {target_id}" + (f" of {code}." if code else "."),
                    hint="Run `kho targets list CODE` to see ids.",
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
            done = _target(row)
            action = "target.approve" if status == "approved" else "target.send_back"
            _record(s, actor, action, done, decision_note=note)
            return done

    # reading -------------------------------------------------------------------------------
    def get(self, target_id: int) -> Target:
        with self._sessions() as s:
            row = s.get(t.TargetRow, target_id)
            if row is None:
                raise NotFound(
                    f"No target {target_id}.", hint="Run `kho targets list CODE` to see ids."
                )
            return _target(row)

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

    def overview(
        self, code: str, *, org: str, period: str, as_of: datetime | None = None
    ) -> TargetOverview:
        """History of one unit and period, and the target in force for it (which may be a default)."""
        return self.overviews(code, orgs=[org], period=period, as_of=as_of)[0]

    def overviews(
        self, code: str, *, orgs: list[str], period: str, as_of: datetime | None = None
    ) -> list[TargetOverview]:
        """``overview`` for several units at once (one read of the history), in the order given."""
        pid = periods.parse(period).id
        everything = self.history(code)
        out = []
        for org in orgs:
            hit, why = self.effective(code, org, pid, as_of=as_of, rows=everything)
            out.append(
                TargetOverview(
                    indicator=code,
                    org=org,
                    period=pid,
                    history=[x for x in everything if x.org == org and x.period == pid],
                    effective=hit,
                    effective_reason=why,
                )
            )
        return out

    def effective(
        self,
        code: str,
        org: str,
        period: str,
        *,
        as_of: datetime | None = None,
        rows: list[Target] | None = None,
        definition: IndicatorDef | None = None,
    ) -> tuple[Target | None, str | None]:
        """The target in force and why (see docs/indicators.md, "Which target counts").

        For the unit, then the default ``*``: the exact period before a containing one (only for
        non-additive indicators); within a period an approved bottom-up target beats a top-down one;
        among equals the latest set before ``as_of`` wins. Reports looking up many units pass the
        ``rows`` of ``history`` and the ``definition`` they already hold.
        """
        d = definition if definition is not None else self._definition(code)
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

    def awaiting(self, actor: Actor) -> list[Target]:
        """Pending proposals of every indicator that the actor may decide on, oldest first."""
        with self._sessions() as s:
            rows = list(
                s.scalars(
                    select(t.TargetRow)
                    .where(t.TargetRow.kind == "proposed", t.TargetRow.status == "proposed")
                    .order_by(t.TargetRow.set_at, t.TargetRow.id)
                )
            )
        trees: dict[str, OrgTree | None] = {}
        return [
            _target(r) for r in rows if self._is_above(actor, r.indicator_code, r.org_code, trees)
        ]

    def proposals_of(self, actor: Actor) -> list[Target]:
        """Proposals made for the units the actor belongs to, newest first (with their decision)."""
        if not actor.org_codes:
            return []
        with self._sessions() as s:
            rows = s.scalars(
                select(t.TargetRow)
                .where(t.TargetRow.kind == "proposed", t.TargetRow.org_code.in_(actor.org_codes))
                .order_by(t.TargetRow.set_at.desc(), t.TargetRow.id.desc())
            )
            return [_target(r) for r in rows]

    def may_assign(self, actor: Actor, code: str, org: str) -> bool:
        """Whether the actor may assign targets to ``org`` and decide on its proposals."""
        try:
            self._require_above(actor, self._definition(code), org, action="assign targets to")
        except (PermissionDenied, NotFound):
            return False
        return True

    def _is_above(
        self, actor: Actor, code: str, org: str, trees: dict[str, OrgTree | None]
    ) -> bool:
        """``may_assign`` over many rows, building each indicator's tree once."""
        if is_writing_admin(actor):
            return True
        if code not in trees:
            try:
                trees[code] = self._tree(self._definition(code))
            except NotFound:
                trees[code] = None
        tree = trees[code]
        return tree is not None and bool(set(tree.chain(org)[1:]) & acting_orgs(actor))

    def children(self, code: str, parent: str) -> list[str]:
        """The units directly below ``parent`` in the indicator's unit tree."""
        tree = self._tree(self._definition(code))
        return tree.children(parent, tree.parents)

    # internals -----------------------------------------------------------------------------
    def _checked(self, data: TargetCreate) -> IndicatorDef:
        d = self._definition(data.indicator)
        data.period = periods.parse(data.period).id
        check_org(data.org)
        for name in ("value", "low", "high"):
            check_number(f"Target {name}", getattr(data, name))
        check_note(data.note)
        return d

    def _require_above(self, actor: Actor, d: IndicatorDef, org: str, *, action: str) -> None:
        if is_writing_admin(actor):
            return
        ancestors = self._tree(d).chain(org)[1:]
        if not set(ancestors) & acting_orgs(actor):
            raise PermissionDenied(
                f"{actor} may not {action} {org!r}: only editors and admins of a unit above it may.",
                hint=f"Units above {org!r}: {', '.join(ancestors)}.",
            )

    def _pending(self, code: str, org: str, period_id: str) -> Target | None:
        with self._sessions() as s:
            row = s.scalar(
                select(t.TargetRow).where(
                    t.TargetRow.indicator_code == code,
                    t.TargetRow.org_code == org,
                    t.TargetRow.period_id == period_id,
                    t.TargetRow.kind == "proposed",
                    t.TargetRow.status == "proposed",
                )
            )
            return _target(row) if row is not None else None

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
            done = _target(row)
            _record(s, actor, "target.set" if kind == "assigned" else "target.propose", done)
            return done


def _record(s: Session, actor: Actor, action: str, x: Target, **extra: Any) -> None:
    """The audit entry of a target change, in the same transaction as the change itself."""
    details: dict[str, Any] = {
        "target_id": x.id,
        "org": x.org,
        "period": x.period,
        "kind": x.kind,
        "status": x.status,
        "value": x.value,
        "low": x.low,
        "high": x.high,
        "note": x.note,
        "set_by": x.set_by,
        **extra,
    }
    audit.append(s, actor, action=action, resource=f"indicator:{x.indicator}", details=details)


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
        and (aware(x.decided_at) or moment) <= moment
    ]
    if approved:
        return max(approved, key=lambda x: (aware(x.decided_at), x.id))
    assigned = [
        x
        for x in history
        if x.org == org
        and x.period == period_id
        and x.kind == "assigned"
        and (aware(x.set_at) or moment) <= moment
    ]
    return max(assigned, key=lambda x: (aware(x.set_at), x.id)) if assigned else None


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
        set_at=aware(r.set_at),
        decided_by=r.decided_by,
        decided_at=aware(r.decided_at),
        decision_note=r.decision_note,
    )
