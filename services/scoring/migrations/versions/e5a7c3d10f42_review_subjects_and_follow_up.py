"""review rounds: subject (official, department, unit), follow-up of the rectification

Revision ID: e5a7c3d10f42
Revises: d81f4b2c9e63
Create Date: 2026-12-07 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5a7c3d10f42"
down_revision: str | None = "d81f4b2c9e63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    sa.Column("subject", sa.String(length=16), server_default="official", nullable=False),
    sa.Column("unit_id", sa.String(length=32), nullable=True),
    sa.Column("opinion_approved_on", sa.Date(), nullable=True),
    sa.Column("opinion_sent_to", sa.JSON(), nullable=True),
    sa.Column("remind_working_days", sa.Integer(), server_default="5", nullable=False),
    sa.Column("plan_received_on", sa.Date(), nullable=True),
    sa.Column("report_received_on", sa.Date(), nullable=True),
    sa.Column("plan_told", sa.String(length=8), nullable=True),
    sa.Column("report_told", sa.String(length=8), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("review_rounds") as batch:
        for column in COLUMNS:
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("review_rounds") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
