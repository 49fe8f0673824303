"""The decisions on an opinion: at its level (classify, resolve, forward, escalate), by a
deputy (adopt as a suggestion), by the department it went to (unit_reply), and the
clock's (escalate on a missed deadline, close with the adopted suggestion)."""

from __future__ import annotations

from typing import Any

from runtime.work import WorkContext
from services.workflow import working_days
from services.workflow.domain.actors import Actor, acting_deputy, acting_unit
from services.workflow.domain.calendar import add_working_days, local_date
from services.workflow.domain.rules import require
from services.workflow.opinions.domain.opinion import (
    State,
    holder_of,
    level_deadline,
    require_escalable,
    require_open,
)
from services.workflow.opinions.payloads import constituent_contact, ref
from services.workflow.opinions.store import Opinion, OpinionStep
from services.workflow.policy import opinion_policy_for
from services.workflow.suggestions.domain.suggestion import State as SuggestionState
from services.workflow.suggestions.store import Suggestion


def actor_name(actor: Actor) -> str:
    return f"{actor.role}:{actor.subject or actor.node_id}"


def record_step(
    ctx: WorkContext,
    opinion: Opinion,
    kind: str,
    actor: str | None,
    text: str | None = None,
    **details: Any,
) -> None:
    ctx.session.add(
        OpinionStep(
            opinion_id=opinion.id,
            at=ctx.clock.now(),
            kind=kind,
            level=opinion.level,
            node_id=opinion.holder_node_id,
            actor=actor,
            text=text,
            details=details,
        )
    )


def require_holder(opinion: Opinion, actor: Actor) -> None:
    """Only the office that holds the opinion decides at its level."""
    require(
        actor.node_id == opinion.holder_node_id,
        f"the opinion is held by {opinion.holder_node_id} ({opinion.level}); "
        "only that level's key decides",
        "opinion_id",
    )


def classify_action(ctx: WorkContext, opinion: Opinion, actor: Actor, args: dict) -> None:
    require(opinion.state != State.CLOSED, "the opinion is closed", "state")
    require_holder(opinion, actor)
    opinion.category, opinion.urgency = args["category"], args["urgency"]
    record_step(ctx, opinion, "classified", actor_name(actor), **args)
    ctx.emit(
        "opinion.classified",
        {**ref(opinion, ctx.clock.now()), "category": opinion.category, "urgency": opinion.urgency},
        tenant=opinion.tenant,
    )


def resolve_action(ctx: WorkContext, opinion: Opinion, actor: Actor, args: dict) -> None:
    require_open(opinion.state)
    require_holder(opinion, actor)
    close(ctx, opinion, "resolved", args["reply"], actor_name(actor))


def forward_action(ctx: WorkContext, opinion: Opinion, actor: Actor, args: dict) -> None:
    """转办: to a department of the county; a small urgent matter (小急难事) may go there
    straight from the station, without climbing the levels."""
    require_open(opinion.state)
    require_holder(opinion, actor)
    unit = ctx.directory.unit(args["unit_id"])
    require(
        unit is not None and unit.node_id == opinion.tenant,
        f"no department {args['unit_id']} of {opinion.tenant}",
        "unit_id",
    )
    require(
        opinion.level != "station" or opinion.urgency == "urgent",
        "a station forwards only a small urgent matter (小急难事); escalate the others",
        "unit_id",
    )
    policy = opinion_policy_for(ctx.session, opinion.tenant)
    today = local_date(ctx.clock.now())
    record_step(
        ctx, opinion, "forwarded", actor_name(actor), args.get("note"), unit_id=args["unit_id"]
    )
    opinion.state, opinion.level, opinion.holder_node_id = (
        State.FORWARDED,
        "department",
        args["unit_id"],
    )
    opinion.deadline = add_working_days(
        today, policy.department_working_days, working_days.is_working_day
    )
    opinion.overdue = False
    ctx.emit(
        "opinion.forwarded",
        {**ref(opinion, ctx.clock.now()), "unit_id": args["unit_id"], "deadline": opinion.deadline},
        tenant=opinion.tenant,
    )


def unit_reply_action(ctx: WorkContext, opinion: Opinion, actor: Actor, args: dict) -> None:
    require(opinion.state == State.FORWARDED, "the opinion is not with a department", "state")
    unit_id = acting_unit(actor, args)
    require(unit_id == opinion.holder_node_id, f"the opinion is not with {unit_id}", "unit_id")
    close(ctx, opinion, "forwarded", args["reply"], actor_name(actor))


