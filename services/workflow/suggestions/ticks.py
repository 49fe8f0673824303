"""The suggestion aggregate's scheduled work: deadline colours and evaluation windows."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from runtime.metrics import OPEN_ASSIGNMENTS, set_all
from runtime.work import WorkContext
from services.workflow.domain.calendar import local_date
from services.workflow.domain.colours import colour_of
from services.workflow.policy import policy_for
from services.workflow.suggestions.actions.evaluation import settle_evaluation
from services.workflow.suggestions.domain.suggestion import State
from services.workflow.suggestions.payloads import ref
from services.workflow.suggestions.store import Assignment, Suggestion


def deadline_colours(ctx: WorkContext) -> None:
    """Colour every open assignment; each change is an event (the unit and the committee
    are told; a key suggestion turning yellow or red reaches the director's meeting)."""
    now = ctx.clock.now()
    today = local_date(now)
    policies: dict = {}
    rows = ctx.session.execute(
        select(Assignment, Suggestion)
        .join(Suggestion, Suggestion.id == Assignment.suggestion_id)
        .where(Assignment.status == "active", Suggestion.state == State.ASSIGNED)
        .order_by(Assignment.id)
    ).all()
    open_by_colour: Counter[tuple[str, str]] = Counter()
    for assignment, suggestion in rows:
        if suggestion.tenant not in policies:
            policies[suggestion.tenant] = policy_for(ctx.session, suggestion.tenant)
        colour = colour_of(assignment.deadline, today, policies[suggestion.tenant].warning_days)
        open_by_colour[suggestion.tenant, colour] += 1
        if colour == assignment.colour:
            continue
        previous, assignment.colour = assignment.colour, colour
        if assignment.role == "lead":
            suggestion.colour = colour
        ctx.emit(
            "assignment.colour_changed",
            {
                **ref(suggestion),
                "unit_id": assignment.unit_id,
                "role": assignment.role,
                "deadline": assignment.deadline,
                "colour": colour,
                "previous": previous,
                "at": now,
            },
            tenant=suggestion.tenant,
        )
    set_all(OPEN_ASSIGNMENTS, dict(open_by_colour))


def follow_up_colours(ctx: WorkContext) -> None:
    """A B reply is followed up until done (办成): its follow-up deadline is coloured too."""
    now = ctx.clock.now()
    today = local_date(now)
    open_follow_ups = ctx.session.scalars(
        select(Suggestion).where(
            Suggestion.state == State.CLOSED,
            Suggestion.reply_class == "B",
            Suggestion.done_at.is_(None),
            Suggestion.follow_up_deadline.is_not(None),
        )
    ).all()
    for suggestion in open_follow_ups:
        warning = policy_for(ctx.session, suggestion.tenant).warning_days
        assert suggestion.follow_up_deadline is not None
        colour = colour_of(suggestion.follow_up_deadline, today, warning)
        previous = suggestion.follow_up_colour or "white"
        suggestion.follow_up_colour = colour
        if colour == previous:
            continue
        ctx.emit(
            "suggestion.follow_up_colour_changed",
            {
                **ref(suggestion),
                "lead_unit_id": suggestion.lead_unit_id,
                "deadline": suggestion.follow_up_deadline,
                "colour": colour,
                "previous": previous,
                "at": now,
            },
            tenant=suggestion.tenant,
        )


def evaluation_windows(ctx: WorkContext) -> None:
    """A reply whose evaluation window has closed is settled with the ratings it got."""
    today = local_date(ctx.clock.now())
    replied = ctx.session.scalars(
        select(Suggestion).where(
            Suggestion.state == State.REPLIED, Suggestion.evaluation_closes < today
        )
    ).all()
    for suggestion in replied:
        settle_evaluation(
            ctx, suggestion, policy_for(ctx.session, suggestion.tenant), window_closed=True
        )


TICKS = {
    "workflow.deadline_colours": deadline_colours,
    "workflow.follow_up_colours": follow_up_colours,
    "workflow.evaluation_windows": evaluation_windows,
}
