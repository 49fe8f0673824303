"""the deputies at each station (the public opinion form names them)

Revision ID: c4e6a8b0d2f1
Revises: c4e8a2f61d37
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "c4e6a8b0d2f1"
down_revision: str | None = "c4e8a2f61d37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "station_deputies",
        sa.Column("station_id", sa.String(length=32), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["nodes.id"]),
        sa.ForeignKeyConstraint(["deputy_id"], ["deputies.id"]),
        sa.PrimaryKeyConstraint("station_id", "deputy_id"),
    )


def downgrade() -> None:
    op.drop_table("station_deputies")