def escalate_action(ctx: WorkContext, opinion: Opinion, actor: Actor, args: dict) -> None:
    require_open(opinion.state)
    require_holder(opinion, actor)
    escalate(ctx, opinion, args["reason"], actor_name(actor), automatic=False)


def escalate(
    ctx: WorkContext, opinion: Opinion, reason: str, actor: str | None, *, automatic: bool
) -> None:
    above = require_escalable(opinion.level)
    now = ctx.clock.now()
    record_step(ctx, opinion, "escalated", actor, reason, automatic=automatic, to=above)
    from_level, from_node = opinion.level, opinion.holder_node_id
    opinion.level, opinion.holder_node_id = above, holder_of(opinion.station_path, above)
    policy = opinion_policy_for(ctx.session, opinion.tenant)
    opinion.deadline = level_deadline(local_date(now), above, policy, working_days.is_working_day)
    opinion.overdue = False
    ctx.emit(
        "opinion.escalated",
        {
            **ref(opinion, now),
            "from_level": from_level,
            "from_node_id": from_node,
            "automatic": automatic,
            "reason": reason,
            "deadline": opinion.deadline,
            **constituent_contact(opinion),
        },
        tenant=opinion.tenant,
    )


def adopt_action(ctx: WorkContext, opinion: Opinion, actor: Actor, args: dict) -> None:
    """A deputy adopts it as the suggestion they filed with source_opinion_id naming it."""
    require_open(opinion.state)
    deputy_id = acting_deputy(actor, args | {"deputy_id": _lead_of(ctx, args)})
    suggestion = ctx.session.get(Suggestion, args["suggestion_id"])
    require(
        suggestion is not None
        and suggestion.tenant == opinion.tenant
        and suggestion.source_opinion_id == opinion.id,
        "no suggestion of this congress filed with source_opinion_id naming this opinion",
        "suggestion_id",
    )
    assert suggestion is not None
    require(
        suggestion.lead_deputy_id == deputy_id,
        "only the suggestion's lead deputy adopts the opinion with it",
        "suggestion_id",
    )
    record_step(ctx, opinion, "adopted", f"deputy:{deputy_id}", suggestion_id=suggestion.id)
    opinion.state, opinion.suggestion_id, opinion.adopted_by = (
        State.ADOPTED,
        suggestion.id,
        deputy_id,
    )
    opinion.deadline = None
    ctx.emit(
        "opinion.adopted",
        {
            **ref(opinion, ctx.clock.now()),
            "deputy_id": deputy_id,
            "suggestion_id": suggestion.id,
            **constituent_contact(opinion),
        },
        tenant=opinion.tenant,
    )


def _lead_of(ctx: WorkContext, args: dict) -> str | None:
    """A county system adopting for a deputy adopts for the suggestion's lead deputy."""
    suggestion = ctx.session.get(Suggestion, args["suggestion_id"])
    return suggestion.lead_deputy_id if suggestion else None


FINISHED_SUGGESTION = {
    SuggestionState.CLOSED: "closed",
    SuggestionState.RETURNED: "returned",
    SuggestionState.CONVERTED: "converted",
}


def follow_suggestion(ctx: WorkContext, opinion: Opinion, suggestion: Suggestion) -> None:
    """The adopted opinion closes with its suggestion; a suggestion returned or converted
    (never handled as a suggestion) gives the opinion back to its level."""
    if suggestion.state == SuggestionState.CLOSED:
        reply = f"已作为代表建议 {suggestion.number} 办理并办结。"
        close(ctx, opinion, "suggestion_closed", reply, None)
        return
    record_step(ctx, opinion, "adoption_ended", None, suggestion_state=suggestion.state)
    opinion.state, opinion.suggestion_id, opinion.adopted_by = State.OPEN, None, None
    policy = opinion_policy_for(ctx.session, opinion.tenant)
    opinion.deadline = level_deadline(
        local_date(ctx.clock.now()), opinion.level, policy, working_days.is_working_day
    )


def close(ctx: WorkContext, opinion: Opinion, outcome: str, reply: str, actor: str | None) -> None:
    now = ctx.clock.now()
    record_step(ctx, opinion, "closed", actor, reply, outcome=outcome)
    opinion.state, opinion.outcome, opinion.reply = State.CLOSED, outcome, reply
    opinion.resolved_level, opinion.closed_at, opinion.deadline = opinion.level, now, None
    ctx.emit(
        "opinion.closed",
        {
            **ref(opinion, now),
            "outcome": outcome,
            "reply": reply,
            "resolved_level": opinion.level,
            "deputy_id": opinion.adopted_by,
            **constituent_contact(opinion),
        },
        tenant=opinion.tenant,
    )
