"""The suggestion aggregate's scheduled work: deadline colours and evaluation windows."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

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

COLOUR_CHUNK = 500
"""Open assignments fetched, and those whose colour changed loaded as objects and flushed,
this many at a time."""


def deadline_colours(ctx: WorkContext) -> None:
    """Colour every open assignment; each change is an event (the unit and the committee
    are told; a key suggestion turning yellow or red reaches the director's meeting).

    Every open assignment is read as four columns; only those whose colour changes, few on
    most runs, are loaded as objects, a chunk at a time. Loading every one with its
    suggestion each minute grew the worker's heap by the set's size, which it kept: +49 MB
    and 1.8 s of CPU a run at 22,500 open assignments, against +0.3 MB and 50 ms so
    (bench/README, "the leak check's growth")."""
    now = ctx.clock.now()
    today = local_date(now)
    open_rows = ctx.session.execute(
        select(Assignment.id, Assignment.colour, Assignment.deadline, Suggestion.tenant)
        .join(Suggestion, Suggestion.id == Assignment.suggestion_id)
        .where(Assignment.status == "active", Suggestion.state == State.ASSIGNED)
        .order_by(Assignment.id)
        # Fetched a chunk at a time (a server-side cursor on PostgreSQL), not all at once.
        .execution_options(yield_per=COLOUR_CHUNK)
    )
    warning_days: dict[str, int] = {}
    open_by_colour: Counter[tuple[str, str]] = Counter()
    changed: list[int] = []
    for assignment_id, was, deadline, tenant in open_rows:
        if tenant not in warning_days:
            warning_days[tenant] = policy_for(ctx.session, tenant).warning_days
        colour = colour_of(deadline, today, warning_days[tenant])
        open_by_colour[tenant, colour] += 1
        if colour != was:
            changed.append(assignment_id)
    for start in range(0, len(changed), COLOUR_CHUNK):
        chunk = changed[start : start + COLOUR_CHUNK]
        rows = ctx.session.execute(
            select(Assignment, Suggestion)
            .join(Suggestion, Suggestion.id == Assignment.suggestion_id)
            .where(
                Assignment.id.in_(chunk),
                Assignment.status == "active",
                Suggestion.state == State.ASSIGNED,
            )
            .order_by(Assignment.id)
        ).all()
        for assignment, suggestion in rows:
            _recolour(ctx, assignment, suggestion, now, today, warning_days[suggestion.tenant])
        # Written now, so that the session holds no more than a chunk's objects.
        ctx.session.flush()
    set_all(OPEN_ASSIGNMENTS, dict(open_by_colour))


def _recolour(
    ctx: WorkContext,
    assignment: Assignment,
    suggestion: Suggestion,
    now: datetime,
    today: date,
    warning_days: int,
) -> None:
    """Recoloured from the row as loaded now: a handler may have changed it since it was read."""
    colour = colour_of(assignment.deadline, today, warning_days)
    if colour == assignment.colour:
        return
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
