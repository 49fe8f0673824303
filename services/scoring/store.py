"""Scoring's own tables: the dated points rules and the append-only points ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.messaging_tables import BigId
from runtime.service import service_base
from runtime.types import UtcDateTime

Base = service_base()

POINTS = Numeric(8, 2)
"""Exact decimals, two places (docs/domain.md §4 “Rounding”)."""


class PointsRuleVersion(Base):
    """What an activity earns in a tenant (a city's default or a county's override) from a
    date on. Never updated: a new figure is a new row with its own effective date."""

    __tablename__ = "points_rule_versions"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    activity: Mapped[str] = mapped_column(String(40), primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, primary_key=True)
    points: Mapped[Decimal] = mapped_column(POINTS)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PointsEntry(Base):
    """One line of the ledger. Never updated or deleted: a correction reverses it."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        Index("ix_points_ledger_deputy", "deputy_id", "occurred_at"),
        Index("ix_points_ledger_tenant_path", "tenant_path"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(32))
    """The congress the deputy sits in: a person at two levels has a ledger in each."""
    tenant_path: Mapped[str] = mapped_column(String(255))
    deputy_id: Mapped[str] = mapped_column(String(32))
    activity: Mapped[str] = mapped_column(String(40))
    points: Mapped[Decimal] = mapped_column(POINTS)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(80), unique=True)
    """What earned it (e.g. `suggestion:<id>`): one entry per source, however often told."""
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("points_ledger.id"))
    office_path: Mapped[str | None] = mapped_column(String(255))
    """The township office the activity is booked to (统一计分), for filed records."""
    organiser: Mapped[str | None] = mapped_column(String(16))
    duration_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    """The API key that filed the record or asked for the correction."""
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PublishedList(Base):
    """A place's points list for a period as it stood when published: frozen, public."""

    __tablename__ = "published_lists"
    __table_args__ = (UniqueConstraint("place_id", "period"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    place_id: Mapped[str] = mapped_column(String(32))
    place_path: Mapped[str] = mapped_column(String(255))
    period: Mapped[str] = mapped_column(String(7))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_by: Mapped[str] = mapped_column(String(64))


class PublishedListRow(Base):
    __tablename__ = "published_list_rows"

    list_id: Mapped[str] = mapped_column(ForeignKey("published_lists.id"), primary_key=True)
    deputy_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    deputy_name: Mapped[str] = mapped_column(String(60))
    rank: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(POINTS)


class FlagRuleRow(Base):
    """A tenant's rule for flagging deputies who fall behind (a city's is its counties'
    default): a yearly minimum of points and the basic duties everyone does."""

    __tablename__ = "flag_rules"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    min_points: Mapped[Decimal | None] = mapped_column(POINTS)
    required: Mapped[str] = mapped_column(String(400), default="")
    """Activity types, comma-separated."""
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Interview(Base):
    """An interview (约谈) the committee's working body decided for a deputy: a record of
    people's decision, never the system's."""

    __tablename__ = "duty_interviews"
    __table_args__ = (Index("ix_duty_interviews_tenant_path", "tenant_path"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    deputy_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StarRuleRow(Base):
    """A tenant's duty-star rule (a city's is its counties' default)."""

    __tablename__ = "duty_star_rules"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    station_duty_weight: Mapped[Decimal] = mapped_column(POINTS)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DutyStar(Base):
    """A duty star the committee confirmed for a year."""

    __tablename__ = "duty_stars"

    place_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    deputy_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    place_path: Mapped[str] = mapped_column(String(255))
    confirmed_by: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submission_id: Mapped[str] = mapped_column(String(36))


class StationStarRuleRow(Base):
    """A tenant's station-star rule (a city's is its counties' default)."""

    __tablename__ = "station_star_rules"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    weight_opinions: Mapped[Decimal] = mapped_column(POINTS)
    weight_shifts: Mapped[Decimal] = mapped_column(POINTS)
    weight_activities: Mapped[Decimal] = mapped_column(POINTS)
    five: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    four: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    three: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    models: Mapped[int] = mapped_column(Integer)
    rank_apart: Mapped[bool] = mapped_column(Boolean)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StationRating(Base):
    """A centre's or station's stars for a year, as rated once (with its inputs)."""

    __tablename__ = "station_ratings"

    county: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    county_path: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))
    opinions_handled: Mapped[int] = mapped_column(Integer)
    duty_shifts: Mapped[int] = mapped_column(Integer)
    activities: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    stars: Mapped[int] = mapped_column(Integer)
    model: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[str] = mapped_column(String(36))


class ReviewRound(Base):
    """One review of one appointed official (述职评议): its model, scores and outcome."""

    __tablename__ = "review_rounds"
    __table_args__ = (Index("ix_review_rounds_tenant_path", "tenant_path"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    model: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(16), server_default="official")
    """official (述职评议), department (工作评议) or unit (督办会无记名打分)."""
    unit_id: Mapped[str | None] = mapped_column(String(32))
    official: Mapped[str] = mapped_column(String(60))
    post: Mapped[str] = mapped_column(String(120))
    attempt: Mapped[int] = mapped_column(Integer)
    repeat_of: Mapped[str | None] = mapped_column(String(36))
    stage_weights: Mapped[list] = mapped_column(JSON)
    groups: Mapped[dict] = mapped_column(JSON)
    stage_scores: Mapped[dict] = mapped_column(JSON)
    """stage → score as text (exact): preliminary, investigation, onsite, rectification."""
    votes: Mapped[dict] = mapped_column(JSON)
    report_flags: Mapped[list | None] = mapped_column(JSON)
    interim: Mapped[Decimal | None] = mapped_column(POINTS)
    score: Mapped[Decimal | None] = mapped_column(POINTS)
    result: Mapped[str | None] = mapped_column(String(24))
    next_step: Mapped[str | None] = mapped_column(String(16))
    opinion_received_on: Mapped[date | None] = mapped_column(Date)
    plan_due: Mapped[date | None] = mapped_column(Date)
    report_due: Mapped[date | None] = mapped_column(Date)
    opinion_approved_on: Mapped[date | None] = mapped_column(Date)
    opinion_sent_to: Mapped[list | None] = mapped_column(JSON)
    """Where the written opinion went (government, organisation, discipline, unit)."""
    remind_working_days: Mapped[int] = mapped_column(Integer, server_default="5")
    plan_received_on: Mapped[date | None] = mapped_column(Date)
    report_received_on: Mapped[date | None] = mapped_column(Date)
    plan_told: Mapped[str | None] = mapped_column(String(8))
    """What notify was last told of the plan's deadline: `soon`, then `overdue`."""
    report_told: Mapped[str | None] = mapped_column(String(8))
    talk_held_on: Mapped[date | None] = mapped_column(Date)
    """The admonishing talk (诫勉谈话) after a dissatisfied result: when, by whom, what."""
    talk_held_by: Mapped[str | None] = mapped_column(String(120))
    talk_note: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReviewBallot(Base):
    """One on-site ballot: its group and score, and nothing about who cast it."""

    __tablename__ = "review_ballots"
    __table_args__ = (Index("ix_review_ballots_round", "round_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("review_rounds.id"))
    group: Mapped[str] = mapped_column(String(40))
    score: Mapped[Decimal] = mapped_column(POINTS)


class DutyReport(Base):
    """A deputy's performance and points reported to their electing unit (选举单位): the
    figures as they stood when reported; notify issues them as a formal notice."""

    __tablename__ = "duty_reports"
    __table_args__ = (Index("ix_duty_reports_tenant_path", "tenant_path"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    deputy_id: Mapped[str] = mapped_column(String(32))
    electing_node_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(24))
    total: Mapped[Decimal] = mapped_column(POINTS)
    rank: Mapped[int] = mapped_column(Integer)
    deputies: Mapped[int] = mapped_column(Integer)
    figures: Mapped[list] = mapped_column(JSON)
    """[{activity, label, count, points}] as reported."""
    flags: Mapped[list] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
