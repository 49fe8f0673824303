"""Assignment: to units by routing rule or by hand, adjust requests, the one extension, and
the second assignment after a face-to-face meeting (docs/domain.md §1 rules 2 and 6)."""

from __future__ import annotations

from sqlalchemy import select

from runtime.work import WorkContext
from services.workflow import working_days
from services.workflow.domain.actors import acting_unit, require_committee
from services.workflow.domain.calendar import local_date
from services.workflow.domain.colours import colour_of
from services.workflow.domain.deadlines import (
    DeadlinePolicy,
    adjust_window_closes,
    assignment_deadlines,
    extended_deadline,
)
from services.workflow.domain.rules import require
from services.workflow.suggestions.actions.act import (
    Act,
    active_assignments,
    check_units,
    current_assignment,
)
from services.workflow.suggestions.domain.handling import check_adjust_request, check_extension
from services.workflow.suggestions.domain.routing import Route
from services.workflow.suggestions.domain.suggestion import State, check_state
from services.workflow.suggestions.payloads import ref
from services.workflow.suggestions.store import Assignment, Meeting, Suggestion


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
                deadline_basis=working_days.basis_between(today, unit_deadline),
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


def withdraw(ctx: WorkContext, suggestion: Suggestion, cause: str) -> None:
    """Take the current units off: withdrawn time is not held against them, their
    deadlines are no longer watched, and they are told (`suggestion.assignment_withdrawn`)."""
    withdrawn = active_assignments(ctx.session, suggestion)
    if not withdrawn:
        return
    for assignment in withdrawn:
        assignment.status = "withdrawn"
    ctx.emit(
        "suggestion.assignment_withdrawn",
        {
            **ref(suggestion),
            "units": [{"unit_id": a.unit_id, "role": a.role} for a in withdrawn],
            "round": suggestion.round,
            "cause": cause,
            "at": ctx.clock.now(),
        },
        tenant=suggestion.tenant,
    )


def assign_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    check_state(State(s.state), (State.ACCEPTED, State.ASSIGNED), "assign")
    lead = act.args["lead_unit_id"]
    co = list(act.args["co_unit_ids"])
    require(lead not in co, "the lead unit cannot also co-handle", "co_unit_ids")
    check_units(act.ctx.directory, s.tenant, [lead], "lead_unit_id")
    check_units(act.ctx.directory, s.tenant, co, "co_unit_ids")
    withdraw(act.ctx, s, "reassigned")
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
    act.ctx.emit(
        "suggestion.adjust_requested",
        {**ref(s), "unit_id": unit_id, "reason": act.args["reason"], "at": act.now},
        tenant=s.tenant,
    )


def request_extension_action(act: Act) -> None:
    s = act.suggestion
    unit_id = acting_unit(act.actor, act.args)
    check_state(State(s.state), (State.ASSIGNED,), "ask to extend")
    current_assignment(act, unit_id, "lead")
    check_extension(s.extended, s.urgent)
    require(not s.extension_requested, "an extension was already requested", "reason")
    s.extension_requested = True
    act.ctx.emit(
        "suggestion.extension_requested",
        {**ref(s), "unit_id": unit_id, "reason": act.args["reason"], "at": act.now},
        tenant=s.tenant,
    )


def approve_extension_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    check_state(State(s.state), (State.ASSIGNED,), "extend")
    require(s.extension_requested, "the lead unit has not asked for an extension", "state")
    check_extension(s.extended, s.urgent)
    lead = current_assignment(act, s.lead_unit_id or "", "lead")
    assigned_on = local_date(lead.assigned_at)
    lead.deadline = extended_deadline(
        assigned_on, policy=act.policy, is_working_day=working_days.is_working_day
    )
    lead.deadline_basis = working_days.basis_between(assigned_on, lead.deadline)
    s.deadline = lead.deadline
    s.extended = True
    act.ctx.emit(
        "suggestion.extended",
        {**ref(s), "lead_unit_id": lead.unit_id, "deadline": lead.deadline, "at": act.now},
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
    act.session.add(
        Meeting(
            suggestion_id=s.id,
            round=s.round,
            held_on=act.args.get("held_on") or act.today,
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
    lead = act.args.get("lead_unit_id") or s.lead_unit_id or ""
    co = act.args.get("co_unit_ids")
    co_units = list(co) if co is not None else [a.unit_id for a in previous if a.role == "co"]
    check_units(act.ctx.directory, s.tenant, [lead, *co_units], "lead_unit_id")
    s.second_assignments += 1
    assign(act.ctx, s, Route(lead, tuple(co_units)), act.policy, round_=s.round + 1)
