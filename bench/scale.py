"""scale: the figures' cost as the term grows, through workflow's API and straight from SQL.

The requirement (issue 7): with 10⁴, 10⁵ and 10⁶ suggestions in PostgreSQL, p99 of the
figures ≤ 50 ms for one county and ≤ 200 ms city-wide. The term grows in steps in the
running system's workflow database (`renda.term.write_term`, COPY; each step adds what is
missing up to its size), is `ANALYZE`d, and at each size every figures endpoint is asked
for, one request at a time, for one county (450102/2026) and city-wide (2026), beside the
same SQL run by psycopg (the limit), plus one `EXPLAIN (ANALYZE, BUFFERS)` of each scope.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import psycopg

from bench.figures import (
    CITY,
    CITY_KEY,
    COUNTY_KEY,
    QUERY,
    TENANT,
    WARMUP,
    YEAR,
    explain,
    get_many,
    sql_counts,
    sql_many,
    sql_statements,
)
from bench.infra import CpuMeter, pg_url

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (240, 480)
CELLS = 12 * 2
"""Counties × years that renda.term writes: a size is rounded up to a multiple of it."""
# (scope, endpoint): (path, key, the SQL it is compared with)
ENDPOINTS = {
    ("county", "figures"): (f"/workflow/v1/figures?{QUERY}", COUNTY_KEY, "endpoint_tenant"),
    ("county", "units"): (f"/workflow/v1/figures/units?{QUERY}", COUNTY_KEY, "by_unit_tenant"),
    ("county", "best_units"): (
        f"/workflow/v1/figures/best-units?{QUERY}",
        COUNTY_KEY,
        "by_unit_tenant",
    ),
    ("city", "figures"): (f"/workflow/v1/figures?year={YEAR}", CITY_KEY, "endpoint_city"),
    ("city", "units"): (f"/workflow/v1/figures/units?year={YEAR}", CITY_KEY, "by_unit_city"),
    ("city", "best_units"): (
        f"/workflow/v1/figures/best-units?year={YEAR}",
        CITY_KEY,
        "by_unit_city",
    ),
}


def measure(
    system: Any,
    sizes: tuple[int, ...],
    count: int,
    allow: Callable[[float], float],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Each size in turn: seed up to it, then time every endpoint and its SQL `count` times,
    each series bounded by `allow(…)` seconds. A size whose seeding would not fit in what
    is left of the run (estimated from the previous step's rate) is skipped, and said so."""
    city_path = system.sql("directory", "SELECT path FROM nodes WHERE id = %s", CITY)[0][0]
    statements = sql_statements(city_path)
    steps: list[dict[str, Any]] = []
    rate = None
    for size in sizes:
        rows_now = _rows(system)
        per_cell = max(0, math.ceil((size - rows_now) / CELLS))
        if rate and per_cell * CELLS / rate > allow(math.inf):
            steps.append({"size": size, "skipped": f"seeding {per_cell * CELLS} rows won't fit"})
            log(f"scale: {size} skipped, out of time")
            break
        step: dict[str, Any] = {"size": size, **_seed(system, per_cell)}
        if step["seeded_rows"]:
            rate = step["seeded_rows"] / step["seed_s"]
        log(f"scale: {step['rows_in_table']} rows, seeded in {step['seed_s']}s")
        port = system.port("workflow")
        api: dict[str, Any] = {}
        answers: dict[tuple[str, str], Any] = {}
        for (scope, name), (path, key, _) in ENDPOINTS.items():
            headers = {"Authorization": f"Bearer {system.keys[key]}", "Accept": "application/json"}
            # CPU of workflow's API processes per request: what the machine's load does
            # not change, where wall-clock latency here waits for a core.
            meter = CpuMeter({"workflow-api": system.apis["workflow"][0]})
            got = get_many(port, path, headers, count, allow(120))
            cpu_s = meter.stop()["cpu_s"].get("workflow-api")
            answers[scope, name] = got.pop("answer")
            got["api_cpu_ms_per_request"] = (
                round(1000 * cpu_s / (got["requests"] + WARMUP), 2)
                if cpu_s is not None and got["requests"]
                else None
            )
            api[f"{scope}_{name}"] = {"path": path, **got}
        limits: dict[str, Any] = {}
        with psycopg.connect(pg_url(f"{system.prefix}_workflow"), autocommit=True) as conn:
            for name in sorted({sql for _, _, sql in ENDPOINTS.values()}):
                limits[name] = sql_many(conn, statements[name], count, allow(120))
            step["explain"] = {
                "county": explain(conn, statements["endpoint_tenant"][0]),
                "city": explain(conn, statements["endpoint_city"][0]),
            }
            step["check"] = _check(conn, statements, answers)
        step["api"], step["sql"] = api, limits
        steps.append(step)
    return {"requests": count, "steps": steps}


