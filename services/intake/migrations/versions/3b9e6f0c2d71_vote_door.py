"""the votes' door: open votes, the register of who voted, the anonymous ballot box

Revision ID: 3b9e6f0c2d71
Revises: fa5927d3a881
Create Date: 2026-12-01 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b9e6f0c2d71"
down_revision: str | None = "fa5927d3a881"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ballot_doors",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("choices_allowed", sa.Integer(), nullable=False),
        sa.Column("present", sa.JSON(), nullable=False),
        sa.Column("tracker", sa.Boolean(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id"),
    )
    op.create_table(
        "vote_register",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("vote_id", "deputy_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ballot_box",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("ballot_id", sa.String(length=32), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id", "ballot_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("ballot_box")
    op.drop_table("vote_register")
    op.drop_table("ballot_doors")
