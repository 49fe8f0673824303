"""Notify's own tables: the in-app inbox, contacts and preferences, webhook endpoints, and
the delivery log that says what went out on which channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint
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


class Contact(Base):
    """How a unit, deputy or body is reached outside the inbox. Written by the operator
    (`renda contacts set`) or the committee's key; notify's own, not the shared directory."""

    __tablename__ = "contacts"

    recipient: Mapped[str] = mapped_column(String(48), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    wechat_openid: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Preference(Base):
    """A recipient's choice of channels, their order, and quiet hours (see domain.preferences)."""

    __tablename__ = "preferences"

    recipient: Mapped[str] = mapped_column(String(48), primary_key=True)
    channels: Mapped[list[str]] = mapped_column(JSON)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    digest_at: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Template(Base):
    """A tenant's own words for a kind of message (Jinja2), replacing the built-in ones."""

    __tablename__ = "templates"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebhookEndpoint(Base):
    """A county system's endpoint, registered with its API key (the owner)."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_owner", "owner_key_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_key_id: Mapped[str] = mapped_column(String(64))
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(120))
    previous_secret: Mapped[str | None] = mapped_column(String(120))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Delivery(Base):
    """One message to one recipient on one channel: the source of truth for "sent once".

    `status` is pending (due at `next_attempt_at`, which a sender's claim pushes forward by
    its lease), delivered, refused (the channel said no for good), dead (out of attempts),
    or held for the recipient's daily digest, then digested (sent within one).
    `message_id` goes out with every attempt so that a receiver can drop a resend."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", "channel", name="uq_deliveries_once"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_recipient", "recipient", "created_at"),
        Index("ix_deliveries_finished", "finished_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(120))
    event_time: Mapped[datetime] = mapped_column(UtcDateTime())
    tenant: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(48))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    """Urgent (a red deadline) goes out in quiet hours too."""
    fallback: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    """[channel, address] pairs to try, in order, if this one is refused or dies."""
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Notice(Base):
    """A formal notice (通报), or a notice-board list (公示, `kind` "board": a title and a
    table, `columns` and `rows`, posted at the stations): dated, numbered per tenant and
    year, kept in one archive."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("tenant", "year", "seq", name="uq_notices_number"),
        UniqueConstraint("tenant", "idempotency_key", name="uq_notices_idem"),
        Index("ix_notices_tenant_issued", "tenant", "issued_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    figures: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    issuer: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(12), default="notice", server_default="notice")
    columns: Mapped[list[str] | None] = mapped_column(JSON)
    rows: Mapped[list[list[str]] | None] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    """The Idempotency-Key it was issued with, if any: unique in its tenant (the node of
    the key that issued it), like intake's submissions'."""
    request_hash: Mapped[str | None] = mapped_column(String(64))
    """The fingerprint of the request that issued it: a repeat must match it."""
