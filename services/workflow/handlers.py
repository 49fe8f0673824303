"""Workflow's event handlers: one plain function per consumed event."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from contracts import Event
from runtime.consumer import HandlerContext
from services.workflow import working_days
from services.workflow.domain.calendar import local_date
from services.workflow.domain.deadlines import DeadlinePolicy, handling_deadline
from services.workflow.domain.routing import Route, route
from services.workflow.domain.screening import TopicLists, screen
from services.workflow.domain.suggestion import (
    FilingRefused,
    Proposer,
    State,
    check_proposers,
    suggestion_number,
)
from services.workflow.store import (
    Assignment,
    NumberSequence,
    RoutingRule,
    Suggestion,
    TopicListEntry,
)


def on_suggestion_submitted(event: Event, ctx: HandlerContext) -> None:
    data = event.data
    session = ctx.session
    already = session.scalar(
        select(Suggestion.id).where(Suggestion.submission_id == data["submission_id"])
    )
    if already is not None:
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
    except FilingRefused as refused:
        ctx.emit(
            "submission.rejected",
            {
                "submission_id": data["submission_id"],
                "reason": refused.reason,
                "field": refused.field,
            },
        )
        return

    now = ctx.clock.now()
    year = local_date(now).year
    screening = screen(data["title"], data["body"], _topic_lists(session, tenant))
    suggestion = Suggestion(
        id=str(uuid.uuid4()),
        number=suggestion_number(tenant, year, _next_number(session, tenant, year)),
        submission_id=data["submission_id"],
        tenant=tenant,
        tenant_path=people[data["lead_deputy_id"]].node_path,
        lead_deputy_id=data["lead_deputy_id"],
        cosigner_ids=list(data["cosigner_ids"]),
        title=data["title"],
        body=data["body"],
        category=data["category"],
        occasion=data["occasion"],
        session_name=data["session_name"],
        urgent=data["urgent"],
        state=State.ACCEPTED if screening.accepted else State.RETURNED,
        return_reason=screening.reason,
        submitted_at=data["submitted_at"],
        accepted_at=now,
    )
    session.add(suggestion)
    session.flush()
    if screening.accepted:
        ctx.emit("suggestion.accepted", _accepted_event(suggestion))
        decided = route(suggestion.category, _routing_rules(session, tenant))
        if decided is not None:
            _assign(ctx, suggestion, decided)
    else:
        ctx.emit(
            "suggestion.returned",
            {
                "suggestion_id": suggestion.id,
                "number": suggestion.number,
                "tenant": tenant,
                "lead_deputy_id": suggestion.lead_deputy_id,
                "title": suggestion.title,
                "reason": screening.reason,
                "returned_at": now,
            },
        )
    ctx.emit(
        "submission.accepted",
        {
            "submission_id": suggestion.submission_id,
            "resource_type": "suggestion",
            "resource_id": suggestion.id,
            "resource_number": suggestion.number,
        },
    )


def _assign(ctx: HandlerContext, suggestion: Suggestion, decided: Route) -> None:
    now = ctx.clock.now()
    deadline = handling_deadline(
        local_date(now),
        urgent=suggestion.urgent,
        policy=DeadlinePolicy(),
        is_working_day=working_days.is_working_day,
    )
    units = [(decided.lead_unit_id, "lead")] + [(u, "co") for u in decided.co_unit_ids]
    for unit_id, role in units:
        ctx.session.add(
            Assignment(
                suggestion_id=suggestion.id,
                unit_id=unit_id,
                role=role,
                round=1,
                assigned_at=now,
                deadline=deadline,
            )
        )
    suggestion.state = State.ASSIGNED
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
            "assigned_at": now,
        },
    )


def _accepted_event(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "suggestion_id": suggestion.id,
        "number": suggestion.number,
        "tenant": suggestion.tenant,
        "lead_deputy_id": suggestion.lead_deputy_id,
        "cosigner_ids": suggestion.cosigner_ids,
        "title": suggestion.title,
        "category": suggestion.category,
        "urgent": suggestion.urgent,
        "accepted_at": suggestion.accepted_at,
    }


def _next_number(session: Session, tenant: str, year: int) -> int:
    """Atomically take the next number for the tenant and year (an upsert, no race)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(NumberSequence)
        .values(tenant=tenant, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["tenant", "year"], set_={"last": NumberSequence.last + 1}
        )
        .returning(NumberSequence.last)
    )
    return int(session.execute(statement).scalar_one())


def _topic_lists(session: Session, tenant: str) -> TopicLists:
    rows = session.execute(
        select(TopicListEntry.polarity, TopicListEntry.keyword).where(
            TopicListEntry.tenant == tenant
        )
    ).all()
    return TopicLists(
        negative=tuple(k for p, k in rows if p == "negative"),
        positive=tuple(k for p, k in rows if p == "positive"),
    )


def _routing_rules(session: Session, tenant: str) -> dict[str, Route]:
    rules = session.scalars(select(RoutingRule).where(RoutingRule.tenant == tenant))
    return {r.category: Route(r.lead_unit_id, tuple(r.co_unit_ids)) for r in rules}


HANDLERS = {"suggestion.submitted": on_suggestion_submitted}
