"""Screening: accept, return, convert or merge, and key suggestions (docs/domain.md §1 rule 1)."""

from __future__ import annotations

from runtime.work import WorkContext
from services.workflow.domain.actors import require_committee
from services.workflow.domain.deadlines import DeadlinePolicy
from services.workflow.domain.rules import require
from services.workflow.suggestions.actions.act import Act
from services.workflow.suggestions.actions.assignment import assign, withdraw
from services.workflow.suggestions.domain.routing import route
from services.workflow.suggestions.domain.suggestion import (
    ENDED,
    SCREENED_OUT,
    ScreeningDecision,
    State,
    check_screening,
)
from services.workflow.suggestions.payloads import proposers, ref
from services.workflow.suggestions.queries import routes
from services.workflow.suggestions.store import Suggestion


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
    decided = route(suggestion.category, routes(ctx.session, suggestion.tenant))
    if decided is not None:
        assign(ctx, suggestion, decided, policy, round_=1)


def screen_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    decision = ScreeningDecision(act.args["decision"])
    survivor = None
    if decision is ScreeningDecision.MERGE:
        survivor = act.session.get(Suggestion, act.args["into"])
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
    screen_out(act, s, decision)
    s.return_reason = act.args.get("reason")
    payload = {**ref(s), "reason": s.return_reason, "at": act.now}
    if decision is ScreeningDecision.RETURN:
        act.ctx.emit(
            "suggestion.returned",
            {**ref(s), "reason": s.return_reason, "returned_at": act.now},
            tenant=s.tenant,
        )
    elif decision is ScreeningDecision.CONVERT:
        act.ctx.emit("suggestion.converted", payload, tenant=s.tenant)
    else:
        assert survivor is not None
        s.merged_into_id = survivor.id
        # The merged suggestion's proposers follow the survivor, and evaluate its reply.
        joined = [d for d in proposers(s) if d not in proposers(survivor)]
        survivor.cosigner_ids = [*survivor.cosigner_ids, *joined]
        act.ctx.emit(
            "suggestion.merged", {**payload, "into_suggestion_id": survivor.id}, tenant=s.tenant
        )


def screen_out(act: Act, s: Suggestion, decision: ScreeningDecision) -> None:
    """Returned, converted or merged, perhaps after an automatic assignment: its units are
    taken off, so it is no unit's suggestion and has no deadline or colour any more."""
    s.state = SCREENED_OUT[decision]
    withdraw(act.ctx, s, s.state)
    s.lead_unit_id = None
    s.deadline = None
    s.colour = None


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
    act.ctx.emit(
        "suggestion.marked_key",
        {
            **ref(s),
            "leading_official": s.leading_official,
            "supervisor": s.supervisor,
            "at": act.now,
        },
        tenant=s.tenant,
    )
