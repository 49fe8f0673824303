"""Workflow's own tables."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from runtime.service import service_base
from runtime.types import UtcDateTime

Base = service_base()


class Suggestion(Base):
    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_tenant_state", "tenant", "state"),
        Index("ix_suggestions_tenant_path", "tenant_path"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    lead_deputy_id: Mapped[str] = mapped_column(String(32))
    cosigner_ids: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    occasion: Mapped[str] = mapped_column(String(16))
    session_name: Mapped[str | None] = mapped_column(String(120))
    urgent: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(16))
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(8))
    round: Mapped[int] = mapped_column(Integer, default=1)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[date] = mapped_column(Date)


class NumberSequence(Base):
    """Last number given per tenant and year; its row lock serialises numbering."""

    __tablename__ = "number_sequences"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


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