def _check(
    conn: psycopg.Connection, statements: dict[str, list[str]], answers: dict[Any, Any]
) -> list[str]:
    """What differs between each scope's API answers and the same SQL run by psycopg: the
    counts of /figures, and the units of /figures/units."""
    problems = []
    for scope, tag in (("county", "tenant"), ("city", "city")):
        figures, units = answers[scope, "figures"], answers[scope, "units"]
        want = sql_counts(conn.execute(statements[f"counts_{tag}"][0]).fetchall())
        if not isinstance(figures, dict) or figures.get("counts") != want:
            problems.append(f"{scope} /figures counts: API {figures} != SQL {want}")
        want_units = len(conn.execute(statements[f"by_unit_{tag}"][0]).fetchall())
        got_units = len(units.get("items", [])) if isinstance(units, dict) else None
        if got_units != want_units:
            problems.append(f"{scope} /figures/units: {got_units} items, SQL {want_units}")
    return problems


def _rows(system: Any) -> int:
    return int(system.sql("workflow", "SELECT count(*) FROM suggestions")[0][0])


def _seed(system: Any, per_cell: int) -> dict[str, Any]:
    from renda.term import write_term
    from runtime.db import Database

    db = Database(system.settings.database_url_for("workflow"))
    try:
        started = time.perf_counter()
        seeded = write_term(db, per_cell) if per_cell else 0
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
    rows = _rows(system)
    tenant_year = system.sql(
        "workflow",
        "SELECT count(*) FROM suggestions WHERE tenant = %s AND year = %s",
        TENANT,
        YEAR,
    )[0][0]
    return {
        "seeded_rows": seeded,
        "seed_s": round(seeded_s, 1),
        "analyze_s": round(analyze_s, 1),
        "rows_in_table": rows,
        "rows_county_year": int(tenant_year),
    }


def render(result: dict[str, Any]) -> str:
    """The curve: p50/p99 in ms per size, API and bare SQL, county and city."""
    lines = [
        f"\nscale: figures as the term grows (n={result['requests']} each; API | bare SQL)",
        f"{'rows':>9} {'seed s':>7}  {'endpoint':<18} {'API p50':>8} {'API p99':>8}"
        f" {'API CPU':>8} {'SQL p50':>8} {'SQL p99':>8}",
    ]
    for step in result["steps"]:
        if "skipped" in step:
            lines.append(f"{step['size']:>9}  skipped: {step['skipped']}")
            continue
        for (scope, name), (_, _, sql) in ENDPOINTS.items():
            api, limit = step["api"][f"{scope}_{name}"], step["sql"][sql]
            lines.append(
                f"{step['rows_in_table']:>9} {step['seed_s']:>7}  {scope + ' ' + name:<18}"
                f" {_ms(api['p50_ms'])} {_ms(api['p99_ms'])} {_ms(api['api_cpu_ms_per_request'])}"
                f" {_ms(limit['p50_ms'])} {_ms(limit['p99_ms'])}"
            )
        for problem in step["check"] or ["ok, API = SQL (counts, units)"]:
            lines.append(f"{'':>18}  check: {problem}")
        for scope, plan in step["explain"].items():
            lines.append(
                f"{'':>18}  EXPLAIN {scope}: {plan['execution_ms']} ms, "
                f"buffers hit {plan.get('shared_hit')} read {plan.get('shared_read')}, "
                f"{' > '.join(plan['nodes'])}"
            )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return f"{value:>8.1f}" if value is not None else f"{'-':>8}"
