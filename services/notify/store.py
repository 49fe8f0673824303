"""Notify's own tables: the in-app inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.messaging_tables import BigId
from runtime.service import service_base
from runtime.types import UtcDateTime

Base = service_base()


class InboxMessage(Base):
    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", name="uq_inbox_messages_event_recipient"),
        Index("ix_inbox_messages_recipient", "recipient", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str] = mapped_column(String(48))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
