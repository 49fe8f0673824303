"""suggestion_figures: the suggestions' groups and sums the committee's figures read (ADR 0017)

Revision ID: d4f6b8a0c2e1
Revises: b4d6f8a0c2e1
Create Date: 2026-12-07 13:00:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4f6b8a0c2e1"
down_revision: str | None = "b4d6f8a0c2e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUP = (
    "tenant",
    "tenant_path",
    "year",
    "session_name",
    "lead_unit_id",
    "state",
    "colour",
    "reply_class",
)
SUMS = {
    "suggestions": "count(*)",
    "assigned": "count(first_assigned_at)",
    "closed": "count(closed_at)",
    "replied": "count(first_replied_at)",
    "replied_on_time": "count(*) FILTER (WHERE replied_on_time)",
    "done": "count(done_at)",
    "evaluated": "count(final_result)",
    "satisfied": "count(*) FILTER (WHERE final_result = 'satisfied')",
    "basically_satisfied": "count(*) FILTER (WHERE final_result = 'basically_satisfied')",
    "second_assignments": "coalesce(sum(second_assignments), 0)",
}


def upgrade() -> None:
    table = op.create_table(
        "suggestion_figures",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("session_name", sa.String(length=120), nullable=True),
        sa.Column("lead_unit_id", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=True),
        sa.Column("reply_class", sa.String(length=1), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SUMS),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_suggestion_figures_tenant_year", "suggestion_figures", ["tenant", "year"])
    op.create_index(
        "ix_suggestion_figures_tenant_path",
        "suggestion_figures",
        ["tenant_path"],
        postgresql_ops={"tenant_path": "varchar_pattern_ops"},
    )
    # The backfill: one GROUP BY of what is there; the key is the group as a JSON list, as
    # services/workflow/suggestions/store.py writes it.
    rows = op.get_bind().execute(
        sa.text(
            f"SELECT {', '.join(GROUP)}, {', '.join(SUMS.values())} "
            f"FROM suggestions GROUP BY {', '.join(GROUP)}"
        )
    )
    groups = []
    for row in rows:
        group = tuple(row[: len(GROUP)])
        groups.append(
            {
                "key": json.dumps(group, ensure_ascii=False),
                **dict(zip(GROUP, group, strict=True)),
                **{name: int(n) for name, n in zip(SUMS, row[len(GROUP) :], strict=True)},
            }
        )
    if groups:
        op.bulk_insert(table, groups)


def downgrade() -> None:
    op.drop_index("ix_suggestion_figures_tenant_path", table_name="suggestion_figures")
    op.drop_index("ix_suggestion_figures_tenant_year", table_name="suggestion_figures")
    op.drop_table("suggestion_figures")
