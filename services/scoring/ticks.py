"""Scoring's scheduled work: the rectification that follows a review (docs/domain.md §5) is
reminded before its deadline and reported when late, each once, through notify."""

from __future__ import annotations

from sqlalchemy import or_, select

from runtime.work import WorkContext
from services.scoring.domain.reviews import plan_required
from services.scoring.ledger import local_day
from services.scoring.review_actions import ref
from services.scoring.store import ReviewRound
from services.workflow.domain.calendar import add_working_days
from services.workflow.working_days import is_working_day

ITEMS = ("plan", "report")


def review_deadlines(ctx: WorkContext) -> None:
    """A plan or report the round requires, not in yet: `soon` once within the round's
    reminder lead (in working days), `overdue` once the day after its deadline."""
    today = local_day(ctx.clock.now())
    rounds = ctx.session.scalars(
        select(ReviewRound)
        .where(
            ReviewRound.plan_due.is_not(None),
            or_(ReviewRound.plan_received_on.is_(None), ReviewRound.report_received_on.is_(None)),
        )
        .order_by(ReviewRound.id)
        .with_for_update(skip_locked=True)
    ).all()
    for round_ in rounds:
        if not plan_required(round_.model, round_.interim):
            continue
        horizon = add_working_days(today, round_.remind_working_days, is_working_day)
        for item in ITEMS:
            due = getattr(round_, f"{item}_due")
            told = getattr(round_, f"{item}_told")
            if getattr(round_, f"{item}_received_on") is not None or told == "overdue":
                continue
            if today > due:
                now_told = "overdue"
            elif told is None and horizon >= due:
                now_told = "soon"
            else:
                continue
            setattr(round_, f"{item}_told", now_told)
            ctx.emit(
                "review.deadline",
                {**ref(round_), "item": item, "due": due, "overdue": now_told == "overdue"},
                tenant=round_.tenant,
            )


TICKS = {"scoring.review_deadlines": review_deadlines}
