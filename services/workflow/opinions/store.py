"""The opinion aggregate's tables: the register (one row per opinion, with its current
level and deadline), its route (append-only steps), and the tenants' opinion settings.

The constituent's name and phone are kept only encrypted (contracts/contact.py), beside
the masked phone every other reader sees; both are erased after the retention period.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from runtime.messaging_tables import BigId
from runtime.types import UtcDateTime
from services.workflow.store import Base


class Opinion(Base):
    __tablename__ = "opinions"
    __table_args__ = (
        Index(
            "ix_opinions_station_path",
            "station_path",
            postgresql_ops={"station_path": "varchar_pattern_ops"},
        ),
        Index("ix_opinions_state_deadline", "state", "deadline"),
        Index("ix_opinions_holder_state", "holder_node_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32))
    station_id: Mapped[str] = mapped_column(String(32))
    station_path: Mapped[str] = mapped_column(String(255))
    contact_point_kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    """station, township, county; department while forwarded."""
    holder_node_id: Mapped[str] = mapped_column(String(32))
    """The node (or, forwarded, the unit) that holds it now."""
    deadline: Mapped[date | None] = mapped_column(Date)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    name_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[str | None] = mapped_column(String(200))
    """Where a deputy's photo report (随手拍) was taken."""
    photos: Mapped[list | None] = mapped_column(JSON)
    """What intake kept of each photo (contracts/events/opinion.PhotoRef), not the bytes."""
    suggestion_id: Mapped[str | None] = mapped_column(String(36))
    adopted_by: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))
    reply: Mapped[str | None] = mapped_column(Text)
    resolved_level: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    contact_erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OpinionStep(Base):
    """One step of the route: registered, escalated (by hand or by the clock), forwarded,
    adopted, resolved, closed. Append-only."""

    __tablename__ = "opinion_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    opinion_id: Mapped[str] = mapped_column(ForeignKey("opinions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    node_id: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))
    """Who did it (`role:subject-or-node`), None for the clock."""
    text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class OpinionPolicyRow(Base):
    """A tenant's overrides of the opinion settings (OpinionPolicy field → value)."""

    __tablename__ = "opinion_policies"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
