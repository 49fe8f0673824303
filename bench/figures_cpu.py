"""CPU of one figures request inside workflow, without HTTP server or load generator: the
profile bench/README.md's 2i section quotes before and after.

    .venv/bin/python -m bench.figures_cpu [--rows N] [--requests N] [--profile] [--top K]
                                          [--keep | --prefix P]

Builds workflow's API in this process (`renda.processes.wsgi("workflow")`) against its own
PostgreSQL databases (`rbench_fig_<hex>_*`, migrated, seeded, a term of `--rows`
suggestions written by `renda.term.write_term` and ANALYZEd; dropped at the end with the
keys' directory `$TMPDIR/<prefix>`, unless `--keep`; `--prefix` runs again on kept ones),
asks for each figures endpoint of bench/scale.py (county 450102/2026 and city-wide 2026)
through Flask's test client one request after another, and prints the CPU time of this
thread per request. The rollup's size, not the term's, sets the cost (ADR 0017): 10⁵ rows
already hold nearly every group. With --profile, each endpoint again under cProfile timed
by the thread's CPU clock (so waiting on PostgreSQL costs nothing), with the shares of its
stages and the top frames. cProfile's own overhead inflates every frame; the shares are
what to read. Whatever else the machine runs is not in these figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.cpu_profile import profile_stages
from bench.figures import CITY_KEY, COUNTY_KEY
from bench.infra import AMQP_URL, BIN, PG_SERVER, create_databases, drop_databases
from bench.scale import CELLS, ENDPOINTS

SERVICES = ("directory", "intake", "workflow", "scoring", "notify")
STAGES = (
    # label, file, function (cumulative CPU, so stages nest: read them as a tree)
    ("Flask wsgi_app: the request in renda (the rest: test client)", "flask/app.py", "wsgi_app"),
    ("  the door: key and stored-text checks (runtime.http)", "runtime/http.py", "_start"),
    ("  webargs: the query through its schema", "webargs/core.py", "parse"),
    ("  the view: GET /figures", "api/figures.py", "figures"),
    ("  the view: GET /figures/units", "api/figures.py", "unit_figures"),
    ("  the view: GET /figures/best-units", "api/figures.py", "best"),
    ("    pooled connection checkout (+ ping)", "sqlalchemy/pool/base.py", "_checkout"),
    ("    SQL compiled by SQLAlchemy (cache misses)", "sqlalchemy/sql/compiler.py", "__init__"),
    ("    psycopg: all statements, client side", "psycopg/cursor.py", "execute"),
    ("    rows fetched", "sqlalchemy/engine/result.py", "_allrows"),
    ("    COMMIT / ROLLBACK at the session's end", "sqlalchemy/orm/session.py", "close"),
    ("  marshmallow: the answer dumped", "marshmallow/schema.py", "dump"),
    ("  the answer as JSON", "flask/json/provider.py", "response"),
    ("  metrics and headers after the request", "runtime/http.py", "_finish"),
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.figures_cpu")
    parser.add_argument("--rows", type=int, default=100_000, help="suggestions in the term")
    parser.add_argument("--requests", type=int, default=300, help="per endpoint")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    parser.add_argument("--prefix", help="run again on databases kept by --keep")
    args = parser.parse_args()
    prefix = args.prefix or f"rbench_fig_{uuid.uuid4().hex[:8]}"
    databases = [f"{prefix}_{name}" for name in SERVICES]
    var_dir = Path(tempfile.gettempdir()) / prefix
    env = {
        **os.environ,
        "RENDA_DATABASE_URL": PG_SERVER.replace("postgresql://", "postgresql+psycopg://")
        + f"/{prefix}_{{service}}",
        "RENDA_BROKER_URL": AMQP_URL,
        "RENDA_BUS_PREFIX": prefix,
        # `renda seed` keeps the keys it made here, and prints them again on a kept prefix.
        "RENDA_VAR_DIR": str(var_dir),
    }
    if not args.prefix:
        create_databases(databases)
    try:
        if not args.prefix:
            subprocess.run([str(BIN / "renda"), "migrate", "all"], env=env, check=True)
        printed = subprocess.run(
            [str(BIN / "renda"), "seed"], env=env, check=True, capture_output=True, text=True
        ).stdout
        keys = dict(line.split(": ", 1) for line in printed.splitlines() if ": " in line)
        os.environ.update(env)
        if not args.prefix:
            seed_term(args.rows)
        run({k: keys[k].strip() for k in (COUNTY_KEY, CITY_KEY)}, args.requests, args)
    finally:
        if args.keep or args.prefix:
            print(f"kept: --prefix {prefix}")
        else:
            drop_databases(databases)
            shutil.rmtree(var_dir, ignore_errors=True)


def seed_term(rows: int) -> None:
    from renda.term import write_term
    from runtime.config import Settings
    from runtime.db import Database

    db = Database(Settings.from_env(dict(os.environ)).database_url_for("workflow"))
    try:
        started = time.perf_counter()
        written = write_term(db, -(-rows // CELLS))
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE suggestions")
            conn.exec_driver_sql("ANALYZE suggestion_figures")
            conn.commit()
        print(f"term: {written} suggestions in {time.perf_counter() - started:.0f} s")
    finally:
        db.dispose()


def run(keys: dict[str, str], n: int, args: argparse.Namespace) -> None:
    from renda.processes import wsgi

    client = wsgi("workflow").test_client()
    for (scope, name), (path, key, _) in ENDPOINTS.items():
        headers = {"Authorization": f"Bearer {keys[key]}", "Accept": "application/json"}

        def one(path: str = path, headers: dict[str, str] = headers) -> None:
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}: {response.data!r}")

        for _ in range(20):
            one()
        started, wall = time.thread_time(), time.perf_counter()
        for _ in range(n):
            one()
        cpu_ms = 1000 * (time.thread_time() - started) / n
        wall_ms = 1000 * (time.perf_counter() - wall) / n
        print(f"{scope} {name}: {cpu_ms:.3f} ms CPU, {wall_ms:.3f} ms wall per request (n={n})")
        if args.profile:
            profile(one, n, args.top)


def profile(one: Any, n: int, top: int) -> None:
    def work() -> None:
        for _ in range(n):
            one()

    profile_stages(work, n, "request", STAGES, top)


if __name__ == "__main__":
    main()
