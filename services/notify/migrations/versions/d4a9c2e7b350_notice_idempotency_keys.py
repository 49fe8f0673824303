"""a notice's Idempotency-Key and request fingerprint: a retried issue gives the same notice

Revision ID: d4a9c2e7b350
Revises: b7d2e4f19a63
Create Date: 2026-12-07 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4a9c2e7b350"
down_revision: str | None = "b7d2e4f19a63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_notices_idem", ["tenant", "idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notices_idem", type_="unique")
        batch_op.drop_column("request_hash")
        batch_op.drop_column("idempotency_key")
