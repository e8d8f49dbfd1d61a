"""migrate: legacy database migration runs, per-table reports, sync definitions and sync runs

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import kho.migrate._tables  # noqa: F401 - registers the tables on Base.metadata for env.py

revision = "0004"
down_revision = "0001"
branch_labels = ("migrate",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kho_mig_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("org_code", sa.String(64), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
    )
    op.create_table(
        "kho_mig_tables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), nullable=False, index=True),
        sa.Column("source", sa.String(1000), nullable=False, index=True),
        sa.Column("source_schema", sa.String(200), nullable=False),
        sa.Column("source_table", sa.String(200), nullable=False),
        sa.Column("dataset_slug", sa.String(63), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source_rows", sa.BigInteger(), nullable=True),
        sa.Column("warehouse_rows", sa.BigInteger(), nullable=True),
        sa.Column("key_columns", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("snapshot_id", sa.BigInteger(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("finished_at", TS, nullable=True),
    )
    op.create_table(
        "kho_mig_syncs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(63), nullable=False, unique=True),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("org_code", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(40), nullable=True),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("watermark_column", sa.String(200), nullable=True),
        sa.Column("schedule", sa.String(40), nullable=False),
        sa.Column("watermarks", sa.JSON(), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_run_at", TS, nullable=True),
        sa.Column("last_status", sa.String(20), nullable=True),
        sa.Column("next_run_at", TS, nullable=True),
    )
    op.create_table(
        "kho_mig_sync_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sync_name", sa.String(63), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
    )


def downgrade() -> None:
    for name in ("kho_mig_sync_runs", "kho_mig_syncs", "kho_mig_tables", "kho_mig_runs"):
        op.drop_table(name)
