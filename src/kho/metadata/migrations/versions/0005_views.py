"""portal: page views and data downloads per dataset per day, for "most viewed"

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("portal",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kho_dataset_views",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dataset_slug", sa.String(63), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("downloads", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "dataset_slug"),
    )
    op.create_index("ix_kho_dataset_views_dataset_slug", "kho_dataset_views", ["dataset_slug"])


def downgrade() -> None:
    op.drop_index("ix_kho_dataset_views_dataset_slug", table_name="kho_dataset_views")
    op.drop_table("kho_dataset_views")
