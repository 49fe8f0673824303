"""Workflow's suggestion handlers and ticks on their own: a real in-memory database, the
real outbox (contracts checked), no broker (tests/support/handlers.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY as METRICS
from sqlalchemy import event, func, select

from runtime.clock import FixedClock
from runtime.db import Database
from runtime.directory.holidays import read_schedule
from services.workflow import SPEC, working_days
from services.workflow.store import TenantPolicy
from services.workflow.suggestions import ticks as suggestion_ticks
from services.workflow.suggestions.queries import Scope, counts, counts_by_unit, unit_colours
from services.workflow.suggestions.store import Assignment, RoutingRule, Suggestion
from tests.support.cycle import START
from tests.support.handlers import (
    COUNTY,
    HandlerContext,
    batch_processor,
    delivered,
    handler_context,
)

CALENDARS = Path(__file__).resolve().parents[2] / "deploy" / "calendars"
SYSTEM = {
    "key_id": "k-system",
    "role": "system",
    "subject": None,
    "node_id": COUNTY,
    "node_path": "/450100/450102/",
}


@pytest.fixture
def ctx() -> Iterator[HandlerContext]:
    with handler_context(SPEC) as context:
        context.session.add(
            RoutingRule(
                tenant=COUNTY,
                category="education",
                lead_unit_id="U450102-EDU",
                co_unit_ids=["U450102-TRANSPORT"],
            )
        )
        # Stored before any event arrives, as the operator's own transaction stores it.
        context.session.flush()
        yield context


def _submission(submission_id: str, **changes: Any) -> dict[str, Any]:
    """A deputy's suggestion as `suggestion.submitted` carries it."""
    return {
        "submission_id": submission_id,
        "tenant": COUNTY,
        "lead_deputy_id": "D450102-001",
        "cosigner_ids": [],
        "title": "关于增加城区小学学位的建议",
        "body": "兴宁区学位紧张，建议新建小学一所。",
        "category": "education",
        "occasion": "session",
        "submitted_at": START,
        **changes,
    }


def _file(ctx: HandlerContext, **changes: Any) -> list[Any]:
    return ctx.handle("suggestion.submitted", _submission(str(uuid.uuid4()), **changes))


def _filed(ctx: HandlerContext, **changes: Any) -> Suggestion:
    settled = _file(ctx, **changes)[-1]
    assert settled.name == "submission.accepted", settled.data
    suggestion = ctx.session.get(Suggestion, settled.data["resource_id"])
    assert suggestion is not None
    return suggestion


def _act(ctx: HandlerContext, suggestion: Suggestion, action: str, args: dict) -> list[Any]:
    return ctx.handle(
        "suggestion.action_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "suggestion_id": suggestion.id,
            "action": action,
            "actor": SYSTEM,
            "args": args,
            "submitted_at": ctx.clock.now(),
        },
    )


def _assignments(ctx: HandlerContext, suggestion: Suggestion) -> list[tuple[str, str]]:
    rows = ctx.session.scalars(
        select(Assignment).where(Assignment.suggestion_id == suggestion.id).order_by(Assignment.id)
    )
    return [(a.unit_id, a.status) for a in rows]


def test_an_unflagged_suggestion_is_accepted_and_routed_at_once(ctx: HandlerContext) -> None:
    emitted = _file(ctx)
    assert [e.name for e in emitted] == [
        "suggestion.accepted",
        "suggestion.assigned",
        "submission.accepted",
    ]
    assigned = emitted[1].data
    assert (assigned["lead_unit_id"], assigned["co_unit_ids"]) == (
        "U450102-EDU",
        ["U450102-TRANSPORT"],
    )
    assert assigned["deadline"] == "2026-06-02"
    assert emitted[2].data["resource_number"] == "450102-2026-0001"
    assert all(e.tenant == COUNTY for e in emitted)


def test_a_deputy_of_another_congress_is_refused(ctx: HandlerContext) -> None:
    emitted = _file(ctx, lead_deputy_id="D450103-001")
    assert [e.name for e in emitted] == ["submission.rejected"]
    assert emitted[0].data["field"] == "lead_deputy_id"
    assert ctx.session.scalar(select(Suggestion.id)) is None


def test_without_auto_accept_it_waits_for_screening(ctx: HandlerContext) -> None:
    ctx.session.add(TenantPolicy(tenant=COUNTY, settings={"auto_accept": False}))
    ctx.session.flush()
    suggestion = _filed(ctx)
    assert suggestion.state == "submitted"
    assert [e.name for e in ctx.emitted] == ["submission.accepted"]


