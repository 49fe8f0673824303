"""What the committee, the units and the deputies do to a suggestion.

Each action loads what it needs, asks the domain rules, and records the outcome and
its events in the caller's transaction. A broken rule raises RuleBroken, which the
handler turns into a rejected receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.directory import Directory
from runtime.work import WorkContext
from services.workflow import working_days
from services.workflow.domain.actors import (
    Actor,
    acting_deputy,
    acting_unit,
    check_units_of,
    require_committee,
)
from services.workflow.domain.calendar import local_date
from services.workflow.domain.colours import colour_of
from services.workflow.domain.deadlines import (
    DeadlinePolicy,
    adjust_window_closes,
    assignment_deadlines,
    evaluation_window_closes,
    extended_deadline,
    months_later,
)
from services.workflow.domain.evaluation import (
    Evaluation,
    Next,
    Rating,
    check_evaluation,
    next_step,
    worst,
)
from services.workflow.domain.handling import (
    ContactStage,
    RecordKind,
    check_adjust_request,
    check_extension,
    check_reply,
)
from services.workflow.domain.routing import Route, route
from services.workflow.domain.rules import RuleBroken, require
from services.workflow.domain.suggestion import (
    ENDED,
    ReplyClass,
    ScreeningDecision,
    State,
    check_screening,
    check_state,
)
from services.workflow.payloads import proposers, ref
from services.workflow.policy import policy_for
from services.workflow.store import (
    Assignment,
    EvaluationRow,
    HandlingRecord,
    Meeting,
    Reply,
    RoutingRule,
    Suggestion,
    SupervisionOpinion,
)


@dataclass
class Act:
    """One action in progress: who, on what, with which arguments, and when."""

    ctx: WorkContext
    suggestion: Suggestion
    actor: Actor
    args: dict[str, Any]
    now: datetime
    policy: DeadlinePolicy

    @property
    def session(self) -> Session:
        return self.ctx.session

    @property
    def today(self) -> date:
        return local_date(self.now)

    def emit(self, name: str, data: dict[str, Any]) -> None:
        self.ctx.emit(name, data, tenant=self.suggestion.tenant)


# -- assignments ---------------------------------------------------------------------------
def active_assignments(session: Session, suggestion: Suggestion) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment).where(
                Assignment.suggestion_id == suggestion.id,
                Assignment.round == suggestion.round,
                Assignment.status == "active",
            )
        )
    )


def current_assignment(act: Act, unit_id: str, role: str | None = None) -> Assignment:
    for assignment in active_assignments(act.session, act.suggestion):
        if assignment.unit_id == unit_id and (role is None or assignment.role == role):
            return assignment
    what = {"lead": "the lead unit", "co": "a co-handling unit", None: "assigned"}[role]
    raise RuleBroken(f"unit {unit_id} is not {what} of this suggestion now", "unit_id")


def withdraw(session: Session, suggestion: Suggestion) -> None:
    """Take the current units off; withdrawn time is not held against them."""
    for assignment in active_assignments(session, suggestion):
        assignment.status = "withdrawn"


def check_units(directory: Directory, tenant: str, unit_ids: list[str], field: str) -> None:
    congress = {}
    for unit_id in unit_ids:
        unit = directory.unit(unit_id)
        congress[unit_id] = unit.node_id if unit else None
    check_units_of(tenant, congress, field)


def assign(
    ctx: WorkContext, suggestion: Suggestion, decided: Route, policy: DeadlinePolicy, round_: int
) -> None:
    now = ctx.clock.now()
    today = local_date(now)
    deadline, co_deadline = assignment_deadlines(
        today,
        urgent=suggestion.urgent,
        round_=round_,
        policy=policy,
        is_working_day=working_days.is_working_day,
    )
    colour = colour_of(deadline, today, policy.warning_days)
    units = [(decided.lead_unit_id, "lead", deadline)]
    units += [(u, "co", co_deadline) for u in decided.co_unit_ids]
    for unit_id, role, unit_deadline in units:
        ctx.session.add(
            Assignment(
                suggestion_id=suggestion.id,
                unit_id=unit_id,
                role=role,
                round=round_,
                status="active",
                assigned_at=now,
                deadline=unit_deadline,
                colour=colour_of(unit_deadline, today, policy.warning_days),
            )
        )
    suggestion.state = State.ASSIGNED
    suggestion.round = round_
    suggestion.lead_unit_id = decided.lead_unit_id
    suggestion.deadline = deadline
    suggestion.colour = colour
    suggestion.first_assigned_at = suggestion.first_assigned_at or now
    ctx.emit(
        "suggestion.assigned",
        {
            "suggestion_id": suggestion.id,
            "number": suggestion.number,
            "tenant": suggestion.tenant,
            "title": suggestion.title,
            "lead_unit_id": decided.lead_unit_id,
            "co_unit_ids": list(decided.co_unit_ids),
            "deadline": deadline,
            "co_input_deadline": co_deadline if decided.co_unit_ids else None,
            "assigned_at": now,
            "round": round_,
            "lead_deputy_id": suggestion.lead_deputy_id,
            "cosigner_ids": list(suggestion.cosigner_ids),
        },
        tenant=suggestion.tenant,
    )


def accept(ctx: WorkContext, suggestion: Suggestion, policy: DeadlinePolicy) -> None:
    """Screened in: counted for the deputy, and assigned at once if a routing rule fits."""
    suggestion.state = State.ACCEPTED
    suggestion.accepted_at = ctx.clock.now()
    ctx.emit(
        "suggestion.accepted",
        {
            "suggestion_id": suggestion.id,
            "number": suggestion.number,
            "tenant": suggestion.tenant,
            "lead_deputy_id": suggestion.lead_deputy_id,
            "cosigner_ids": list(suggestion.cosigner_ids),
            "title": suggestion.title,
            "category": suggestion.category,
            "urgent": suggestion.urgent,
            "accepted_at": suggestion.accepted_at,
        },
        tenant=suggestion.tenant,
    )
    rule = ctx.session.get(RoutingRule, (suggestion.tenant, suggestion.category))
    decided = route(
        suggestion.category,
        {rule.category: Route(rule.lead_unit_id, tuple(rule.co_unit_ids))} if rule else {},
    )
    if decided is not None:
        assign(ctx, suggestion, decided, policy, round_=1)


# -- the actions -------------------------------------------------------------------------
def screen_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    decision = ScreeningDecision(act.args["decision"])
    survivor = None
    if decision is ScreeningDecision.MERGE:
        survivor = act.session.get(Suggestion, str(act.args.get("into", "")))
        require(
            survivor is None or survivor.id != s.id, "a suggestion cannot absorb itself", "into"
        )
    check_screening(
        State(s.state),
        decision,
        survivor_state=State(survivor.state) if survivor else None,
        same_tenant=survivor is not None and survivor.tenant == s.tenant,
    )
    if decision is ScreeningDecision.ACCEPT:
        accept(act.ctx, s, act.policy)
        return
    require(
        decision is ScreeningDecision.MERGE or bool(act.args.get("reason")),
        "give the reason for the deputy",
        "reason",
    )
    withdraw(act.session, s)
    s.return_reason = act.args.get("reason")
    payload = {**ref(s), "reason": s.return_reason, "at": act.now}
    if decision is ScreeningDecision.RETURN:
        s.state = State.RETURNED
        act.emit(
            "suggestion.returned", {**ref(s), "reason": s.return_reason, "returned_at": act.now}
        )
    elif decision is ScreeningDecision.CONVERT:
        s.state = State.CONVERTED
        act.emit("suggestion.converted", payload)
    else:
        assert survivor is not None
        s.state = State.MERGED
        s.merged_into_id = survivor.id
        # The merged suggestion's proposers follow the survivor, and evaluate its reply.
        joined = [d for d in proposers(s) if d not in proposers(survivor)]
        survivor.cosigner_ids = [*survivor.cosigner_ids, *joined]
        act.emit("suggestion.merged", {**payload, "into_suggestion_id": survivor.id})


def mark_key_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    require(
        State(s.state) not in ENDED, f"a suggestion that is {s.state} cannot become key", "state"
    )
    require(not s.is_key, "the suggestion is already a key suggestion", "state")
    s.is_key = True
    s.leading_official = act.args["leading_official"]
    s.supervisor = act.args["supervisor"]
    act.emit(
        "suggestion.marked_key",
        {
            **ref(s),
            "leading_official": s.leading_official,
            "supervisor": s.supervisor,
            "at": act.now,
        },
    )


def assign_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    check_state(State(s.state), (State.ACCEPTED, State.ASSIGNED), "assign")
    lead = str(act.args["lead_unit_id"])
    co = [str(u) for u in act.args.get("co_unit_ids", [])]
    require(lead not in co, "the lead unit cannot also co-handle", "co_unit_ids")
    check_units(act.ctx.directory, s.tenant, [lead], "lead_unit_id")
    check_units(act.ctx.directory, s.tenant, co, "co_unit_ids")
    withdraw(act.session, s)
    assign(act.ctx, s, Route(lead, tuple(co)), act.policy, round_=max(s.round, 1))


def request_adjustment_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "ask to adjust")
    assignment = current_assignment(act, unit_id)
    require(assignment.adjust_requested_at is None, "this unit already asked", "unit_id")
    check_adjust_request(
        act.today,
        adjust_window_closes(
            local_date(assignment.assigned_at),
            policy=act.policy,
            is_working_day=working_days.is_working_day,
        ),
    )
    assignment.adjust_requested_at = act.now
    assignment.adjust_reason = act.args["reason"]
    act.emit(
        "suggestion.adjust_requested",
        {**ref(s), "unit_id": unit_id, "reason": act.args["reason"], "at": act.now},
    )


def request_extension_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "ask to extend")
    current_assignment(act, unit_id, "lead")
    check_extension(s.extended, s.urgent)
    require(not s.extension_requested, "an extension was already requested", "reason")
    s.extension_requested = True
    act.emit(
        "suggestion.extension_requested",
        {**ref(s), "unit_id": unit_id, "reason": act.args["reason"], "at": act.now},
    )


def approve_extension_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    check_state(State(s.state), (State.ASSIGNED,), "extend")
    require(s.extension_requested, "the lead unit has not asked for an extension", "state")
    check_extension(s.extended, s.urgent)
    lead = current_assignment(act, s.lead_unit_id or "", "lead")
    lead.deadline = extended_deadline(
        local_date(lead.assigned_at), policy=act.policy, is_working_day=working_days.is_working_day
    )
    s.deadline = lead.deadline
    s.extended = True
    act.emit(
        "suggestion.extended",
        {**ref(s), "lead_unit_id": lead.unit_id, "deadline": lead.deadline, "at": act.now},
    )


def record_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "record handling of")
    current_assignment(act, unit_id, "lead")
    kind = RecordKind(act.args["kind"])
    stage = act.args.get("stage")
    require(
        kind is not RecordKind.CONTACT or stage in {c.value for c in ContactStage},
        "a contact is before, during or after handling",
        "stage",
    )
    act.session.add(
        HandlingRecord(
            suggestion_id=s.id,
            round=s.round,
            unit_id=unit_id,
            kind=kind,
            stage=stage if kind is RecordKind.CONTACT else None,
            text=act.args["text"],
            at=act.now,
        )
    )


def co_input_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "give co-handling input to")
    assignment = current_assignment(act, unit_id, "co")
    act.session.add(
        HandlingRecord(
            suggestion_id=s.id,
            round=s.round,
            unit_id=unit_id,
            kind="co_input",
            text=act.args["text"],
            at=act.now,
        )
    )
    assignment.status = "ended"


def reply_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "reply to")
    lead = current_assignment(act, unit_id, "lead")
    records = act.session.execute(
        select(HandlingRecord.kind, HandlingRecord.unit_id).where(
            HandlingRecord.suggestion_id == s.id, HandlingRecord.round == s.round
        )
    ).all()
    given = {u for kind, u in records if kind == "co_input"}
    co_units = act.session.scalars(
        select(Assignment.unit_id).where(
            Assignment.suggestion_id == s.id,
            Assignment.round == s.round,
            Assignment.role == "co",
            Assignment.status != "withdrawn",
        )
    )
    check_reply(
        contacts=sum(1 for kind, _ in records if kind == RecordKind.CONTACT),
        missing_co_inputs=[u for u in co_units if u not in given],
    )
    reply_class = ReplyClass(act.args["reply_class"])
    act.session.add(
        Reply(
            suggestion_id=s.id,
            round=s.round,
            unit_id=unit_id,
            reply_class=reply_class,
            text=act.args["text"],
            public=bool(act.args.get("public", True)),
            replied_at=act.now,
        )
    )
    lead.status = "ended"
    if s.first_replied_at is None:
        s.first_replied_at = act.now
        s.replied_on_time = act.today <= lead.deadline
    s.reply_class = reply_class
    s.state = State.REPLIED
    s.evaluation_closes = evaluation_window_closes(act.today, act.policy)
    act.emit(
        "suggestion.replied",
        {
            **ref(s),
            "lead_unit_id": unit_id,
            "round": s.round,
            "reply_class": reply_class,
            "evaluation_closes": s.evaluation_closes,
            "at": act.now,
        },
    )


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
    act.emit(
        "suggestion.evaluated",
        {
            **ref(s),
            "round": s.round,
            "deputy_id": deputy_id,
            "attitude": attitude,
            "result": result,
            "at": act.now,
        },
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


def second_assign_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    check_state(State(s.state), (State.AWAITING_MEETING,), "assign a second time")
    require(
        s.second_assignments < act.policy.max_second_assignments,
        f"the limit of {act.policy.max_second_assignments} second assignment(s) is reached",
        "state",
    )
    held_on = act.args.get("held_on") or act.today.isoformat()
    act.session.add(
        Meeting(
            suggestion_id=s.id,
            round=s.round,
            held_on=date.fromisoformat(str(held_on)),
            note=act.args["meeting_note"],
        )
    )
    previous = act.session.scalars(
        select(Assignment).where(
            Assignment.suggestion_id == s.id,
            Assignment.round == s.round,
            Assignment.status != "withdrawn",
        )
    ).all()
    lead = str(act.args.get("lead_unit_id") or s.lead_unit_id)
    co = act.args.get("co_unit_ids")
    co_units = (
        [str(u) for u in co] if co is not None else [a.unit_id for a in previous if a.role == "co"]
    )
    check_units(act.ctx.directory, s.tenant, [lead, *co_units], "lead_unit_id")
    s.second_assignments += 1
    assign(act.ctx, s, Route(lead, tuple(co_units)), act.policy, round_=s.round + 1)


def report_done_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.CLOSED,), "report done")
    require(unit_id == s.lead_unit_id, f"unit {unit_id} did not lead this suggestion", "unit_id")
    require(s.reply_class == ReplyClass.B, "only a B reply is followed up until done", "state")
    require(s.done_at is None, "it was already reported done", "state")
    s.done_at = act.now
    act.emit("suggestion.done", {**ref(s), "lead_unit_id": unit_id, "at": act.now})


def supervise_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    unit_id = str(act.args.get("unit_id") or s.lead_unit_id or "")
    assigned = act.session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.suggestion_id == s.id, Assignment.unit_id == unit_id)
    )
    require(
        bool(assigned), f"unit {unit_id or '?'} has no assignment on this suggestion", "unit_id"
    )
    act.session.add(
        SupervisionOpinion(
            suggestion_id=s.id,
            unit_id=unit_id,
            author=act.actor.subject or act.actor.key_id,
            text=act.args["text"],
            at=act.now,
        )
    )
    act.emit(
        "supervision.opinion_recorded",
        {**ref(s), "unit_id": unit_id, "text": act.args["text"], "at": act.now},
    )


def set_publication_action(act: Act) -> None:
    require_committee(act.actor)
    act.suggestion.publish = bool(act.args["publish"])


ACTIONS: dict[str, Callable[[Act], None]] = {
    "screen": screen_action,
    "mark_key": mark_key_action,
    "assign": assign_action,
    "request_adjustment": request_adjustment_action,
    "request_extension": request_extension_action,
    "approve_extension": approve_extension_action,
    "record": record_action,
    "co_input": co_input_action,
    "reply": reply_action,
    "evaluate": evaluate_action,
    "second_assign": second_assign_action,
    "report_done": report_done_action,
    "supervise": supervise_action,
    "set_publication": set_publication_action,
}


def perform(
    ctx: WorkContext, suggestion: Suggestion, actor: Actor, action: str, args: dict
) -> None:
    now = ctx.clock.now()
    ACTIONS[action](
        Act(ctx, suggestion, actor, args, now, policy_for(ctx.session, suggestion.tenant))
    )
