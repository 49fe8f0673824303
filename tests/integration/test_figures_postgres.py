"""The figures of a seeded term on PostgreSQL: read from `suggestion_figures` (ADR 0017),
and exactly what a direct count over `suggestions` and a count made in Python give, with
every state represented, after changes made through the ORM, and after the migration's
backfill (the timing is measured in bench/, not asserted here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, text

from renda.processes import migrate
from renda.registry import migrations_dir
from renda.term import seed_term
from runtime.config import Settings
from runtime.db import Database
from runtime.migrations import alembic_config
from services.workflow.suggestions.domain.figures import Counts
from services.workflow.suggestions.domain.suggestion import SCREENED_OUT, State
from services.workflow.suggestions.queries import (
    Scope,
    by_unit_statement,
    counts,
    counts_by_unit,
    figures_of,
    figures_statement,
)
from services.workflow.suggestions.store import Suggestion, SuggestionFigures
from tests.support.infra import PostgresDatabases, run_id

pytestmark = pytest.mark.integration

S = Suggestion
HANDLED = S.state.not_in(list(SCREENED_OUT.values()))
DIRECT = {
    # The figures as ADR 0007 defines them, counted over every suggestion of the scope.
    "assigned": func.count().filter(S.first_assigned_at.is_not(None), HANDLED),
    "closed": func.count().filter(S.closed_at.is_not(None), HANDLED),
    "replied": func.count().filter(S.first_replied_at.is_not(None), HANDLED),
    "replied_on_time": func.count().filter(S.replied_on_time.is_(True), HANDLED),
    "done": func.count().filter(S.done_at.is_not(None), HANDLED),
    "evaluated": func.count().filter(S.final_result.is_not(None), HANDLED),
    "satisfied": func.count().filter(S.final_result == "satisfied", HANDLED),
    "basically_satisfied": func.count().filter(S.final_result == "basically_satisfied", HANDLED),
    "second_assignments": func.coalesce(func.sum(S.second_assignments).filter(HANDLED), 0),
}
SCOPES = [
    Scope("/", "450102", 2026),
    Scope("/450100/", None, 2026),
    Scope("/450100/", None, None),
    Scope("/450100/450103/", None, 2025, "第三次会议"),
]


@pytest.fixture
def term_db(infrastructure: None) -> Iterator[tuple[Database, list[dict], Settings]]:
    databases = PostgresDatabases(f"rt{run_id()}")
    databases.create()
    try:
        settings = Settings.from_env({"RENDA_DATABASE_URL": databases.url})
        migrate(settings, ["workflow"])
        db = Database(settings.database_url_for("workflow"))
        rows = seed_term(db, per_tenant_year=250)  # 6,000 suggestions
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE suggestions"))
        yield db, rows, settings
        db.dispose()
    finally:
        databases.drop()


def direct(db: Database, scope: Scope) -> dict[str, Any]:
    """Every figure the API gives, counted straight from `suggestions`."""

    def grouped(column: Any, *where: Any) -> dict[str, int]:
        statement = scope.where(select(column, func.count()).where(*where).group_by(column))
        return {str(k): int(n) for k, n in session.execute(statement) if k is not None}

    with db.session() as session:
        row = session.execute(scope.where(select(*(c.label(n) for n, c in DIRECT.items())))).one()
        units = session.execute(
            scope.where(
                select(S.lead_unit_id, *(c.label(n) for n, c in DIRECT.items()))
                .where(S.lead_unit_id.is_not(None))
                .group_by(S.lead_unit_id)
            )
        )
        return {
            "counts": Counts(**{n: int(row._mapping[n]) for n in DIRECT}),
            "units": {
                u.lead_unit_id: Counts(**{n: int(u._mapping[n]) for n in DIRECT}) for u in units
            },
            "by_state": grouped(S.state),
            "by_class": grouped(S.reply_class),
            "by_colour": {
                str(k): int(n)
                for k, n in session.execute(
                    scope.where(
                        select(S.colour, func.count())
                        .where(S.state == State.ASSIGNED)
                        .group_by(S.colour)
                    )
                )
            },
        }


def fast(db: Database, scope: Scope) -> dict[str, Any]:
    """The same figures as the API reads them, from `suggestion_figures`."""
    with db.session() as session:
        figures = figures_of(session, scope)
        return {
            "counts": figures.counts,
            "units": counts_by_unit(session, scope),
            "by_state": figures.by_state,
            "by_class": figures.by_class,
            "by_colour": figures.by_colour,
        }


def test_the_seeded_term_has_every_state_and_its_figures_equal_a_count(term_db) -> None:  # type: ignore[no-untyped-def]
    db, rows, _ = term_db
    assert {r["state"] for r in rows} == {str(s) for s in State}
    for scope in SCOPES:
        assert fast(db, scope) == direct(db, scope), scope

    mine = [r for r in rows if r["tenant"] == "450102" and r["year"] == 2026]
    handled = [r for r in mine if r["state"] not in {str(s) for s in SCREENED_OUT.values()}]
    with db.session() as session:
        got = counts(session, Scope("/", "450102", 2026))
    assert len(mine) == 250
    assert got.assigned == sum(1 for r in handled if r["first_assigned_at"])
    assert got.closed == sum(1 for r in handled if r["closed_at"])
    assert got.replied_on_time == sum(1 for r in handled if r["replied_on_time"])
    assert got.done == sum(1 for r in handled if r["done_at"])
    assert got.satisfied == sum(1 for r in handled if r["final_result"] == "satisfied")
    assert got.second_assignments == sum(r["second_assignments"] for r in handled)


def test_figures_follow_every_change_made_through_the_orm(term_db) -> None:  # type: ignore[no-untyped-def]
    db, _, _ = term_db
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with db.transaction() as session:

        def first(state: str) -> Suggestion:
            return session.scalars(
                select(S).where(S.tenant == "450102", S.year == 2026, S.state == state).limit(1)
            ).one()

        # Screened out after an automatic assignment: the assignment is withdrawn.
        out = first("assigned")
        out.state, out.lead_unit_id, out.deadline, out.colour = "returned", None, None, None
        # Reassigned to another unit, and its colour turns.
        moved = first("assigned")
        moved.lead_unit_id, moved.colour = "U450102-TRANSPORT", "red"
        # Replied, then in the same transaction evaluated and closed (two flushes).
        replied = first("assigned")
        replied.state, replied.colour, replied.reply_class = "replied", None, "B"
        replied.first_replied_at, replied.replied_on_time = now, True
        session.flush()
        replied.state, replied.final_result, replied.closed_at = "closed", "satisfied", now
        # Accepted by hand and assigned.
        accepted = first("accepted")
        accepted.state, accepted.lead_unit_id, accepted.colour = "assigned", "U450102-EDU", "white"
        accepted.first_assigned_at, accepted.deadline, accepted.round = now, date(2026, 9, 1), 1
        # A dissatisfied rating's second assignment after the meeting.
        again = first("awaiting_meeting")
        again.state, again.second_assignments, again.colour = "assigned", 1, "white"
        # Gone, and a new one filed.
        session.delete(first("submitted"))
        session.add(
            Suggestion(
                **{
                    **{c.key: getattr(first("closed"), c.key) for c in S.__table__.columns},
                    "id": "new-one",
                    "number": "450102-2026-9999",
                    "submission_id": "new-one",
                    "session_name": None,
                }
            )
        )
    for scope in SCOPES:
        assert fast(db, scope) == direct(db, scope), scope
    with db.session() as session:
        empty = session.scalar(
            select(func.count())
            .select_from(SuggestionFigures)
            .where(SuggestionFigures.suggestions <= 0)
        )
    assert empty == 0


def test_the_migration_backfills_the_figures_of_suggestions_already_there(term_db) -> None:  # type: ignore[no-untyped-def]
    db, _, settings = term_db
    config = alembic_config(migrations_dir("workflow"), settings.database_url_for("workflow"))
    command.downgrade(config, "a3c5e7f9b1d2")
    command.upgrade(config, "head")
    for scope in SCOPES:
        assert fast(db, scope) == direct(db, scope), scope


def test_the_figures_read_their_groups_not_the_suggestions(term_db) -> None:  # type: ignore[no-untyped-def]
    db, _, _ = term_db
    for scope in SCOPES[:2]:
        for statement in (figures_statement(scope), by_unit_statement(scope)):
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            with db.engine.connect() as conn:
                plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
            assert "suggestion_figures" in json.dumps(plan)
            assert '"suggestions"' not in json.dumps(plan)
