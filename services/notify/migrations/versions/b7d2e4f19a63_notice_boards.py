"""notice boards (公示栏): a notice's kind and its table

Revision ID: b7d2e4f19a63
Revises: 9572b9df8324
Create Date: 2026-12-07 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d2e4f19a63"
down_revision: str | None = "9572b9df8324"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="notice")
        )
        batch_op.add_column(sa.Column("columns", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("rows", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_column("rows")
        batch_op.drop_column("columns")
        batch_op.drop_column("kind")
