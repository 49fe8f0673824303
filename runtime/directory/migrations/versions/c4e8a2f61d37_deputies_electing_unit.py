"""deputies' electing unit (选举单位)

Revision ID: c4e8a2f61d37
Revises: a7c3e91d0b52
Create Date: 2026-12-07 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e8a2f61d37"
down_revision: str | None = "a7c3e91d0b52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table("deputies") as batch:
        batch.add_column(sa.Column("electing_node_id", sa.String(length=32), nullable=True))
        batch.create_foreign_key("fk_deputies_electing_node", "nodes", ["electing_node_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("deputies") as batch:
        batch.drop_constraint("fk_deputies_electing_node", type_="foreignkey")
        batch.drop_column("electing_node_id")
