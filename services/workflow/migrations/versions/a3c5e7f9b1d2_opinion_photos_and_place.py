"""opinions keep their photos (what intake stored) and a photo report's place

Revision ID: a3c5e7f9b1d2
Revises: 6d2f9a1c4e83
Create Date: 2026-12-07 10:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3c5e7f9b1d2"
down_revision: str | None = "6d2f9a1c4e83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("opinions") as batch:
        batch.add_column(sa.Column("place", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("photos", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opinions") as batch:
        batch.drop_column("photos")
        batch.drop_column("place")
