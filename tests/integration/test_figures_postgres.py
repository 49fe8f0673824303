"""The figures of a seeded term on PostgreSQL: right against a count made in Python, and
answered through indexes (the timing is measured in bench/, not asserted here)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from renda.processes import migrate
from renda.term import seed_term
from runtime.config import Settings
from runtime.db import Database
from services.workflow.suggestions.queries import Scope, counts, counts_by_unit, counts_statement
from tests.support.infra import PostgresDatabases, run_id

pytestmark = pytest.mark.integration


@pytest.fixture
def term_db(infrastructure: None) -> Iterator[tuple[Database, list[dict]]]:
    databases = PostgresDatabases(f"rt{run_id()}")
    databases.create()
    try:
        settings = Settings.from_env({"RENDA_DATABASE_URL": databases.url})
        migrate(settings, ["workflow"])
        db = Database(settings.database_url_for("workflow"))
        rows = seed_term(db, per_tenant_year=250)  # 6,000 suggestions
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE suggestions"))
        yield db, rows
        db.dispose()
    finally:
        databases.drop()


def _plan(db: Database, statement) -> str:  # type: ignore[no-untyped-def]
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
    return json.dumps(plan)


def test_tenant_figures_match_a_python_count_and_use_an_index(term_db) -> None:  # type: ignore[no-untyped-def]
    db, rows = term_db
    mine = [r for r in rows if r["tenant"] == "450102" and r["year"] == 2026]
    scope = Scope("/450100/", "450102", 2026)
    with db.session() as session:
        got = counts(session, scope)
    assert got.assigned == len(mine) == 250
    assert got.closed == sum(1 for r in mine if r["closed_at"])
    assert got.replied_on_time == sum(1 for r in mine if r["replied_on_time"])
    assert got.done == sum(1 for r in mine if r["done_at"])
    assert got.satisfied == sum(1 for r in mine if r["final_result"] == "satisfied")
    assert got.second_assignments == sum(r["second_assignments"] for r in mine)

    plan = _plan(db, counts_statement(scope))
    print(plan)
    assert "ix_suggestions_tenant_" in plan
    assert '"Node Type": "Seq Scan"' not in plan


def test_unit_figures_use_the_lead_unit_index(term_db) -> None:  # type: ignore[no-untyped-def]
    db, rows = term_db
    scope = Scope("/450100/450102/", None, 2026)
    with db.session() as session:
        by_unit = counts_by_unit(session, scope)
    expected: dict[str, int] = {}
    for r in rows:
        if r["tenant"] == "450102" and r["year"] == 2026:
            expected[r["lead_unit_id"]] = expected.get(r["lead_unit_id"], 0) + 1
    assert {u: c.assigned for u, c in by_unit.items()} == expected
    statement = counts_statement(scope)
    plan = _plan(db, statement)
    print(plan)
    assert "ix_suggestions_tenant_path" in plan
    assert '"Node Type": "Seq Scan"' not in plan
