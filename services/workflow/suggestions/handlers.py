"""The suggestion aggregate's event handlers: one plain function per consumed event."""

from __future__ import annotations

import uuid

from contracts import Event
from runtime.work import WorkContext
from services.workflow.domain.actors import Actor
from services.workflow.domain.calendar import local_date
from services.workflow.domain.rules import RuleBroken
from services.workflow.policy import policy_for
from services.workflow.receipts import reject, settle
from services.workflow.suggestions.actions import perform
from services.workflow.suggestions.actions.screening import accept
from services.workflow.suggestions.domain.screening import screen
from services.workflow.suggestions.domain.suggestion import (
    Proposer,
    State,
    check_proposers,
    suggestion_number,
)
from services.workflow.suggestions.queries import filed_already, topic_lists
from services.workflow.suggestions.store import Suggestion, next_number


def on_suggestion_submitted(event: Event, ctx: WorkContext) -> None:
    """The suggestion is written by one flush in its final state (accepted and assigned,
    or waiting for screening): its row, its assignments and its figures' group once, where
    flushing before each event emitted wrote it three times and moved its figures twice.
    That flush comes with the next statement of another handler, or the batch's inbox
    row, so a batch's suggestions are inserted together (ADR 0019)."""
    with ctx.session.no_autoflush:
        _file(event.data, ctx)


def _file(data: dict, ctx: WorkContext) -> None:
    session = ctx.session
    if filed_already(session, data["submission_id"]):
        return
    tenant = data["tenant"]
    people = ctx.directory.deputies([data["lead_deputy_id"], *data["cosigner_ids"]])

    def proposer(deputy_id: str) -> Proposer:
        person = people.get(deputy_id)
        return Proposer(deputy_id, person.node_id if person else None)

    try:
        check_proposers(
            tenant, proposer(data["lead_deputy_id"]), [proposer(d) for d in data["cosigner_ids"]]
        )
    except RuleBroken as refused:
        reject(ctx, data["submission_id"], refused)
        return

    now = ctx.clock.now()
    year = local_date(now).year
    policy = policy_for(session, tenant)
    screening = screen(data["title"], data["body"], data["category"], topic_lists(session, tenant))
    suggestion = Suggestion(
        id=str(uuid.uuid4()),
        number=suggestion_number(tenant, year, next_number(session, tenant, year)),
        submission_id=data["submission_id"],
        tenant=tenant,
        tenant_path=people[data["lead_deputy_id"]].node_path,
        year=year,
        lead_deputy_id=data["lead_deputy_id"],
        cosigner_ids=list(data["cosigner_ids"]),
        title=data["title"],
        body=data["body"],
        category=data["category"],
        occasion=data["occasion"],
        session_name=data["session_name"],
        urgent=data["urgent"],
        attachments=[dict(a) for a in data["attachments"]],
        source_opinion_id=data["source_opinion_id"],
        state=State.SUBMITTED,
        screening_flags=list(screening.flags),
        fitting_topics=list(screening.fitting_topics),
        is_key=False,
        round=0,
        extended=False,
        extension_requested=False,
        evaluated_round=0,
        second_assignments=0,
        publish=True,
        submitted_at=data["submitted_at"],
    )
    session.add(suggestion)
    if policy.auto_accept and not screening.likely_return:
        accept(ctx, suggestion, policy)
    settle(ctx, data["submission_id"], "suggestion", suggestion.id, suggestion.number)


def on_action_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    actor = Actor(**data["actor"])
    suggestion = ctx.session.get(Suggestion, data["suggestion_id"], with_for_update=True)
    if suggestion is None or not suggestion.tenant_path.startswith(actor.node_path):
        reject(
            ctx, data["submission_id"], RuleBroken("no suggestion with that id", "suggestion_id")
        )
        return
    try:
        with ctx.session.begin_nested():
            perform(ctx, suggestion, actor, data["action"], data["args"])
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "suggestion", suggestion.id, suggestion.number)


HANDLERS = {
    "suggestion.submitted": on_suggestion_submitted,
    "suggestion.action_requested": on_action_requested,
}
