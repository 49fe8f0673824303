"""Evaluation and closing: the proposers' back-to-back ratings, what follows them, and a
B reply reported done (docs/domain.md §1 rules 5 to 7)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.work import WorkContext
from services.workflow import working_days
from services.workflow.domain.actors import acting_deputy, acting_unit
from services.workflow.domain.calendar import local_date
from services.workflow.domain.deadlines import DeadlinePolicy, months_later
from services.workflow.domain.rules import require
from services.workflow.suggestions.actions.act import Act
from services.workflow.suggestions.domain.evaluation import (
    Evaluation,
    Next,
    Rating,
    check_evaluation,
    next_step,
    worst,
)
from services.workflow.suggestions.domain.suggestion import ReplyClass, State, check_state
from services.workflow.suggestions.payloads import proposers, ref
from services.workflow.suggestions.store import EvaluationRow, Suggestion


def evaluations_of(session: Session, suggestion: Suggestion) -> list[Evaluation]:
    rows = session.scalars(
        select(EvaluationRow).where(
            EvaluationRow.suggestion_id == suggestion.id, EvaluationRow.round == suggestion.round
        )
    )
    return [Evaluation(r.deputy_id, Rating(r.attitude), Rating(r.result)) for r in rows]


def evaluate_action(act: Act) -> None:
    s = act.suggestion
    deputy_id = acting_deputy(act.actor, act.args)
    check_state(State(s.state), (State.REPLIED,), "evaluate")
    require(act.today <= (s.evaluation_closes or act.today), "the evaluation window has closed")
    check_evaluation(
        deputy_id,
        proposers(s),
        [e.deputy_id for e in evaluations_of(act.session, s)],
        round_=s.round,
        max_rounds=1 + act.policy.max_second_assignments,
    )
    attitude, result = Rating(act.args["attitude"]), Rating(act.args["result"])
    act.session.add(
        EvaluationRow(
            suggestion_id=s.id,
            round=s.round,
            deputy_id=deputy_id,
            attitude=attitude,
            result=result,
            comment=act.args.get("comment"),
            rated_at=act.now,
        )
    )
    act.session.flush()
    act.ctx.emit(
        "suggestion.evaluated",
        {
            **ref(s),
            "round": s.round,
            "deputy_id": deputy_id,
            "attitude": attitude,
            "result": result,
            "at": act.now,
        },
        tenant=s.tenant,
    )
    settle_evaluation(act.ctx, s, act.policy, window_closed=False)


def settle_evaluation(
    ctx: WorkContext, s: Suggestion, policy: DeadlinePolicy, *, window_closed: bool
) -> None:
    """After a rating, or when the window closes: wait, close, or ask for a meeting."""
    evaluations = evaluations_of(ctx.session, s)
    step = next_step(
        evaluations,
        proposers(s),
        window_closed=window_closed,
        second_assignments=s.second_assignments,
        max_second_assignments=policy.max_second_assignments,
    )
    if step is Next.WAIT:
        return
    now = ctx.clock.now()
    if evaluations:
        s.evaluated_round = s.round
        s.final_result = worst(e.result for e in evaluations)
    if step is Next.SECOND_ASSIGNMENT:
        s.state = State.AWAITING_MEETING
        ctx.emit(
            "suggestion.awaiting_meeting",
            {**ref(s), "lead_unit_id": s.lead_unit_id, "round": s.round, "at": now},
            tenant=s.tenant,
        )
        return
    s.state = State.CLOSED
    s.closed_at = now
    if s.reply_class == ReplyClass.A:
        s.done_at = now
    elif s.reply_class == ReplyClass.B:
        s.follow_up_deadline = months_later(
            local_date(now), policy.follow_up_months, working_days.is_working_day
        )
    ctx.emit(
        "suggestion.closed",
        {
            **ref(s),
            "lead_unit_id": s.lead_unit_id,
            "reply_class": s.reply_class,
            "done": s.done_at is not None,
            "follow_up_deadline": s.follow_up_deadline,
            "at": now,
        },
        tenant=s.tenant,
    )


def report_done_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.CLOSED,), "report done")
    require(unit_id == s.lead_unit_id, f"unit {unit_id} did not lead this suggestion", "unit_id")
    require(s.reply_class == ReplyClass.B, "only a B reply is followed up until done", "state")
    require(s.done_at is None, "it was already reported done", "state")
    s.done_at = act.now
    act.ctx.emit(
        "suggestion.done", {**ref(s), "lead_unit_id": unit_id, "at": act.now}, tenant=s.tenant
    )
