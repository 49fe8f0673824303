"""2e: the committee's figures over a seeded term, through workflow's API and straight from SQL.

The requirement: "the figures for a seeded term (thousands of suggestions) come back in
well under a second from PostgreSQL". A term is written into the running system's workflow
database with `renda.term.seed_term` (12 counties × 2 years × N rows, as a migration would
write them), `ANALYZE`d, and then the figures are asked for one request at a time over a
keep-alive connection. The limit beside each is the same aggregate SQL run by psycopg on
one connection to the same database: what PostgreSQL itself needs, without HTTP, auth,
the directory, the ORM or the JSON.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql

from bench.infra import percentile, pg_url

TENANT, YEAR, CITY = "450102", 2026, "450100"
COUNTY_KEY, CITY_KEY = "county_system_450102", "city_reader"
QUERY = f"tenant={TENANT}&year={YEAR}"
# name: (path, key, the SQL limit it is compared with)
ENDPOINTS = {
    "tenant": (f"/workflow/v1/figures?{QUERY}", COUNTY_KEY, "counts_tenant"),
    "units": (f"/workflow/v1/figures/units?{QUERY}", COUNTY_KEY, "by_unit_tenant"),
    "best_units": (f"/workflow/v1/figures/best-units?{QUERY}", COUNTY_KEY, "by_unit_tenant"),
    "city": (f"/workflow/v1/figures?year={YEAR}", CITY_KEY, "counts_city"),
}
WARMUP = 3


def measure(
    system: Any, per_tenant_year: int, count: int, seconds: Callable[[], float]
) -> dict[str, Any]:
    """Seed, then time each endpoint and each SQL limit: `count` times, at most `seconds()`
    each (the run's budget answers, so the phase ends with the budget)."""
    for key in (COUNTY_KEY, CITY_KEY):
        if key not in system.keys:
            raise RuntimeError(f"renda seed printed no {key} key: {sorted(system.keys)}")
    result: dict[str, Any] = {"per_tenant_year": per_tenant_year, "requests": count}
    result.update(seed(system, per_tenant_year))
    city_path = system.sql("directory", "SELECT path FROM nodes WHERE id = %s", CITY)[0][0]
    result["city_path"] = city_path
    statements = sql_statements(city_path)
    result["sql_text"] = {name: sqls[0] for name, sqls in statements.items()}

    port = system.port("workflow")
    api: dict[str, Any] = {}
    for name, (path, key, _) in ENDPOINTS.items():
        headers = {"Authorization": f"Bearer {system.keys[key]}", "Accept": "application/json"}
        api[name] = {"path": path, "key": key, **get_many(port, path, headers, count, seconds())}
    result["api"] = api

    limits: dict[str, Any] = {}
    with psycopg.connect(pg_url(f"{system.prefix}_workflow"), autocommit=True) as conn:
        for name, sqls in statements.items():
            limits[name] = sql_many(conn, sqls, count, seconds())
        result["explain"] = {
            "counts_tenant": explain(conn, statements["counts_tenant"][0]),
            "counts_city": explain(conn, statements["counts_city"][0]),
        }
        answers = {
            name: conn.execute(statements[name][0]).fetchall()
            for name in ("counts_tenant", "counts_city", "by_unit_tenant")
        }
    result["sql"] = limits
    result["check"] = check(result, answers)
    return result


def seed(system: Any, per_tenant_year: int) -> dict[str, Any]:
    """A term in workflow's database (renda.term.seed_term), then ANALYZE."""
    from renda.term import seed_term
    from runtime.db import Database

    db = Database(system.settings.database_url_for("workflow"))
    try:
        started = time.perf_counter()
        rows = seed_term(db, per_tenant_year)
        seeded_s = time.perf_counter() - started
    finally:
        db.dispose()
    started = time.perf_counter()
    # The figures read the rollup: without its statistics, which autovacuum gathers only
    # a minute or so after a bulk write, the planner took a bitmap scan and a sort (the
    # city's statement at 10⁶: 9–10 ms median against 5–6 with them, load average 8).
    system.sql("workflow", "ANALYZE suggestions")
    system.sql("workflow", "ANALYZE suggestion_figures")
    analyze_s = time.perf_counter() - started
    in_table = system.sql(
        "workflow",
        "SELECT count(*), count(*) FILTER (WHERE tenant = %s AND year = %s) FROM suggestions",
        TENANT,
        YEAR,
    )[0]
    return {
        "seeded_rows": len(rows),
        "seeded_tenant_year": sum(1 for r in rows if r["tenant"] == TENANT and r["year"] == YEAR),
        "seeded_tenant_year_assigned": sum(
            1
            for r in rows
            if r["tenant"] == TENANT
            and r["year"] == YEAR
            and r["first_assigned_at"]
            and r["state"] not in ("returned", "converted", "merged")
        ),
        "seed_s": round(seeded_s, 3),
        "analyze_s": round(analyze_s, 3),
        "rows_in_table": int(in_table[0]),
        "rows_tenant_year": int(in_table[1]),
    }


def sql_statements(city_path: str) -> dict[str, list[str]]:
    """The SQL workflow's figures API runs, compiled with literal values for PostgreSQL.

    Built by services/workflow/suggestions/queries.py itself. `endpoint_*` is the one
    statement `GET /figures` runs (the groups by state, colour and class); `counts_*` the
    nine counts summed in SQL, which `check` compares with the API's.
    """
    from services.workflow.suggestions.queries import (
        COUNT_COLUMNS,
        Scope,
        by_unit_statement,
        figures_statement,
    )
    from services.workflow.suggestions.store import SuggestionFigures

    def compiled(statement: Select) -> str:
        # "named": no %-doubling in the text, which psycopg then sends as it is.
        dialect = postgresql.psycopg.dialect(paramstyle="named")
        return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

    def counts(scope: Scope) -> str:
        columns = (c.label(n) for n, c in COUNT_COLUMNS.items())
        return compiled(scope.where(select(*columns), SuggestionFigures))

    tenant = Scope("/", TENANT, YEAR)
    city = Scope(city_path, None, YEAR)
    return {
        "counts_tenant": [counts(tenant)],
        "endpoint_tenant": [compiled(figures_statement(tenant))],
        "by_unit_tenant": [compiled(by_unit_statement(tenant))],
        "counts_city": [counts(city)],
        "endpoint_city": [compiled(figures_statement(city))],
        "by_unit_city": [compiled(by_unit_statement(city))],
    }


def get_many(
    port: int, path: str, headers: dict[str, str], count: int, seconds: float
) -> dict[str, Any]:
    """`count` GETs one after the other on one keep-alive connection, after a short warm-up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    reconnects, body, size = 0, None, 0
    stop_at = time.monotonic() + seconds
    try:
        for i in range(WARMUP + count):
            if time.monotonic() >= stop_at:
                break
            started = time.perf_counter()
            try:
                status, raw = _get(conn, path, headers)
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: reopen once.
                reconnects += 1
                conn.close()
                started = time.perf_counter()
                status, raw = _get(conn, path, headers)
            elapsed = (time.perf_counter() - started) * 1000
            if i < WARMUP:
                continue
            latencies.append(elapsed)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            body, size = raw, len(raw)
    finally:
        conn.close()
    try:
        answer = json.loads(body) if body else None
    except ValueError:
        answer = body.decode(errors="replace") if body else None
    return {
        "requests": len(latencies),
        "statuses": statuses,
        "reconnects": reconnects,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else None,
        "response_bytes": size,
        "answer": answer,
    }


def _get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def sql_many(
    conn: psycopg.Connection, sqls: list[str], count: int, seconds: float
) -> dict[str, Any]:
    """The statements (all of them, in turn, per execution) `count` times on one connection."""
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds
    for i in range(WARMUP + count):
        if time.monotonic() >= stop_at:
            break
        started = time.perf_counter()
        for sql in sqls:
            conn.execute(sql).fetchall()
        if i >= WARMUP:
            latencies.append((time.perf_counter() - started) * 1000)
    return {
        "statements": len(sqls),
        "executions": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else None,
    }


def explain(conn: psycopg.Connection, sql: str) -> dict[str, Any]:
    """One EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON): execution time, the plan's nodes and
    indexes, the pages it touched."""
    document = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}").fetchone()[0]
    if isinstance(document, str):
        document = json.loads(document)
    top = document[0]
    nodes: list[str] = []
    indexes: list[str] = []

    def walk(plan: dict[str, Any]) -> None:
        label = plan["Node Type"]
        if plan.get("Index Name"):
            label += f" using {plan['Index Name']}"
            if plan["Index Name"] not in indexes:
                indexes.append(plan["Index Name"])
        elif plan.get("Relation Name"):
            label += f" on {plan['Relation Name']}"
        nodes.append(label)
        for child in plan.get("Plans", []):
            walk(child)

    walk(top["Plan"])
    return {
        "execution_ms": top.get("Execution Time"),
        "planning_ms": top.get("Planning Time"),
        "indexes": indexes,
        "nodes": nodes,
        "rows": top["Plan"].get("Actual Rows"),
        "shared_hit": top["Plan"].get("Shared Hit Blocks"),
        "shared_read": top["Plan"].get("Shared Read Blocks"),
    }


def check(result: dict[str, Any], answers: dict[str, list[tuple]]) -> dict[str, Any]:
    """Every answer 200; the tenant's assigned count covers the seeded rows; API = SQL."""
    api = result["api"]
    problems = []
    for name, got in api.items():
        if set(got["statuses"]) != {"200"} or not got["requests"]:
            problems.append(f"{name}: statuses {got['statuses']}")

    def counts(name: str) -> dict[str, Any] | None:
        answer = api[name]["answer"]
        return answer.get("counts") if isinstance(answer, dict) else None

    assigned = (counts("tenant") or {}).get("assigned")
    seeded = result["seeded_tenant_year_assigned"]
    if assigned is None or assigned < seeded:
        problems.append(f"tenant: assigned {assigned} < seeded and assigned {seeded}")
    for name, sql in (("tenant", "counts_tenant"), ("city", "counts_city")):
        if counts(name) != sql_counts(answers[sql]):
            problems.append(f"{name}: API counts {counts(name)} != SQL {answers[sql]}")
    units = api["units"]["answer"]
    unit_rows = len(units.get("items", [])) if isinstance(units, dict) else None
    if unit_rows != len(answers["by_unit_tenant"]):
        problems.append(f"units: {unit_rows} items, SQL {len(answers['by_unit_tenant'])} groups")
    best = api["best_units"]["answer"]
    if not isinstance(best, dict) or not best.get("items"):
        problems.append("best-units: no items")
    return {
        "ok": not problems,
        "problems": problems,
        "tenant_assigned": assigned,
        "seeded_tenant_year": seeded,
        "city_assigned": (counts("city") or {}).get("assigned"),
        "unit_items": unit_rows,
    }


def sql_counts(rows: list[tuple]) -> dict[str, int]:
    """What a `counts_*` statement gave, as the API's `counts`."""
    from services.workflow.suggestions.queries import COUNT_COLUMNS

    row = rows[0] if rows else ()
    return dict(zip(COUNT_COLUMNS, (int(v) for v in row), strict=False))
