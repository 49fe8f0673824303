"""The suggestion aggregate's tables, and the per-tenant configuration only it reads
(routing rules, topic lists).

`suggestions` carries denormalised facts (current round, lead unit, deadline, first reply,
final rating, …) so that each of the committee's figures is one indexed aggregate; the history
tables (assignments, records, replies, evaluations, meetings, opinions) are append-only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from runtime.db import upsert
from runtime.messaging_tables import BigId
from runtime.types import UtcDateTime
from services.workflow.store import Base


class Suggestion(Base):
    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_tenant_state", "tenant", "state"),
        Index(
            "ix_suggestions_tenant_path",
            "tenant_path",
            postgresql_ops={"tenant_path": "varchar_pattern_ops"},
        ),
        Index("ix_suggestions_tenant_year", "tenant", "year"),
        Index("ix_suggestions_lead_unit_year", "lead_unit_id", "year"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    lead_deputy_id: Mapped[str] = mapped_column(String(32))
    cosigner_ids: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    occasion: Mapped[str] = mapped_column(String(16))
    session_name: Mapped[str | None] = mapped_column(String(120))
    urgent: Mapped[bool] = mapped_column(Boolean)
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    source_opinion_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    screening_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    fitting_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    return_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    leading_official: Mapped[str | None] = mapped_column(String(120))
    supervisor: Mapped[str | None] = mapped_column(String(120))
    round: Mapped[int] = mapped_column(Integer, default=0)
    lead_unit_id: Mapped[str | None] = mapped_column(String(32))
    deadline: Mapped[date | None] = mapped_column(Date)
    colour: Mapped[str | None] = mapped_column(String(8))
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    first_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    replied_on_time: Mapped[bool | None] = mapped_column(Boolean)
    reply_class: Mapped[str | None] = mapped_column(String(1))
    evaluation_closes: Mapped[date | None] = mapped_column(Date)
    evaluated_round: Mapped[int] = mapped_column(Integer, default=0)
    final_result: Mapped[str | None] = mapped_column(String(20))
    """Worst result rating of the last evaluated round."""
    second_assignments: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    follow_up_deadline: Mapped[date | None] = mapped_column(Date)
    follow_up_colour: Mapped[str | None] = mapped_column(String(8))
    publish: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_unit", "unit_id"),
        Index("ix_assignments_open", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(8))
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(12), default="active")
    """active; ended; withdrawn (the units were changed, or the suggestion was screened out:
    not held against the unit)."""
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[date] = mapped_column(Date)
    """The lead unit's reply deadline, or a co-handling unit's input deadline."""
    deadline_basis: Mapped[str] = mapped_column(String(10), default="rule-based")
    """official, or rule-based when a year it crosses had no official holiday schedule
    loaded when it was computed (it is not recomputed when one is loaded later)."""
    colour: Mapped[str] = mapped_column(String(8), default="white")
    adjust_reason: Mapped[str | None] = mapped_column(Text)
    adjust_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class HandlingRecord(Base):
    """Contacts with the deputy, commitments, ledger lines and co-handling input."""

    __tablename__ = "handling_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reply(Base):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(32))
    reply_class: Mapped[str] = mapped_column(String(1))
    text: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    replied_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EvaluationRow(Base):
    """One proposer's rating of one round's reply. Never changed."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_suggestion_round", "suggestion_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"))
    round: Mapped[int] = mapped_column(Integer)
    deputy_id: Mapped[str] = mapped_column(String(32))
    attitude: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Meeting(Base):
    """A face-to-face meeting (知情议政会) before a second assignment."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)


class SupervisionOpinion(Base):
    __tablename__ = "supervision_opinions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class NumberSequence(Base):
    """Last number given per tenant and year; its row lock serialises numbering."""

    __tablename__ = "number_sequences"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


def next_number(session: Session, tenant: str, year: int) -> int:
    """Atomically take the next number for the tenant and year (an upsert, no race)."""
    statement = (
        upsert(session, NumberSequence)
        .values(tenant=tenant, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["tenant", "year"], set_={"last": NumberSequence.last + 1}
        )
        .returning(NumberSequence.last)
    )
    return int(session.execute(statement).scalar_one())


class RoutingRule(Base):
    """Category → lead unit (and co-handling units) for one tenant; editable at run time."""

    __tablename__ = "routing_rules"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    lead_unit_id: Mapped[str] = mapped_column(String(32))
    co_unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class TopicListEntry(Base):
    __tablename__ = "topic_list_entries"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    polarity: Mapped[str] = mapped_column(String(8), primary_key=True)
    keyword: Mapped[str] = mapped_column(String(60), primary_key=True)
