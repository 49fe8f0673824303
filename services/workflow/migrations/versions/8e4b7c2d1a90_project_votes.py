"""livelihood projects: proposals and their trail, candidate lists, votes with their
frozen rules and result, anonymous boards, vote rule sets

Revision ID: 8e4b7c2d1a90
Revises: 5c1d2e7a9b40
Create Date: 2026-12-01 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e4b7c2d1a90"
down_revision: str | None = "5c1d2e7a9b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_rule_sets",
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("tenant"),
    )
    op.create_table(
        "votes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("roll", sa.JSON(), nullable=False),
        sa.Column("present", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("runoff_of", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("project_id", sa.String(length=36), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("seal", sa.String(length=64), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    op.create_index("ix_votes_tenant", "votes", ["tenant"])
    op.create_table(
        "board_ballots",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("ballot_id", sa.String(length=32), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id", "ballot_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("estimated_cost", sa.BigInteger(), nullable=False),
        sa.Column("funding_source", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("proposer", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("consulted_unit_ids", sa.JSON(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unit_id", sa.String(length=32), nullable=True),
        sa.Column("targets", sa.Text(), nullable=True),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column("plan_funding_source", sa.String(length=200), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("supervision", sa.JSON(), nullable=False),
        sa.Column("progress_percent", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    op.create_index("ix_proposals_tenant_year", "proposals", ["tenant", "year"])
    op.create_table(
        "proposal_notes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_proposal_notes_proposal_id", "proposal_notes", ["proposal_id"])
    op.create_table(
        "candidate_list_approvals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.JSON(), nullable=False),
        sa.Column("proposal_ids", sa.JSON(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    op.create_index("ix_candidate_list_approvals_tenant", "candidate_list_approvals", ["tenant"])


def downgrade() -> None:
    op.drop_table("candidate_list_approvals")
    op.drop_table("proposal_notes")
    op.drop_table("proposals")
    op.drop_table("board_ballots")
    op.drop_index("ix_votes_tenant", table_name="votes")
    op.drop_table("votes")
    op.drop_table("vote_rule_sets")