@pytest.mark.parametrize(
    ("args", "event", "state"),
    [
        ({"decision": "return", "reason": "属个人诉求"}, "suggestion.returned", "returned"),
        ({"decision": "convert", "reason": "作为来信处理"}, "suggestion.converted", "converted"),
    ],
)
def test_screened_out_after_an_automatic_assignment_withdraws_it(
    ctx: HandlerContext, args: dict, event: str, state: str
) -> None:
    suggestion = _filed(ctx)
    emitted = _act(ctx, suggestion, "screen", args)
    assert [e.name for e in emitted] == [
        "suggestion.assignment_withdrawn",
        event,
        "submission.accepted",
    ]
    withdrawn = emitted[0].data
    assert withdrawn["cause"] == state
    assert withdrawn["units"] == [
        {"unit_id": "U450102-EDU", "role": "lead"},
        {"unit_id": "U450102-TRANSPORT", "role": "co"},
    ]
    assert (suggestion.state, suggestion.lead_unit_id, suggestion.colour) == (state, None, None)
    assert _assignments(ctx, suggestion) == [
        ("U450102-EDU", "withdrawn"),
        ("U450102-TRANSPORT", "withdrawn"),
    ]
    scope = Scope("/450100/", COUNTY, 2026)
    assert counts(ctx.session, scope).assigned == 0
    assert counts_by_unit(ctx.session, scope) == {}
    assert unit_colours(ctx.session, "U450102-EDU") == {}


def test_merged_after_an_automatic_assignment_no_longer_counts(ctx: HandlerContext) -> None:
    survivor = _filed(ctx)
    merged = _filed(ctx, lead_deputy_id="D450102-003")
    emitted = _act(ctx, merged, "screen", {"decision": "merge", "into": survivor.id})
    assert [e.name for e in emitted][:2] == [
        "suggestion.assignment_withdrawn",
        "suggestion.merged",
    ]
    assert emitted[0].data["cause"] == "merged"
    assert survivor.cosigner_ids == ["D450102-003"]
    by_unit = counts_by_unit(ctx.session, Scope("/450100/", COUNTY, 2026))
    assert by_unit["U450102-EDU"].assigned == 1  # the survivor only


def test_reassignment_withdraws_the_units_taken_off(ctx: HandlerContext) -> None:
    suggestion = _filed(ctx)
    emitted = _act(ctx, suggestion, "assign", {"lead_unit_id": "U450102-HEALTH"})
    assert [e.name for e in emitted] == [
        "suggestion.assignment_withdrawn",
        "suggestion.assigned",
        "submission.accepted",
    ]
    assert emitted[0].data["cause"] == "reassigned"
    assert suggestion.lead_unit_id == "U450102-HEALTH"
    assert counts(ctx.session, Scope("/450100/", COUNTY, 2026)).assigned == 1


def test_a_broken_rule_changes_nothing_and_says_why(ctx: HandlerContext) -> None:
    suggestion = _filed(ctx)
    emitted = _act(ctx, suggestion, "assign", {"lead_unit_id": "U450103-EDU"})
    assert [e.name for e in emitted] == ["submission.rejected"]
    assert emitted[0].data["reason"] == "unit U450103-EDU is not a handling unit of 450102"
    assert _assignments(ctx, suggestion) == [
        ("U450102-EDU", "active"),
        ("U450102-TRANSPORT", "active"),
    ]


def test_the_actions_arguments_arrive_typed(ctx: HandlerContext) -> None:
    suggestion = _filed(ctx)
    _act(ctx, suggestion, "set_publication", {"publish": False})
    assert suggestion.publish is False
    emitted = _act(ctx, suggestion, "assign", {"lead_unit_id": "U450102-EDU"})
    assert emitted[1].data["co_unit_ids"] == []  # the schema's default: no co-handling units


def test_a_withdrawn_assignment_is_no_longer_coloured(ctx: HandlerContext) -> None:
    kept = _filed(ctx)
    returned = _filed(ctx)
    _act(ctx, returned, "screen", {"decision": "return", "reason": "属个人诉求"})
    ctx.clock.advance(timedelta(days=80))  # 21 May: the last 15 days before 2 June
    emitted = ctx.tick("workflow.deadline_colours")
    assert {e.data["suggestion_id"] for e in emitted} == {kept.id}
    assert kept.colour == "yellow"
    assert returned.colour is None


def _loaded_during(ctx: HandlerContext, tick: str) -> tuple[list[Any], list[str]]:
    """What the tick emitted, and each suggestion or assignment it loaded as an object."""
    ctx.session.expunge_all()  # so that nothing it reads is already in the session
    loaded: list[str] = []

    def on_load(target: Any, _context: Any) -> None:
        loaded.append(type(target).__name__)

    event.listen(Suggestion, "load", on_load)
    event.listen(Assignment, "load", on_load)
    try:
        emitted = ctx.tick(tick)
    finally:
        event.remove(Suggestion, "load", on_load)
        event.remove(Assignment, "load", on_load)
    return emitted, loaded


def _open(colour: str) -> float | None:
    """The open assignments of the county in that colour, as the last colour tick counted."""
    return METRICS.get_sample_value("renda_open_assignments", {"tenant": COUNTY, "colour": colour})


