"""the ballot pool: an open vote's newest ballots in one row, so no transaction id marks one

Revision ID: 5c1d8e2a7f30
Revises: 2a41c7a3403e
Create Date: 2026-12-07 09:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1d8e2a7f30"
down_revision: str | None = "2a41c7a3403e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ballot_pool",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("ballots", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id"),
    )
    # A vote open during the upgrade keeps its cast ballots in the box; its later ones pool.
    op.execute("INSERT INTO ballot_pool (vote_id, ballots) SELECT vote_id, '[]' FROM ballot_doors")


def downgrade() -> None:
    op.execute(
        "INSERT INTO ballot_box (vote_id, ballot_id, choices) SELECT p.vote_id, "
        "b.value ->> 'ballot_id', b.value -> 'choices' FROM ballot_pool p, "
        "json_array_elements(p.ballots) b"
        if op.get_bind().dialect.name == "postgresql"
        else "INSERT INTO ballot_box (vote_id, ballot_id, choices) SELECT p.vote_id, "
        "json_extract(b.value, '$.ballot_id'), json_extract(b.value, '$.choices') "
        "FROM ballot_pool p, json_each(p.ballots) b"
    )
    op.drop_table("ballot_pool")
