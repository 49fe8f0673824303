"""What an event's messages become, in the handler's transaction: inbox rows, and one
delivery row per recipient and channel for the delivery runner to send (nothing is sent
here, so that a slow channel never holds up the consumer)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import REGISTRY, Event
from runtime.db import once_per_transaction
from runtime.directory import Directory
from runtime.work import WorkContext
from services.notify.channels import SEALED_PHONE
from services.notify.channels.configured import configured_names
from services.notify.config import NotifySettings
from services.notify.domain.messages import Message, constituents
from services.notify.domain.preferences import CONSTITUENTS, Preferences, not_before, routes
from services.notify.recipients import recipient_path
from services.notify.store import (
    Contact,
    Delivery,
    InboxMessage,
    Preference,
    Template,
    WebhookEndpoint,
)
from services.notify.templates import apply


def record(ctx: WorkContext, event: Event, messages: list[Message]) -> None:
    now = ctx.clock.now()
    overrides = templates(ctx.session, event.tenant)
    data = without_contact(event.data)
    told = [
        apply(m, *overrides[m.kind], event.name, data) if m.kind in overrides else m
        for m in messages
    ]
    tell(ctx.session, ctx.directory, Source.of(event), told, now)
    plan_webhooks(ctx, event, now)


def templates(session: Session, tenant: str) -> dict[str, tuple[str, str]]:
    """The tenant's own words (subject, body) by message kind."""

    def read() -> dict[str, tuple[str, str]]:
        rows = session.scalars(select(Template).where(Template.tenant == tenant))
        return {t.kind: (t.subject, t.body) for t in rows}

    return once_per_transaction(session, (Template,), tenant, read)


def settings_and_channels(session: Session) -> tuple[NotifySettings, frozenset[str]]:
    """Notify's settings and the channels configured, read from the environment once per
    transaction (a batch of events, ADR 0019)."""

    def read() -> tuple[NotifySettings, frozenset[str]]:
        settings = NotifySettings.from_env()
        return settings, configured_names(settings)

    return once_per_transaction(session, (), NotifySettings, read)


def tell(
    session: Session, directory: Directory, source: Source, messages: list[Message], now: datetime
) -> None:
    """Each message into its recipient's inbox, and onto the channels they can be reached on.
    A recipient's preferences and addresses, like the tenant's templates and webhook
    endpoints, are read once per transaction (`once_per_transaction`): only notify's API
    and the operator change them, in transactions of their own."""
    settings, channels = settings_and_channels(session)
    for message in messages:
        if message.phone is not None:
            tell_constituent(session, source, message, now, settings, channels)
            continue
        session.add(
            InboxMessage(
                tenant=source.tenant,
                tenant_path=recipient_path(directory, message.recipient) or f"/{source.tenant}/",
                recipient=message.recipient,
                kind=message.kind,
                subject=message.subject,
                body=message.body,
                event_id=source.event_id,
                created_at=now,
            )
        )
        prefs, reachable = reach(session, message.recipient)
        addresses = {
            channel: address for channel, address in reachable.items() if channel in channels
        }
        held = prefs.digest_at is not None and not message.urgent
        for (channel, address), *fallback in routes(addresses, prefs):
            delivery = new_delivery(
                source,
                message.recipient,
                channel,
                address,
                message,
                not_before(channel, message.urgent, now, prefs, settings.zone),
                fallback=[list(route) for route in fallback],
                created_at=now,
            )
            if held:
                delivery.status = "held"
            session.add(delivery)


def tell_constituent(
    session: Session,
    source: Source,
    message: Message,
    now: datetime,
    settings: NotifySettings,
    channels: frozenset[str],
) -> None:
    """One SMS, in the tenant's quiet hours for constituents. The delivery log shows the
    masked phone; the ciphertext rides in the payload, opened by the SMS channel at send
    time and dropped once delivered (ADR 0011)."""
    assert message.phone is not None
    prefs = constituent_preferences(session.get(Preference, constituents(source.tenant)))
    if "sms" not in channels or "sms" not in prefs.channels:
        return
    session.add(
        new_delivery(
            source,
            message.recipient,
            "sms",
            message.phone.masked,
            message,
            not_before("sms", message.urgent, now, prefs, settings.zone),
            payload={SEALED_PHONE: message.phone.encrypted},
            created_at=now,
        )
    )


