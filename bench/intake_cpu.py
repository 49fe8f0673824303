"""CPU of one intake POST inside renda, without HTTP server or load generator: the
profile the bench README quotes before and after.

    .venv/bin/python -m bench.intake_cpu [--requests N] [--profile] [--top K] [--ballots]

Builds the intake API in this process (`renda.processes.wsgi("intake")`) against its own
PostgreSQL databases (`rbench_cpu_<hex>_*`, migrated and seeded, dropped at the end),
sends N suggestions (with --ballots: N ballots of one open vote, 0–8 of 12 candidates as
bench/ballots.py casts them) through Flask's test client one after another, and prints the
CPU time of this thread per request. With --profile, the same again under cProfile timed by
the thread's CPU clock (so waiting on PostgreSQL costs nothing), and the top frames by
own and by cumulative CPU. cProfile's own overhead inflates every frame ~3×; the shares
are what to read. Whatever the machine is doing besides is not in these figures, which is
why they are steadier than the bench's on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
import uuid
from types import SimpleNamespace
from typing import Any

from bench.ballots import CANDIDATES, SEATS, TENANT, ballots_for
from bench.cpu_profile import profile_stages
from bench.infra import AMQP_URL, BIN, PG_SERVER, create_databases, drop_databases
from bench.system import PATH, SUGGESTION

STAGES = (
    # label, file, function (cumulative CPU, so stages nest: read them as a tree)
    ("Flask wsgi_app: the request in renda (the rest: test client)", "flask/app.py", "wsgi_app"),
    ("  the door: key, stored-text checks, JSON body (runtime.http)", "runtime/http.py", "_start"),
    ("  webargs: headers and body through their schemas", "webargs/core.py", "parse"),
    ("  the view: submit (store + outbox)", "intake/api/submissions.py", "submit"),
    ("    a ballot: the door, the register, the pool (cast)", "intake/api/votes.py", "cast"),
    ("    pooled connection checkout (+ ping)", "sqlalchemy/pool/base.py", "_checkout"),
    ("    ORM flush of the submission", "sqlalchemy/orm/session.py", "flush"),
    ("    Outbox.add (event built, validated, INSERT)", "runtime/outbox.py", "add"),
    ("      event data dumped and validated (to_json)", "contracts/registry.py", "to_json"),
    ("      separate NOTIFY statement", "runtime/outbox.py", "_announce"),
    ("    COMMIT", "sqlalchemy/orm/session.py", "commit"),
    ("    psycopg: all statements, client side", "psycopg/cursor.py", "execute"),
    ("  marshmallow, all of it: loads (webargs, to_json)", "marshmallow/schema.py", "_do_load"),
    ("  marshmallow, all of it: dumps (to_json, the receipt)", "marshmallow/schema.py", "dump"),
    ("  metrics and headers after the request", "runtime/http.py", "_finish"),
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.intake_cpu")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--ballots", action="store_true", help="cast ballots, not suggestions")
    args = parser.parse_args()
    prefix = f"rbench_cpu_{uuid.uuid4().hex[:8]}"
    databases = [f"{prefix}_{name}" for name in ("directory", "intake", "workflow")]
    databases += [f"{prefix}_{name}" for name in ("scoring", "notify")]
    env = {
        **os.environ,
        "RENDA_DATABASE_URL": PG_SERVER.replace("postgresql://", "postgresql+psycopg://")
        + f"/{prefix}_{{service}}",
        "RENDA_BROKER_URL": AMQP_URL,
        "RENDA_BUS_PREFIX": prefix,
    }
    create_databases(databases)
    try:
        subprocess.run([str(BIN / "renda"), "migrate", "all"], env=env, check=True)
        seeded = subprocess.run(
            [str(BIN / "renda"), "seed"], env=env, check=True, capture_output=True, text=True
        ).stdout
        key = next(
            line.partition(": ")[2].strip()
            for line in seeded.splitlines()
            if line.startswith("county_system_450102")
        )
        os.environ.update(env)
        run(key, args.requests, args.profile, args.top, args.ballots)
    finally:
        drop_databases(databases)


def open_door(app: Any, key: str, roll: list[str]) -> str:
    """A vote open at intake's door with `roll` present, as `vote.opened` opens it
    (services/intake/handlers.py), without workflow: the ballots are all this measures."""
    from runtime.directory import Principal
    from services.intake.handlers import on_vote_opened

    rt = app.extensions["renda"]["intake"]
    who: Principal | None = rt.directory.authenticate(key)
    assert who is not None
    vote_id = str(uuid.uuid4())
    opened = SimpleNamespace(
        data={
            "vote_id": vote_id,
            "tenant": who.node_id,
            "tenant_path": who.node_path,
            "candidates": [c["id"] for c in CANDIDATES],
            "choices_allowed": SEATS,
            "present": roll,
            "tracker": False,
        }
    )
    with rt.db.transaction() as session:
        on_vote_opened(opened, SimpleNamespace(session=session))  # type: ignore[arg-type]
    return vote_id


def run(key: str, n: int, profile: bool, top: int, ballots: bool) -> None:
    from renda.processes import wsgi

    app = wsgi("intake")
    client = app.test_client()
    casts = 100 + n * (2 if profile else 1)
    if ballots:
        roll = [f"D{TENANT}-C{i:05d}" for i in range(casts)]
        path = f"/intake/v1/votes/{open_door(app, key, roll)}/ballots"
        bodies = iter(
            json.dumps({"deputy_id": d, "choices": c}).encode()
            for d, c in zip(roll, ballots_for(roll), strict=True)
        )
    else:
        path, body = PATH, json.dumps(SUGGESTION).encode()
        bodies = iter(lambda: body, None)

    def one() -> None:
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {key}",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        response = client.post(path, data=next(bodies), headers=headers)
        if response.status_code != 202:
            raise RuntimeError(f"{response.status_code}: {response.data!r}")

    for _ in range(100):
        one()
    started, wall = time.thread_time(), time.perf_counter()
    for _ in range(n):
        one()
    cpu_ms = 1000 * (time.thread_time() - started) / n
    wall_ms = 1000 * (time.perf_counter() - wall) / n
    what = "ballot" if ballots else "POST"
    print(
        f"intake {what} in-process: {cpu_ms:.3f} ms CPU, {wall_ms:.3f} ms wall per request (n={n})"
    )
    if not profile:
        return

    def work() -> None:
        for _ in range(n):
            one()

    profile_stages(work, n, "POST", STAGES, top)


if __name__ == "__main__":
    main()
