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
from runtime.directory import Directory
from runtime.work import WorkContext
from services.notify.channels.configured import configured_names
from services.notify.config import NotifySettings
from services.notify.domain.messages import Message
from services.notify.domain.preferences import Preferences, not_before, routes
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
    overrides = {
        t.kind: t
        for t in ctx.session.scalars(select(Template).where(Template.tenant == event.tenant))
    }
    told = [
        apply(m, overrides[m.kind].subject, overrides[m.kind].body, event.name, event.data)
        if m.kind in overrides
        else m
        for m in messages
    ]
    tell(ctx.session, ctx.directory, Source.of(event), told, now)
    plan_webhooks(ctx, event, now)


def tell(
    session: Session, directory: Directory, source: Source, messages: list[Message], now: datetime
) -> None:
    """Each message into its recipient's inbox, and onto the channels they can be reached on."""
    settings = NotifySettings.from_env()
    channels = configured_names(settings)
    for message in messages:
        if message.sms_to is not None:
            # A contributor has no inbox and no contact row: the one number they left.
            if "sms" in channels:
                session.add(
                    new_delivery(
                        source,
                        message.recipient,
                        "sms",
                        message.sms_to,
                        message,
                        now,
                        created_at=now,
                    )
                )
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
        prefs = preferences_of(session.get(Preference, message.recipient))
        addresses = {
            channel: address
            for channel, address in addresses_of(session.get(Contact, message.recipient)).items()
            if channel in channels
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


def plan_webhooks(ctx: WorkContext, event: Event, now: datetime) -> None:
    """Every enabled endpoint that asked for this event type, in or above its tenant."""
    node = ctx.directory.node(event.tenant)
    path = node.path if node else f"/{event.tenant}/"
    endpoints = ctx.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.disabled_at.is_(None))
    )
    payload = REGISTRY.get(event.type).to_json(event.data)
    for endpoint in endpoints:
        if event.name not in endpoint.event_types or not path.startswith(endpoint.tenant_path):
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
