"""indicators: the decision note of an entered value, and every earlier decision kept

Revision ID: 0007
Revises: 0003
Depends on: 0002 (the audit log the earlier decisions are read back from)
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = "0002"

TS = sa.DateTime(timezone=True)
DECIDED = {"reported_value.approve": "approved", "reported_value.send_back": "returned"}
SUBMIT = "reported_value.submit"


def upgrade() -> None:
    op.add_column("kho_ind_reported", sa.Column("decision_note", sa.Text(), nullable=True))
    decisions = op.create_table(
        "kho_ind_reported_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), nullable=False, index=True),
        sa.Column("indicator_code", sa.String(64), nullable=False),
        sa.Column("org_code", sa.String(200), nullable=False),
        sa.Column("period_id", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("entered_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_kho_ind_reported_decisions_unit",
        "kho_ind_reported_decisions",
        ["indicator_code", "org_code", "period_id"],
    )
    _backfill(decisions)


def _backfill(decisions: sa.Table) -> None:
    """Decisions taken before this revision live only in the audit log: copy them, oldest first."""
    conn = op.get_bind()
    audit = sa.table(
        "kho_audit",
        sa.column("id", sa.Integer()),
        sa.column("at", TS),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("details", sa.JSON()),
    )
    reported = sa.table(
        "kho_ind_reported",
        sa.column("id", sa.Integer()),
        sa.column("indicator_code", sa.String()),
        sa.column("org_code", sa.String()),
        sa.column("period_id", sa.String()),
        sa.column("status", sa.String()),
        sa.column("entered_by", sa.String()),
        sa.column("entered_at", TS),
        sa.column("decision_note", sa.Text()),
    )
    entries = {r.id: r for r in conn.execute(sa.select(reported))}
    submitted: dict[int, tuple[str, Any]] = {}
    last_note: dict[int, str | None] = {}
    found = conn.execute(
        sa.select(audit).where(audit.c.action.in_([SUBMIT, *DECIDED])).order_by(audit.c.id)
    )
    for a in found:
        details = a.details or {}
        entry = entries.get(details.get("entry_id"))
        if entry is None:
            continue
        if a.action == SUBMIT:
            submitted[entry.id] = (a.actor, a.at)
            continue
        who, when = submitted.get(entry.id, (entry.entered_by, entry.entered_at))
        conn.execute(
            decisions.insert().values(
                entry_id=entry.id,
                indicator_code=entry.indicator_code,
                org_code=entry.org_code,
                period_id=entry.period_id,
                decision=DECIDED[a.action],
                value=details.get("value"),
                numerator=details.get("numerator"),
                denominator=details.get("denominator"),
                note=details.get("note"),
                entered_by=who,
                entered_at=when,
                decided_by=a.actor,
                decided_at=a.at,
                decision_note=details.get("decision_note"),
            )
        )
        last_note[entry.id] = details.get("decision_note")
    for entry_id, note in last_note.items():
        if note and entries[entry_id].status in ("approved", "returned"):
            conn.execute(
                reported.update().where(reported.c.id == entry_id).values(decision_note=note)
            )


def downgrade() -> None:
    op.drop_index("ix_kho_ind_reported_decisions_unit", table_name="kho_ind_reported_decisions")
    op.drop_table("kho_ind_reported_decisions")
    with op.batch_alter_table("kho_ind_reported") as batch:
        batch.drop_column("decision_note")
