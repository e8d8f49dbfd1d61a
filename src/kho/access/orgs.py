"""Organisations as a tree with validity dates and successor links, so mergers keep their history."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access import _clock
from kho.access.actors import Actor
from kho.access.audit import append
from kho.access.models import OrgCreate, OrgNode, OrgPublic, OrgUpdate, has_nul
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.metadata import models as db
from kho.metadata.changes import not_null_skipped


class Organisations:
    """Create, change, close and merge organisations; every change goes to the audit log."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def create(self, data: OrgCreate, *, actor: Actor) -> OrgPublic:
        _require_platform_admin(actor, f"create organisation {data.code!r}")
        with self._sessions() as s, s.begin():
            if _find(s, data.code) is not None:
                raise Conflict(
                    f"Organisation {data.code!r} already exists.",
                    hint=f"Run `kho orgs show {data.code}` or choose another code.",
                )
            if data.parent_code:
                _get(s, data.parent_code)
            row = db.Organisation(**data.model_dump(), created_at=_clock.now())
            s.add(row)
            s.flush()
            append(
                s,
                actor,
                action="org.create",
                resource=f"org:{data.code}",
                details=data.model_dump(mode="json"),
            )
            return _public(s, row)

    def list(self, *, include_closed: bool = False) -> builtins.list[OrgPublic]:
        with self._sessions() as s:
            rows = s.scalars(select(db.Organisation).order_by(db.Organisation.code)).all()
            return [_public(s, r) for r in rows if include_closed or _is_active(r)]

    def get(self, code: str) -> OrgPublic:
        with self._sessions() as s:
            return _public(s, _get(s, code))

    def update(self, code: str, data: OrgUpdate, *, actor: Actor) -> OrgPublic:
        changes = data.model_dump(exclude_unset=True)
        if not changes:
            raise InvalidInput("Nothing to change.", hint="Give at least one field, e.g. name_en.")
        with self._sessions() as s, s.begin():
            row = _get(s, code)
            _require_org_admin(actor, code, f"change organisation {code!r}")
            if "parent_code" in changes:
                if changes["parent_code"] and not actor.is_platform_admin:
                    raise PermissionDenied(
                        f"{actor} may not move organisation {code!r} in the tree."
                    )
                _check_parent(s, code, changes["parent_code"])
            for key, value in not_null_skipped(row, changes).items():
                setattr(row, key, value)
            append(s, actor, action="org.update", resource=f"org:{code}", details=changes)
            return _public(s, row)

    def close(
        self, code: str, *, actor: Actor, successor: str | None = None, on: date | None = None
    ) -> OrgPublic:
        """End an organisation's validity; its datasets and grants stay attached and follow the successor."""
        _require_platform_admin(actor, f"close organisation {code!r}")
        with self._sessions() as s, s.begin():
            row = _close(s, code, successor, on or _clock.now().date())
            append(
                s,
                actor,
                action="org.close",
                resource=f"org:{code}",
                details={
                    "successor": successor,
                    "valid_to": row.valid_to.isoformat() if row.valid_to else None,
                },
            )
            return _public(s, row)

    def merge(
        self, codes: Iterable[str], *, into: str, actor: Actor, on: date | None = None
    ) -> OrgPublic:
        """Close each organisation with ``into`` as successor (e.g. two ministries into one)."""
        codes = list(dict.fromkeys(codes))
        _require_platform_admin(actor, f"merge organisations into {into!r}")
        if into in codes:
            raise InvalidInput(f"Cannot merge {into!r} into itself.")
        day = on or _clock.now().date()
        with self._sessions() as s, s.begin():
            target = _get(s, into)
            if not _is_active(target):
                raise Conflict(
                    f"Organisation {into!r} is closed; merge into its successor "
                    f"{target.successor_code!r} instead."
                )
            for code in codes:
                _close(s, code, into, day)
            append(
                s,
                actor,
                action="org.merge",
                resource=f"org:{into}",
                details={"merged": codes, "into": into, "on": day.isoformat()},
            )
            return _public(s, target)

    def tree(self, *, include_closed: bool = False) -> builtins.list[OrgNode]:
        """Top-level organisations with their sub-organisations nested."""
        orgs = self.list(include_closed=include_closed)
        by_parent: dict[str | None, builtins.list[OrgPublic]] = {}
        known = {o.code for o in orgs}
        for o in orgs:
            by_parent.setdefault(o.parent_code if o.parent_code in known else None, []).append(o)

        def node(o: OrgPublic, seen: frozenset[str]) -> OrgNode:
            kids = [
                node(k, seen | {k.code}) for k in by_parent.get(o.code, []) if k.code not in seen
            ]
            return OrgNode(
                code=o.code,
                name_vi=o.name_vi,
                is_active=o.is_active,
                successor_code=o.successor_code,
                children=kids,
            )

        return [node(o, frozenset({o.code})) for o in by_parent.get(None, [])]

    def names_for_search(self, code: str) -> builtins.list[str]:
        """Names of the organisation, its predecessors and successors, so search finds data under any of them."""
        with self._sessions() as s:
            codes = [code, *predecessors(s, code), *successors(s, code)]
            rows = s.scalars(select(db.Organisation).where(db.Organisation.code.in_(codes))).all()
            return list(dict.fromkeys(n for r in rows for n in (r.name_vi, r.name_en) if n))

    def lineage(self, codes: Iterable[str]) -> set[str]:
        """The given organisations plus every organisation merged into them (their predecessors)."""
        with self._sessions() as s:
            out = set(codes)
            for code in list(out):
                out.update(predecessors(s, code))
            return out


