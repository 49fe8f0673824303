"""project problems (constituents' representatives' reports, the township's answers) and
the month of a project's monthly anonymous score

Revision ID: 6d2f9a1c4e83
Revises: ee72f67eece4
Create Date: 2026-12-07 09:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "6d2f9a1c4e83"
down_revision: str | None = "ee72f67eece4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("votes", sa.Column("month", sa.String(length=7), nullable=True))
    op.create_table(
        "project_problems",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("reporter", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=120), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_project_problems_proposal_id"), "project_problems", ["proposal_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_project_problems_proposal_id"), table_name="project_problems")
    op.drop_table("project_problems")
    op.drop_column("votes", "month")
