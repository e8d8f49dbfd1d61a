"""indicators: definitions, values with lineage, fingerprints, reported values, targets

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import kho.indicators._tables  # noqa: F401 - registers the tables on Base.metadata for env.py

revision = "0003"
down_revision = "0001"
branch_labels = ("indicators",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kho_ind_indicators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("pack", sa.String(64), nullable=True, index=True),
        sa.Column("name_vi", sa.String(500), nullable=False),
        sa.Column("name_en", sa.String(500), nullable=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("access_level", sa.String(20), nullable=False),
        sa.Column("owner_org", sa.String(64), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "kho_ind_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_code", sa.String(64), nullable=False),
        sa.Column("period_id", sa.String(16), nullable=False),
        sa.Column("org_code", sa.String(200), nullable=False),
        sa.Column("parent_code", sa.String(200), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("n_rows", sa.BigInteger(), nullable=True),
        sa.Column("last_data", sa.String(16), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("snapshot_id", sa.BigInteger(), nullable=True),
        sa.Column("sql", sa.Text(), nullable=True),
        sa.Column("lineage", sa.JSON(), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.UniqueConstraint("indicator_code", "period_id", "org_code"),
    )
    op.create_index("ix_kho_ind_values_period", "kho_ind_values", ["indicator_code", "period_id"])
    op.create_table(
        "kho_ind_fingerprints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_code", sa.String(64), nullable=False),
        sa.Column("period_id", sa.String(16), nullable=False),
        sa.Column("n_rows", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("snapshot_id", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint("indicator_code", "period_id"),
    )
    op.create_table(
        "kho_ind_reported",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_code", sa.String(64), nullable=False),
        sa.Column("org_code", sa.String(200), nullable=False),
        sa.Column("period_id", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("entered_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.UniqueConstraint("indicator_code", "org_code", "period_id"),
    )
    op.create_table(
        "kho_ind_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_code", sa.String(64), nullable=False, index=True),
        sa.Column("org_code", sa.String(200), nullable=False),
        sa.Column("period_id", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for name in ("kho_ind_targets", "kho_ind_reported", "kho_ind_fingerprints"):
        op.drop_table(name)
    op.drop_index("ix_kho_ind_values_period", table_name="kho_ind_values")
    op.drop_table("kho_ind_values")
    op.drop_table("kho_ind_indicators")
