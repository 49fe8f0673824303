"""the ballot pool in shards: a vote's casts rewrite one of several rows, not all the same one

Revision ID: 7e2b9c4d1a58
Revises: 5c1d8e2a7f30
Create Date: 2026-12-07 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e2b9c4d1a58"
down_revision: str | None = "5c1d8e2a7f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("ballot_pool", sa.Column("shard_id", sa.String(length=32), nullable=True))
        # An open vote's one pool row becomes its first shard, with a random id as every shard.
        op.execute("UPDATE ballot_pool SET shard_id = md5(random()::text)")
        op.alter_column("ballot_pool", "shard_id", nullable=False)
        op.drop_constraint("ballot_pool_pkey", "ballot_pool", type_="primary")
        op.create_primary_key("ballot_pool_pkey", "ballot_pool", ["vote_id", "shard_id"])
        return
    # SQLite changes a primary key by copying the table (and the pool has no rowid now).
    op.create_table(
        "ballot_pool_shards",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("shard_id", sa.String(length=32), nullable=False),
        sa.Column("ballots", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id", "shard_id"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO ballot_pool_shards (vote_id, shard_id, ballots) "
        "SELECT vote_id, lower(hex(randomblob(16))), ballots FROM ballot_pool"
    )
    op.drop_table("ballot_pool")
    op.rename_table("ballot_pool_shards", "ballot_pool")


def downgrade() -> None:
    # One pool row per vote again: its first shard stays, the others' ballots go to the box.
    first = "(SELECT min(s.shard_id) FROM ballot_pool s WHERE s.vote_id = ballot_pool.vote_id)"
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "INSERT INTO ballot_box (vote_id, ballot_id, choices) SELECT vote_id, "
        "b.value ->> 'ballot_id', b.value -> 'choices' FROM ballot_pool, "
        f"json_array_elements(ballots) b WHERE shard_id <> {first}"
        if postgresql
        else "INSERT INTO ballot_box (vote_id, ballot_id, choices) SELECT vote_id, "
        "json_extract(b.value, '$.ballot_id'), json_extract(b.value, '$.choices') "
        f"FROM ballot_pool, json_each(ballots) b WHERE shard_id <> {first}"
    )
    op.execute(f"DELETE FROM ballot_pool WHERE shard_id <> {first}")
    if postgresql:
        op.drop_constraint("ballot_pool_pkey", "ballot_pool", type_="primary")
        op.drop_column("ballot_pool", "shard_id")
        op.create_primary_key("ballot_pool_pkey", "ballot_pool", ["vote_id"])
        return
    op.create_table(
        "ballot_pool_one",
        sa.Column("vote_id", sa.String(length=36), nullable=False),
        sa.Column("ballots", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("vote_id"),
    )
    op.execute(
        "INSERT INTO ballot_pool_one (vote_id, ballots) SELECT vote_id, ballots FROM ballot_pool"
    )
    op.drop_table("ballot_pool")
    op.rename_table("ballot_pool_one", "ballot_pool")
