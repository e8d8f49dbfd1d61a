"""The append-only audit log: every entry carries the hash of the one before it."""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kho.access import _clock
from kho.access.actors import Actor
from kho.access.models import AuditEntryPublic, AuditVerification
from kho.errors import InvalidInput, PermissionDenied
from kho.metadata import models as db

GENESIS = "0" * 64
PG_LOCK_KEY = 0x6B686F_01  # serialises appends on PostgreSQL so the chain never forks


def canonical(entry: db.AuditEntry) -> str:
    """The entry's content as canonical JSON: sorted keys, UTC times to the microsecond."""
    return json.dumps(
        {
            "id": entry.id,
            "at": _utc_text(entry.at),
            "actor": entry.actor,
            "actor_kind": entry.actor_kind,
            "action": entry.action,
            "resource": entry.resource,
            "dataset": entry.dataset_slug,
            "details": entry.details or {},
            "rows": entry.rows,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def entry_hash(prev_hash: str, entry: db.AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical(entry)).encode()).hexdigest()


def _utc_text(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def append(
    s: Session,
    actor: Actor,
    *,
    action: str,
    resource: str,
    dataset: str | None = None,
    details: dict[str, Any] | None = None,
    rows: int | None = None,
) -> None:
    """Add one entry inside the caller's transaction, so a change and its record commit together."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    entry = db.AuditEntry(
        at=_clock.now(),
        actor=_text(actor.name, 200),
        actor_kind=actor.kind,
        action=_text(action, 60),
        resource=_text(resource, 500),
        dataset_slug=_text(dataset, 63) if dataset else None,
        details=json.loads(json.dumps(details or {}, default=str)),
        rows=rows,
        prev_hash="",
        hash="",
    )
    s.add(entry)
    s.flush()  # on SQLite the insert takes the write lock first, so the row read next is final
    prev = s.scalar(
        select(db.AuditEntry.hash)
        .where(db.AuditEntry.id < entry.id)
        .order_by(db.AuditEntry.id.desc())
        .limit(1)
    )
    entry.prev_hash = prev or GENESIS
    entry.hash = entry_hash(entry.prev_hash, entry)
    s.flush()


class AuditLog:
    """Reading and checking the log; writing goes through ``append`` inside each service's transaction."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def record(
        self,
        actor: Actor,
        *,
        action: str,
        resource: str,
        details: dict[str, Any] | None = None,
        rows: int | None = None,
        dataset: str | None = None,
    ) -> None:
        with self._sessions() as s, s.begin():
            append(
                s,
                actor,
                action=action,
                resource=resource,
                dataset=dataset,
                details=details,
                rows=rows,
            )

    def list(
        self,
        actor: Actor,
        *,
        who: str | None = None,
        dataset: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[AuditEntryPublic]:
        """Entries newest first, filtered by actor name, dataset, action prefix and time."""
        _require_auditor(actor)
        if not 0 <= limit <= 10_000 or offset < 0:
            raise InvalidInput("limit must be 0..10000 and offset ≥ 0.")
        stmt = select(db.AuditEntry).order_by(db.AuditEntry.id.desc()).limit(limit).offset(offset)
        if who:
            stmt = stmt.where(db.AuditEntry.actor == who)
        if dataset:
            stmt = stmt.where(db.AuditEntry.dataset_slug == dataset)
        if action:
            stmt = stmt.where(db.AuditEntry.action.startswith(action, autoescape=True))
        if since:
            stmt = stmt.where(db.AuditEntry.at >= _as_utc(since))
        if until:
            stmt = stmt.where(db.AuditEntry.at < _as_utc(until))
        with self._sessions() as s:
            return [_public(e) for e in s.scalars(stmt)]

    def verify(self, actor: Actor) -> AuditVerification:
        """Walk the chain from the start; report the first entry whose content or link does not match."""
        _require_auditor(actor)
        prev, count = GENESIS, 0
        with self._sessions() as s:
            for e in s.scalars(
                select(db.AuditEntry).order_by(db.AuditEntry.id).execution_options(yield_per=1000)
            ):
                count += 1
                if e.prev_hash != prev:
                    return AuditVerification(
                        ok=False,
                        entries=count,
                        first_broken_id=e.id,
                        message=(
                            f"Audit entry {e.id} does not follow the entry before it: an entry before it was "
                            "deleted or altered."
                        ),
                    )
                if entry_hash(prev, e) != e.hash:
                    return AuditVerification(
                        ok=False,
                        entries=count,
                        first_broken_id=e.id,
                        message=(
                            f"Audit entry {e.id} was edited after it was written (its hash does not match)."
                        ),
                    )
                prev = e.hash
        return AuditVerification(
            ok=True, entries=count, message=f"All {count} audit entries verify."
        )


def _text(value: str, size: int) -> str:
    return value.replace("\x00", "\\0")[:size]


def _require_auditor(actor: Actor) -> None:
    if not (actor.is_platform_admin and actor.has_scope("admin")):
        raise PermissionDenied(
            f"{actor} may not read the audit log.", hint="Ask a platform administrator."
        )


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _public(e: db.AuditEntry) -> AuditEntryPublic:
    return AuditEntryPublic(
        id=e.id,
        at=_clock.aware(e.at) or e.at,
        actor=e.actor,
        actor_kind=e.actor_kind,
        action=e.action,
        resource=e.resource,
        dataset=e.dataset_slug,
        details=e.details or {},
        rows=e.rows,
        hash=e.hash,
    )
