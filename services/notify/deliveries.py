"""The delivery log's transitions shared by the runner, the API and the CLI: what a claimed
delivery sends, how it ends (and falls back to the next channel), and replays."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from runtime.work import WorkContext
from services.notify.channels import SEALED_PHONE, Outcome, Outgoing
from services.notify.config import NotifySettings
from services.notify.domain.preferences import not_before
from services.notify.planning import preferences_of
from services.notify.store import Delivery, InboxMessage, Preference, WebhookEndpoint


def outgoing(session: Session, delivery: Delivery, now: datetime) -> Outgoing:
    secrets: tuple[str, ...] = ()
    if delivery.channel == "webhook":
        endpoint = session.get(WebhookEndpoint, delivery.recipient.removeprefix("endpoint:"))
        if endpoint is not None:
            secrets = current_secrets(endpoint, now)
    return Outgoing(
        message_id=delivery.message_id,
        channel=delivery.channel,
        address=delivery.address,
        kind=delivery.kind,
        subject=delivery.subject,
        body=delivery.body,
        event_type=delivery.event_type,
        event_time=delivery.event_time,
        payload=delivery.payload,
        secrets=secrets,
    )


def current_secrets(endpoint: WebhookEndpoint, at: datetime) -> tuple[str, ...]:
    """The secret, and the one it replaced while the overlap lasts."""
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and (endpoint.previous_secret_until > at)
    ):
        return (endpoint.secret, endpoint.previous_secret)
    return (endpoint.secret,)


def finish(
    session: Session,
    delivery: Delivery,
    result: str,
    outcome: Outcome,
    now: datetime,
    settings: NotifySettings,
) -> None:
    delivery.status = result
    delivery.finished_at = now
    delivery.last_error = None if result == "delivered" else outcome.detail[:500]
    if result == "delivered" and delivery.payload and SEALED_PHONE in delivery.payload:
        delivery.payload = None  # the constituent's phone is kept no longer than needed
    if result != "delivered" and delivery.fallback:
        (channel, address), *rest = delivery.fallback
        prefs = preferences_of(session.get(Preference, delivery.recipient))
        session.add(
            Delivery(
                message_id=str(uuid.uuid4()),
                event_id=delivery.event_id,
                event_type=delivery.event_type,
                event_time=delivery.event_time,
                tenant=delivery.tenant,
                recipient=delivery.recipient,
                channel=channel,
                address=address,
                kind=delivery.kind,
                subject=delivery.subject,
                body=delivery.body,
                payload=delivery.payload,
                urgent=delivery.urgent,
                fallback=rest,
                status="pending",
                attempts=0,
                next_attempt_at=not_before(channel, delivery.urgent, now, prefs, settings.zone),
                created_at=now,
            )
        )
    if outcome.gone:
        disable_endpoint(session, delivery, now)


def disable_endpoint(session: Session, delivery: Delivery, now: datetime) -> None:
    """An endpoint that answered 410 gets nothing more; its tenant's committee is told,
    and the endpoint's owner sees why when it lists its endpoints."""
    endpoint = session.get(WebhookEndpoint, delivery.recipient.removeprefix("endpoint:"))
    if endpoint is None or endpoint.disabled_at is not None:
        return
    endpoint.disabled_at = now
    endpoint.disabled_reason = "HTTP 410 Gone"
    session.add(
        InboxMessage(
            tenant=endpoint.tenant,
            tenant_path=endpoint.tenant_path,
            recipient=f"committee:{endpoint.tenant}",
            kind="webhook.disabled",
            subject="Webhook 接收地址已停用",
            body=f"{endpoint.url} 答复 410（已不存在），已停止推送。所有者可重新启用。",
            event_id=delivery.message_id,
            created_at=now,
        )
    )
    refuse_pending(session, delivery.recipient, "the endpoint was disabled (HTTP 410)", now)


def refuse_pending(session: Session, recipient: str, reason: str, now: datetime) -> None:
    """Deliveries not yet sent to an endpoint that is gone end as refused, with the reason."""
    for pending in session.scalars(
        select(Delivery).where(Delivery.recipient == recipient, Delivery.status == "pending")
    ):
        pending.status = "refused"
        pending.finished_at = now
        pending.last_error = reason


def replay(session: Session, delivery: Delivery, now: datetime) -> bool:
    """A dead or refused delivery is due again now, with the same message id; True if so."""
    if delivery.status not in ("dead", "refused"):
        return False
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.finished_at = None
    return True


def release_held(session: Session, recipient: str, now: datetime) -> None:
    """A recipient who no longer wants a digest gets what was held for it now."""
    for held in session.scalars(
        select(Delivery).where(Delivery.recipient == recipient, Delivery.status == "held")
    ):
        held.status = "pending"
        held.next_attempt_at = now


def prune_deliveries(ctx: WorkContext) -> None:
    """Forget finished deliveries older than RENDA_NOTIFY_LOG_RETENTION_DAYS (a scheduled
    tick). Kept longer than the inbox of events (RENDA_MESSAGE_RETENTION_DAYS), so that an
    event replayed from a dead-letter queue still finds what it already sent."""
    days = NotifySettings.from_env().log_retention_days
    cutoff = ctx.clock.now() - timedelta(days=days)
    ctx.session.execute(
        delete(Delivery).where(Delivery.finished_at.is_not(None), Delivery.finished_at < cutoff)
    )
