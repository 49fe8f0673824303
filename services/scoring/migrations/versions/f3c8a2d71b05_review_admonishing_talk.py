"""review rounds: the admonishing talk (诫勉谈话) recorded before a repeat round

Revision ID: f3c8a2d71b05
Revises: e5a7c3d10f42
Create Date: 2026-12-07 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3c8a2d71b05"
down_revision: str | None = "e5a7c3d10f42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    sa.Column("talk_held_on", sa.Date(), nullable=True),
    sa.Column("talk_held_by", sa.String(length=120), nullable=True),
    sa.Column("talk_note", sa.Text(), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("review_rounds") as batch:
        for column in COLUMNS:
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("review_rounds") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
