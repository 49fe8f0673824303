"""Notify puts what concerns each person in their inbox."""

from __future__ import annotations

from contracts import Event
from runtime.consumer import HandlerContext
from services.notify.domain.messages import Message, new_assignment, suggestion_returned
from services.notify.store import InboxMessage


def _deliver(ctx: HandlerContext, event: Event, messages: list[Message]) -> None:
    for message in messages:
        kind, _, person_id = message.recipient.partition(":")
        person = (
            ctx.directory.unit(person_id) if kind == "unit" else ctx.directory.deputy(person_id)
        )
        ctx.session.add(
            InboxMessage(
                tenant=event.tenant,
                tenant_path=person.node_path if person else f"/{event.tenant}/",
                recipient=message.recipient,
                kind=message.kind,
                subject=message.subject,
                body=message.body,
                event_id=event.id,
                created_at=ctx.clock.now(),
            )
        )


def on_suggestion_assigned(event: Event, ctx: HandlerContext) -> None:
    data = event.data
    _deliver(
        ctx,
        event,
        new_assignment(
            data["number"],
            data["title"],
            data["lead_unit_id"],
            data["co_unit_ids"],
            data["deadline"],
        ),
    )


def on_suggestion_returned(event: Event, ctx: HandlerContext) -> None:
    data = event.data
    _deliver(
        ctx,
        event,
        [
            suggestion_returned(
                data["lead_deputy_id"], data["number"], data["title"], data["reason"]
            )
        ],
    )


HANDLERS = {
    "suggestion.assigned": on_suggestion_assigned,
    "suggestion.returned": on_suggestion_returned,
}