def successors(s: Session, code: str) -> list[str]:
    """The successor chain of an organisation, nearest first (cycle-safe)."""
    chain: list[str] = []
    row = _find(s, code)
    while (
        row is not None
        and row.successor_code
        and row.successor_code not in chain
        and row.successor_code != code
    ):
        chain.append(row.successor_code)
        row = _find(s, row.successor_code)
    return chain


def predecessors(s: Session, code: str) -> list[str]:
    """Every organisation whose successor chain leads to ``code``."""
    found: list[str] = []
    frontier = [code]
    while frontier:
        rows = s.scalars(
            select(db.Organisation.code).where(db.Organisation.successor_code.in_(frontier))
        ).all()
        frontier = [c for c in rows if c not in found and c != code]
        found.extend(frontier)
    return found


def _close(s: Session, code: str, successor: str | None, day: date) -> db.Organisation:
    row = _get(s, code)
    if not _is_active(row):
        raise Conflict(f"Organisation {code!r} is already closed (since {row.valid_to}).")
    if successor:
        if successor == code:
            raise InvalidInput(f"Organisation {code!r} cannot succeed itself.")
        _get(s, successor)
        if code in successors(s, successor):
            raise InvalidInput(
                f"{successor!r} already leads back to {code!r}; successors cannot form a loop."
            )
    row.valid_to, row.successor_code = day, successor
    return row


def _check_parent(s: Session, code: str, parent: str | None) -> None:
    if parent is None:
        return
    cursor: str | None = parent
    seen: set[str] = set()
    while cursor and cursor not in seen:
        if cursor == code:
            raise InvalidInput(
                f"{parent!r} is inside {code!r}; an organisation cannot be its own ancestor."
            )
        seen.add(cursor)
        cursor = _get(s, cursor).parent_code


def _find(s: Session, code: str) -> db.Organisation | None:
    if has_nul(code):
        return None
    return s.scalar(select(db.Organisation).where(db.Organisation.code == code))


def _get(s: Session, code: str) -> db.Organisation:
    row = _find(s, code)
    if row is None:
        raise NotFound(f"No organisation {code!r}.", hint="Run `kho orgs list --all` to see codes.")
    return row


def _is_active(row: db.Organisation) -> bool:
    return row.valid_to is None or row.valid_to > _clock.now().date()


def _public(s: Session, row: db.Organisation) -> OrgPublic:
    kids = s.scalars(
        select(db.Organisation.code)
        .where(db.Organisation.parent_code == row.code)
        .order_by(db.Organisation.code)
    ).all()
    return OrgPublic(
        code=row.code,
        name_vi=row.name_vi,
        name_en=row.name_en,
        parent_code=row.parent_code,
        kind=row.kind,
        admin_unit_code=row.admin_unit_code,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        successor_code=row.successor_code,
        is_active=_is_active(row),
        predecessors=sorted(predecessors(s, row.code)),
        children=list(kids),
    )


def _require_platform_admin(actor: Actor, what: str) -> None:
    if not (actor.is_platform_admin and actor.has_scope("admin")):
        raise PermissionDenied(
            f"{actor} may not {what}.", hint="Only platform administrators may do this."
        )


def _require_org_admin(actor: Actor, code: str, what: str) -> None:
    if actor.is_platform_admin and actor.has_scope("admin"):
        return
    if actor.role_in(code) != "admin" or not actor.has_scope("admin"):
        raise PermissionDenied(
            f"{actor} may not {what}.", hint=f"Ask an administrator of {code!r}."
        )
