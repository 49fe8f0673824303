"""constituents' and deputies' evaluations of completed projects (quality, social effect)

Revision ID: b4d6f8a0c2e1
Revises: a3c5e7f9b1d2
Create Date: 2026-12-07 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b4d6f8a0c2e1"
down_revision: str | None = "a3c5e7f9b1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_evaluations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("evaluator", sa.String(length=12), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=True),
        sa.Column("quality", sa.String(length=8), nullable=False),
        sa.Column("effect", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("public_code", sa.String(length=16), nullable=True),
        sa.Column("name_encrypted", sa.Text(), nullable=True),
        sa.Column("phone_encrypted", sa.Text(), nullable=True),
        sa.Column("phone_masked", sa.String(length=20), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
        sa.UniqueConstraint("proposal_id", "deputy_id"),
    )
    op.create_index("ix_project_evaluations_proposal_id", "project_evaluations", ["proposal_id"])


def downgrade() -> None:
    op.drop_index("ix_project_evaluations_proposal_id", table_name="project_evaluations")
    op.drop_table("project_evaluations")
