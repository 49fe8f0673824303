"""The opinion aggregate's event handlers: an opinion lands, and actions on it."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from contracts import Event
from runtime.work import WorkContext
from services.workflow import working_days
from services.workflow.domain.actors import Actor
from services.workflow.domain.calendar import local_date
from services.workflow.domain.rules import RuleBroken
from services.workflow.opinions.actions import perform
from services.workflow.opinions.actions.route import record_step
from services.workflow.opinions.domain.opinion import State, level_deadline
from services.workflow.opinions.payloads import ref
from services.workflow.opinions.store import Opinion
from services.workflow.policy import opinion_policy_for
from services.workflow.receipts import reject, settle


def on_opinion_submitted(event: Event, ctx: WorkContext) -> None:
    """Register it (在册登记) at its contact point, classified, with the station's deadline."""
    data = event.data
    session = ctx.session
    if session.scalar(select(Opinion.id).where(Opinion.submission_id == data["submission_id"])):
        return
    now = ctx.clock.now()
    policy = opinion_policy_for(session, data["tenant"])
    opinion = Opinion(
        id=str(uuid.uuid4()),
        public_code=data["public_code"],
        submission_id=data["submission_id"],
        tenant=data["tenant"],
        station_id=data["station_id"],
        station_path=data["station_path"],
        contact_point_kind=data["contact_point_kind"],
        channel=data["channel"],
        text=data["text"],
        category=data["category"] or "other",
        urgency=data["urgency"],
        state=State.OPEN,
        level="station",
        holder_node_id=data["station_id"],
        deadline=level_deadline(local_date(now), "station", policy, working_days.is_working_day),
        overdue=False,
        name_encrypted=data["name_encrypted"],
        phone_encrypted=data["phone_encrypted"],
        phone_masked=data["phone_masked"],
        recorded_by=data["recorded_by"],
        place=data["place"],
        photos=data["photos"],
        received_at=data["submitted_at"],
    )
    session.add(opinion)
    session.flush()
    record_step(ctx, opinion, "registered", data["recorded_by"], channel=data["channel"])
    ctx.emit(
        "opinion.registered",
        {
            **ref(opinion, now),
            "channel": opinion.channel,
            "contact_point_kind": opinion.contact_point_kind,
            "category": opinion.category,
            "urgency": opinion.urgency,
            "deadline": opinion.deadline,
        },
        tenant=opinion.tenant,
    )
    settle(
        ctx,
        data["submission_id"],
        "opinion",
        opinion.id,
        opinion.public_code,
        tenant=opinion.tenant,
    )


def on_opinion_action_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    actor = Actor(**data["actor"])
    opinion = ctx.session.get(Opinion, data["opinion_id"], with_for_update=True)
    if opinion is None or not opinion.station_path.startswith(actor.node_path):
        reject(ctx, data["submission_id"], RuleBroken("no opinion with that id", "opinion_id"))
        return
    try:
        with ctx.session.begin_nested():
            perform(ctx, opinion, actor, data["action"], data["args"])
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(
        ctx,
        data["submission_id"],
        "opinion",
        opinion.id,
        opinion.public_code,
        tenant=opinion.tenant,
    )


HANDLERS = {
    "opinion.submitted": on_opinion_submitted,
    "opinion.action_requested": on_opinion_action_requested,
}
