"""Migration 0007 on a database that already has entered values and decisions, on SQLite and
PostgreSQL: the notes the audit log holds come back on the values and in their history, the
service carries on from there, and a downgrade and upgrade rebuild the same history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kho.access import audit
from kho.access.actors import SYSTEM, Actor
from kho.indicators import _tables as t
from kho.indicators.models import IndicatorDef, ReportedValueCreate
from kho.metadata.db import MIGRATIONS, current_revision, make_engine
from kho.platform import Platform

CODE = "SO_CUOC_HOP"
EDITOR = Actor(kind="user", name="editor_a", org_codes=frozenset({"SO-A", "SO-B", "SO-C"}))
ADMIN = Actor(kind="user", name="admin_tinh", org_codes=frozenset({"TINH"}))
PREVIOUS_HEADS = ("0003", "0004", "0005", "0006")
ENTERED = datetime(2025, 4, 3, 8, 0, tzinfo=UTC)
# unit -> the audit trail written before 0007 (action, value, note, decision note) and the status now
STORIES: dict[str, tuple[list[tuple[str, float, str | None, str | None]], str]] = {
    "SO-A": (
        [
            ("submit", 5, "lần 1", None),
            ("send_back", 5, "lần 1", "thiếu biên bản"),
            ("submit", 6, None, None),
            ("approve", 6, None, "đủ"),
        ],
        "approved",
    ),
    "SO-B": ([("submit", 3, None, None), ("send_back", 3, None, "<b>sai</b>")], "returned"),
    "SO-C": (
        [("submit", 4, None, None), ("send_back", 4, None, "x"), ("submit", 4.5, None, None)],
        "submitted",
    ),
}


def _migrate(engine: Engine, target: str, *, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def _old_database(engine: Engine) -> None:
    """Values and their audit trail as the code before 0007 left them (no decision note column)."""
    for head in PREVIOUS_HEADS:
        _migrate(engine, head)
    with Session(engine) as s, s.begin():
        for entry_id, (org, (trail, status)) in enumerate(STORIES.items(), start=1):
            last = trail[-1]
            s.execute(
                t.ReportedRow.__table__.insert().values(
                    id=entry_id,
                    indicator_code=CODE,
                    org_code=org,
                    period_id="2025Q1",
                    value=last[1],
                    note=last[2],
                    status=status,
                    entered_by=EDITOR.name,
                    entered_at=ENTERED,
                    decided_by=None if status == "submitted" else ADMIN.name,
                    decided_at=None if status == "submitted" else ENTERED,
                )
            )
            for action, value, note, decision_note in trail:
                _audit(s, entry_id, org, action, value, note, decision_note)


def _audit(
    s: Session,
    entry_id: int,
    org: str,
    action: str,
    value: float,
    note: str | None,
    why: str | None,
) -> None:
    details: dict[str, Any] = {
        "entry_id": entry_id,
        "org": org,
        "period": "2025Q1",
        "value": value,
        "numerator": None,
        "denominator": None,
        "note": note,
        "status": {"submit": "submitted", "approve": "approved"}.get(action, "returned"),
        "is_late": False,
    }
    if action != "submit":
        details["decision_note"] = why
    audit.append(
        s,
        EDITOR if action == "submit" else ADMIN,
        action=f"reported_value.{action}",
        resource=f"indicator:{CODE}",
        details=details,
    )


def _history(p: Platform) -> list[tuple[Any, ...]]:
    return [
        (h.org, h.decision, h.value, h.note, h.entered_by, h.decided_by, h.decision_note)
        for h in p.indicators.reporting.history(CODE)
    ]


def test_upgrade_brings_back_earlier_decisions_and_the_service_carries_on(settings) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(settings.resolved_database_url)
    _old_database(engine)
    assert current_revision(engine) == ",".join(PREVIOUS_HEADS)
    p = Platform(settings)
    try:
        assert p.init()["revision"] == "0004,0005,0006,0007"
        meetings = {"code": CODE, "name_vi": "Số cuộc họp", "type": "reported"}
        p.indicators.define(IndicatorDef.model_validate(meetings), actor=SYSTEM)
        rep = p.indicators.reporting
        assert {e.org: (e.status, e.decided_by, e.decision_note) for e in rep.entries(CODE)} == {
            "SO-A": ("approved", "admin_tinh", "đủ"),
            "SO-B": ("returned", "admin_tinh", "<b>sai</b>"),
            "SO-C": ("submitted", None, None),
        }
        assert _history(p) == [
            ("SO-A", "returned", 5, "lần 1", "editor_a", "admin_tinh", "thiếu biên bản"),
            ("SO-A", "approved", 6, None, "editor_a", "admin_tinh", "đủ"),
            ("SO-B", "returned", 3, None, "editor_a", "admin_tinh", "<b>sai</b>"),
            ("SO-C", "returned", 4, None, "editor_a", "admin_tinh", "x"),
        ]

        rep.decide(CODE, "SO-C", "2025Q1", approve=True, actor=SYSTEM, note="đã đối chiếu")
        fixed = ReportedValueCreate(indicator=CODE, org="SO-B", period="2025Q1", value=3.5)
        assert rep.submit(fixed, actor=SYSTEM).decision_note is None
        after = _history(p)
        assert after[-1] == ("SO-C", "approved", 4.5, None, "editor_a", "system", "đã đối chiếu")
        assert len(after) == 5

        _migrate(engine, "0003", down=True)
        assert current_revision(engine) == ",".join(PREVIOUS_HEADS)
        _migrate(engine, "heads")
        assert sorted(_history(p), key=repr) == sorted(after, key=repr)
        assert {e.org: e.decision_note for e in rep.entries(CODE)} == {
            "SO-A": "đủ",
            "SO-B": None,
            "SO-C": "đã đối chiếu",
        }
    finally:
        p.close()
        engine.dispose()
