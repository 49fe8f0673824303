"""dated points rules, decimal points, township booking, published lists, flags, interviews,
duty stars

Revision ID: b7e2c91d4a10
Revises: edae1c670b01
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c91d4a10"
down_revision: str | None = "edae1c670b01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "points_rule_versions",
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=40), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("points", sa.Numeric(8, 2), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "activity", "effective_from"),
    )
    # The undated figures a tenant set before were in force from the start.
    op.execute(
        "INSERT INTO points_rule_versions (tenant, activity, effective_from, points, set_at) "
        "SELECT tenant, activity, DATE '2000-01-01', points, CURRENT_TIMESTAMP FROM points_rules"
        if op.get_bind().dialect.name == "postgresql"
        else "INSERT INTO points_rule_versions (tenant, activity, effective_from, points, set_at) "
        "SELECT tenant, activity, '2000-01-01', points, CURRENT_TIMESTAMP FROM points_rules"
    )
    op.drop_table("points_rules")
    with op.batch_alter_table("points_ledger", schema=None) as batch_op:
        batch_op.alter_column(
            "points", existing_type=sa.Integer(), type_=sa.Numeric(8, 2), existing_nullable=False
        )
        batch_op.add_column(sa.Column("office_path", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("organiser", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("duration_hours", sa.Numeric(6, 2), nullable=True))
        batch_op.add_column(sa.Column("recorded_by", sa.String(length=64), nullable=True))
    op.create_table(
        "published_lists",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_id", sa.String(length=32), nullable=False),
        sa.Column("place_path", sa.String(length=255), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("place_id", "period"),
    )
    op.create_table(
        "published_list_rows",
        sa.Column("list_id", sa.String(length=36), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.Column("deputy_name", sa.String(length=60), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(8, 2), nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["published_lists.id"]),
        sa.PrimaryKeyConstraint("list_id", "deputy_id"),
    )
    op.create_table(
        "flag_rules",
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("min_points", sa.Numeric(8, 2), nullable=True),
        sa.Column("required", sa.String(length=400), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant"),
    )
    op.create_table(
        "duty_interviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("duty_interviews", schema=None) as batch_op:
        batch_op.create_index("ix_duty_interviews_tenant_path", ["tenant_path"], unique=False)
    op.create_table(
        "duty_star_rules",
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("station_duty_weight", sa.Numeric(8, 2), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant"),
    )
    op.create_table(
        "duty_stars",
        sa.Column("place_id", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.String(length=32), nullable=False),
        sa.Column("place_path", sa.String(length=255), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("place_id", "year", "deputy_id"),
    )
    op.create_table(
        "station_star_rules",
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("weight_opinions", sa.Numeric(8, 2), nullable=False),
        sa.Column("weight_shifts", sa.Numeric(8, 2), nullable=False),
        sa.Column("weight_activities", sa.Numeric(8, 2), nullable=False),
        sa.Column("five", sa.Numeric(4, 3), nullable=False),
        sa.Column("four", sa.Numeric(4, 3), nullable=False),
        sa.Column("three", sa.Numeric(4, 3), nullable=False),
        sa.Column("models", sa.Integer(), nullable=False),
        sa.Column("rank_apart", sa.Boolean(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant"),
    )
    op.create_table(
        "station_ratings",
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=32), nullable=False),
        sa.Column("county_path", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("opinions_handled", sa.Integer(), nullable=False),
        sa.Column("duty_shifts", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(12, 2), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("model", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("county", "year", "node_id"),
    )
    op.create_table(
        "review_rounds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("tenant_path", sa.String(length=255), nullable=False),
        sa.Column("model", sa.String(length=16), nullable=False),
        sa.Column("official", sa.String(length=60), nullable=False),
        sa.Column("post", sa.String(length=120), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("repeat_of", sa.String(length=36), nullable=True),
        sa.Column("stage_weights", sa.JSON(), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("stage_scores", sa.JSON(), nullable=False),
        sa.Column("votes", sa.JSON(), nullable=False),
        sa.Column("report_flags", sa.JSON(), nullable=True),
        sa.Column("interim", sa.Numeric(8, 2), nullable=True),
        sa.Column("score", sa.Numeric(8, 2), nullable=True),
        sa.Column("result", sa.String(length=24), nullable=True),
        sa.Column("next_step", sa.String(length=16), nullable=True),
        sa.Column("opinion_received_on", sa.Date(), nullable=True),
        sa.Column("plan_due", sa.Date(), nullable=True),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_review_rounds_tenant_path", ["tenant_path"], unique=False)
    op.create_table(
        "review_ballots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("group", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Numeric(8, 2), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["review_rounds.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_ballots", schema=None) as batch_op:
        batch_op.create_index("ix_review_ballots_round", ["round_id"], unique=False)


def downgrade() -> None:
    op.drop_table("review_ballots")
    op.drop_table("review_rounds")
    op.drop_table("station_ratings")
    op.drop_table("station_star_rules")
    op.drop_table("duty_stars")
    op.drop_table("duty_star_rules")
    op.drop_table("duty_interviews")
    op.drop_table("flag_rules")
    op.drop_table("published_list_rows")
    op.drop_table("published_lists")
    with op.batch_alter_table("points_ledger", schema=None) as batch_op:
        batch_op.drop_column("recorded_by")
        batch_op.drop_column("duration_hours")
        batch_op.drop_column("organiser")
        batch_op.drop_column("office_path")
        batch_op.alter_column(
            "points", existing_type=sa.Numeric(8, 2), type_=sa.Integer(), existing_nullable=False
        )
    op.create_table(
        "points_rules",
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=40), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "activity"),
    )
    op.drop_table("points_rule_versions")
