"""completed projects' evaluation doors and the register of deputies who evaluated

Revision ID: 6e2a9c4b8d15
Revises: 7e2b9c4d1a58
Create Date: 2026-12-07 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "6e2a9c4b8d15"
down_revision: str | None = "7e2b9c4d1a58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_doors",
        sa.Column("project_id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "evaluation_register",
        sa.Column("project_id", sa.String(length=36), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "deputy_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("evaluation_register")
    op.drop_table("evaluation_doors")