def test_deadline_colours_loads_no_assignment_whose_colour_stays(ctx: HandlerContext) -> None:
    # Loading every open assignment with its suggestion each minute held ~7 KB a pair in
    # the worker's heap (bench 2d): an unchanged one is counted from its columns only.
    for _ in range(3):
        _filed(ctx)
    emitted, loaded = _loaded_during(ctx, "workflow.deadline_colours")
    assert emitted == [] and loaded == []
    assert _open("white") == 6
    ctx.clock.advance(timedelta(days=80))  # 21 May: the last 15 days before 2 June
    emitted, loaded = _loaded_during(ctx, "workflow.deadline_colours")
    # The lead's reply is due in 15 days; the co-handling unit's input was due before.
    assert [e.data["colour"] for e in emitted] == ["yellow", "red"] * 3
    assert sorted(loaded) == ["Assignment"] * 6 + ["Suggestion"] * 3
    assert _open("yellow") == 3
    assert _open("red") == 3


def test_deadline_colours_recolours_a_chunk_at_a_time_in_order(
    ctx: HandlerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggestion_ticks, "COLOUR_CHUNK", 4)
    filed = [_filed(ctx) for _ in range(3)]
    ctx.clock.advance(timedelta(days=80))
    emitted = ctx.tick("workflow.deadline_colours")
    assert [(e.data["suggestion_id"], e.data["role"]) for e in emitted] == [
        (s.id, role) for s in filed for role in ("lead", "co")
    ]
    colours = ctx.session.scalars(select(Assignment.colour).order_by(Assignment.id)).all()
    assert colours == ["yellow", "red"] * 3
    assert [ctx.session.get(Suggestion, s.id).colour for s in filed] == ["yellow"] * 3
    assert ctx.tick("workflow.deadline_colours") == []


def test_a_city_scope_counts_its_counties(ctx: HandlerContext) -> None:
    _filed(ctx)
    assert counts(ctx.session, Scope("/450100/", year=2026)).assigned == 1
    assert counts(ctx.session, Scope("/450100/450103/", year=2026)).assigned == 0


def test_each_assignment_says_whether_its_deadline_followed_an_official_schedule(
    ctx: HandlerContext,
) -> None:
    working_days.use_official_schedules(None)
    _file(ctx)
    assert [a.deadline_basis for a in ctx.session.scalars(select(Assignment))] == [
        "rule-based",
        "rule-based",
    ]
    official = {2026: read_schedule(CALENDARS / "cn-2026.json", 2026)}
    working_days.use_official_schedules(official.get, cache_seconds=0)
    try:
        _file(ctx)
        latest = ctx.session.scalars(select(Assignment).order_by(Assignment.id.desc())).first()
        assert latest is not None and latest.deadline_basis == "official"
        # Filed in November, due in 2027, for which no schedule is loaded yet.
        ctx.clock.advance(datetime(2026, 11, 16, 2, 0, tzinfo=UTC) - START)
        _file(ctx)
        lead, co = ctx.session.scalars(select(Assignment).order_by(Assignment.id.desc())).all()[
            1::-1
        ]
        assert (lead.role, lead.deadline.year, lead.deadline_basis) == ("lead", 2027, "rule-based")
        assert (co.role, co.deadline.year, co.deadline_basis) == ("co", 2026, "official")
    finally:
        working_days.use_official_schedules(None)


def _submitted(submission_id: str) -> Any:
    return delivered("suggestion.submitted", _submission(submission_id), tenant=COUNTY, at=START)


def test_a_batch_files_its_suggestions_in_one_flush_and_a_resent_submission_once() -> None:
    """The consumer's batch (ADR 0019): suggestions filed in one transaction are written
    together at its end, each before its assignments, each counted once in the figures; a
    second event for a submission filed earlier in the batch files nothing."""
    db = Database("sqlite://")
    SPEC.metadata.create_all(db.engine)
    with db.transaction() as session:
        session.add(
            RoutingRule(
                tenant=COUNTY,
                category="education",
                lead_unit_id="U450102-EDU",
                co_unit_ids=["U450102-TRANSPORT"],
            )
        )
    processor = batch_processor(SPEC, db, FixedClock(START))
    first = str(uuid.uuid4())
    batch = [_submitted(s) for s in (first, str(uuid.uuid4()), str(uuid.uuid4()), first)]

    assert processor.process(batch) == [True] * 4

    with db.session() as session:
        numbers = session.scalars(select(Suggestion.number).order_by(Suggestion.number)).all()
        assert numbers == [f"450102-2026-000{n}" for n in (1, 2, 3)]
        assert session.scalar(select(func.count()).select_from(Assignment)) == 6
        assert counts(session, Scope("/450100/", COUNTY, 2026)).assigned == 3
        events = session.scalars(select(processor.outbox.table.c.routing_key)).all()
        assert sorted(events) == sorted(
            ["suggestion.accepted", "suggestion.assigned", "submission.accepted"] * 3
        )
    db.dispose()
    processor.directory.db.dispose()
