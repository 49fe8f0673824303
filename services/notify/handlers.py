"""Notify puts what concerns each person in their inbox."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Event
from contracts.topology import SUBSCRIPTIONS
from runtime.work import WorkContext
from services.notify.domain import messages as m
from services.notify.domain.messages import Message
from services.notify.recipients import recipient_path
from services.notify.store import InboxMessage


def _deliver(ctx: WorkContext, event: Event, messages: list[Message]) -> None:
    for message in messages:
        ctx.session.add(
            InboxMessage(
                tenant=event.tenant,
                tenant_path=recipient_path(ctx.directory, message.recipient) or f"/{event.tenant}/",
                recipient=message.recipient,
                kind=message.kind,
                subject=message.subject,
                body=message.body,
                event_id=event.id,
                created_at=ctx.clock.now(),
            )
        )


def _proposers(data: dict) -> list[str]:
    return [data["lead_deputy_id"], *data.get("cosigner_ids", [])]


def _compose(event: Event) -> list[Message]:
    d = event.data
    name = event.name
    if name == "suggestion.assigned":
        return m.new_assignment(
            d["number"],
            d["title"],
            d["lead_unit_id"],
            d["co_unit_ids"],
            d["deadline"],
            d["round"],
            _proposers(d) if d["lead_deputy_id"] else [],
            d["co_input_deadline"],
        )
    if name == "suggestion.returned":
        return [m.suggestion_returned(d["lead_deputy_id"], d["number"], d["title"], d["reason"])]
    if name in ("suggestion.converted", "suggestion.merged"):
        how = name.split(".")[1]
        return [m.screened_out(d["lead_deputy_id"], d["number"], how, d["reason"])]
    if name == "suggestion.marked_key":
        return m.marked_key(_proposers(d), d["number"], d["leading_official"])
    if name == "suggestion.adjust_requested":
        return [m.unit_request(d["tenant"], d["unit_id"], d["number"], "adjust", d["reason"])]
    if name == "suggestion.extension_requested":
        return [m.unit_request(d["tenant"], d["unit_id"], d["number"], "extension", d["reason"])]
    if name == "suggestion.extended":
        return [m.extended(d["lead_unit_id"], d["number"], d["deadline"])]
    if name == "suggestion.replied":
        return m.reply_awaiting_evaluation(
            _proposers(d), d["number"], d["reply_class"], d["evaluation_closes"]
        )
    if name == "suggestion.evaluated":
        if d["attitude"] == d["result"] == "satisfied":
            return []
        return [
            m.dissatisfied_evaluation(
                d["tenant"], d["number"], d["deputy_id"], d["attitude"], d["result"]
            )
        ]
    if name == "suggestion.awaiting_meeting":
        return m.awaiting_meeting(d["tenant"], d["lead_unit_id"], d["number"])
    if name == "suggestion.closed":
        return m.closed(_proposers(d), d["number"], d["reply_class"], d["done"])
    if name == "suggestion.done":
        return m.done(_proposers(d), d["number"])
    if name == "assignment.colour_changed":
        return m.colour_changed(
            d["tenant"],
            d["unit_id"],
            d["number"],
            d["title"],
            d["colour"],
            d["deadline"],
            d["is_key"],
        )
    if name == "suggestion.follow_up_colour_changed":
        return m.colour_changed(
            d["tenant"],
            d["lead_unit_id"],
            d["number"],
            f"{d['title']}（B类答复跟踪落实）",
            d["colour"],
            d["deadline"],
            d["is_key"],
        )
    if name == "supervision.opinion_recorded":
        return [m.supervision_opinion(d["unit_id"], d["number"], d["text"])]
    raise KeyError(name)


def on_event(event: Event, ctx: WorkContext) -> None:
    _deliver(ctx, event, _compose(event))


HANDLERS: dict[str, Callable[[Event, WorkContext], None]] = {
    # Notify tells people of every event it subscribes to; _compose knows each one.
    name: on_event
    for name in SUBSCRIPTIONS["notify"]
}
