"""duty reports to electing units (选举单位)

Revision ID: d81f4b2c9e63
Revises: b7e2c91d4a10
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d81f4b2c9e63"
down_revision: str | None = "b7e2c91d4a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duty_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.Column("electing_node_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("total", sa.Numeric(8, 2), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("deputies", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("duty_reports", schema=None) as batch_op:
        batch_op.create_index("ix_duty_reports_tenant_path", ["tenant_path"], unique=False)


def downgrade() -> None:
    op.drop_table("duty_reports")
