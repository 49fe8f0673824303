"""assignments say whether their deadline followed an official holiday schedule

Revision ID: 5c1d2e7a9b40
Revises: 179709060036
Create Date: 2026-12-01 20:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1d2e7a9b40"
down_revision: str | None = "179709060036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Deadlines computed before official schedules existed were all rule-based.
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(
            sa.Column(
                "deadline_basis",
                sa.String(length=10),
                nullable=False,
                server_default="rule-based",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("deadline_basis")
