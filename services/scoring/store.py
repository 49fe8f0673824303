"""Scoring's own tables: the points rules and the append-only points ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from runtime.messaging_tables import BigId
from runtime.service import service_base
from runtime.types import UtcDateTime

Base = service_base()


class PointsRule(Base):
    __tablename__ = "points_rules"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    activity: Mapped[str] = mapped_column(String(40), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)


class PointsEntry(Base):
    """One line of the ledger. Never updated or deleted: a correction reverses it."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        Index("ix_points_ledger_deputy", "deputy_id", "occurred_at"),
        Index("ix_points_ledger_tenant_path", "tenant_path"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    deputy_id: Mapped[str] = mapped_column(String(32))
    activity: Mapped[str] = mapped_column(String(40))
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(80), unique=True)
    """What earned it (e.g. `suggestion:<id>`): one entry per source, however often told."""
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("points_ledger.id"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