def without_contact(data: dict) -> dict:
    """An event's data as templates and county systems' webhooks see it: no phone, even
    encrypted or masked."""
    return {k: v for k, v in data.items() if k not in (SEALED_PHONE, "phone_masked")}


def reach(session: Session, recipient: str) -> tuple[Preferences, dict[str, str]]:
    """A recipient's preferences and addresses by channel."""

    def read() -> tuple[Preferences, dict[str, str]]:
        return (
            preferences_of(session.get(Preference, recipient)),
            addresses_of(session.get(Contact, recipient)),
        )

    return once_per_transaction(session, (Preference, Contact), recipient, read)


@dataclass(frozen=True)
class Endpoint:
    """An enabled webhook endpoint, as planning reads it."""

    id: str
    url: str
    event_types: tuple[str, ...]
    tenant_path: str


def enabled_endpoints(session: Session) -> list[Endpoint]:
    def read() -> list[Endpoint]:
        rows = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.disabled_at.is_(None)))
        return [Endpoint(e.id, e.url, tuple(e.event_types), e.tenant_path) for e in rows]

    return once_per_transaction(session, (WebhookEndpoint,), None, read)


def plan_webhooks(ctx: WorkContext, event: Event, now: datetime) -> None:
    """Every enabled endpoint that asked for this event type, in or above its tenant."""
    endpoints = [e for e in enabled_endpoints(ctx.session) if event.name in e.event_types]
    if not endpoints:
        return
    node = ctx.directory.node(event.tenant)
    path = node.path if node else f"/{event.tenant}/"
    payload = REGISTRY.get(event.type).to_json(without_contact(event.data))
    for endpoint in endpoints:
        if not path.startswith(endpoint.tenant_path):
            continue
        message = Message(f"endpoint:{endpoint.id}", event.name, event.name, "")
        ctx.session.add(
            new_delivery(
                Source.of(event),
                message.recipient,
                "webhook",
                endpoint.url,
                message,
                now,
                payload=payload,
                created_at=now,
            )
        )


@dataclass(frozen=True)
class Source:
    """What a delivery is about: an event, or a digest of several."""

    event_id: str
    event_type: str
    event_time: datetime
    tenant: str

    @classmethod
    def of(cls, event: Event) -> Source:
        return cls(event.id, event.name, event.time, event.tenant)


def new_delivery(
    source: Source,
    recipient: str,
    channel: str,
    address: str,
    message: Message,
    due: datetime,
    *,
    created_at: datetime,
    fallback: list[list[str]] | None = None,
    payload: dict | None = None,
) -> Delivery:
    return Delivery(
        message_id=str(uuid.uuid4()),
        event_id=source.event_id,
        event_type=source.event_type,
        event_time=source.event_time,
        tenant=source.tenant,
        recipient=recipient,
        channel=channel,
        address=address,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        payload=payload,
        urgent=message.urgent,
        fallback=fallback or [],
        status="pending",
        attempts=0,
        next_attempt_at=due,
        created_at=created_at,
    )


def addresses_of(contact: Contact | None) -> dict[str, str]:
    if contact is None:
        return {}
    found = {"email": contact.email, "sms": contact.phone, "wechat": contact.wechat_openid}
    return {channel: address for channel, address in found.items() if address}


def preferences_of(row: Preference | None) -> Preferences:
    if row is None:
        return Preferences()
    return Preferences(
        channels=tuple(row.channels),
        fallback=row.fallback,
        quiet_start=time.fromisoformat(row.quiet_start) if row.quiet_start else None,
        quiet_end=time.fromisoformat(row.quiet_end) if row.quiet_end else None,
        digest_at=time.fromisoformat(row.digest_at) if row.digest_at else None,
    )


def constituent_preferences(row: Preference | None) -> Preferences:
    return CONSTITUENTS if row is None else preferences_of(row)
