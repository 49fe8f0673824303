"""The consultation aggregate's tables: the plan (with its draft, article by article), the
opinions on it, the contact points' forums and visits, their reports, and the tenants'
consultation settings.

A contributor's name and phone are kept only encrypted (contracts/contact.py), beside the
masked phone every other reader sees.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.types import UtcDateTime
from services.workflow.store import Base


class Consultation(Base):
    __tablename__ = "consultations"
    __table_args__ = (
        Index(
            "ix_consultations_tenant_path",
            "tenant_path",
            postgresql_ops={"tenant_path": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    number: Mapped[str] = mapped_column(String(48), unique=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    issuing_body: Mapped[str] = mapped_column(String(120))
    articles: Mapped[list[dict]] = mapped_column(JSON)
    """[{heading, text}], article n at index n - 1."""
    questions: Mapped[list[str]] = mapped_column(JSON)
    deadline: Mapped[date] = mapped_column(Date)
    contact_points: Mapped[list[dict]] = mapped_column(JSON)
    """[{station_id, station_path, name, deputy_ids}] in the plan's order."""
    planned_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ConsultationOpinion(Base):
    __tablename__ = "consultation_opinions"
    __table_args__ = (Index("ix_consultation_opinions_point", "consultation_id", "station_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"))
    submission_id: Mapped[str] = mapped_column(String(36), index=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True)
    station_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    gathering_id: Mapped[str | None] = mapped_column(String(36))
    article: Mapped[int | None] = mapped_column(Integer)
    """The article it is about; None: the draft as a whole."""
    text: Mapped[str] = mapped_column(Text)
    name_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))
    merged_into: Mapped[str | None] = mapped_column(String(36))
    report_id: Mapped[str | None] = mapped_column(String(36))
    adoption: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Gathering(Base):
    """A forum (座谈会) or visit (走访) a contact point held on the draft."""

    __tablename__ = "consultation_gatherings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"), index=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    station_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))


class Report(Base):
    """A contact point's numbered report to the legislature: one per contact point."""

    __tablename__ = "consultation_reports"
    __table_args__ = (UniqueConstraint("consultation_id", "station_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"))
    number: Mapped[str] = mapped_column(String(56), unique=True)
    station_id: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConsultationPolicyRow(Base):
    """A tenant's overrides of the consultation settings (ConsultationPolicy field → value)."""

    __tablename__ = "consultation_policies"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
