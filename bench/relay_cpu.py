"""The outbox relay in-process, without a worker around it: its rate and its CPU per
message, the figures ADR 0016 quotes before and after.

    .venv/bin/python -m bench.relay_cpu [--rows N] [--rounds R] [--profile] [--top K]

Migrates intake's database (`rbench_relay_<hex>_*`, dropped at the end), declares renda's
topic exchange and workflow's quorum queue under its own bus prefix (deleted at the end),
writes one real `suggestion.submitted` through `Outbox.add` and N copies of it as pending
rows (each its own event id), then runs `OutboxRelay.relay_once` until the outbox is empty,
as the worker's relay does under a backlog. Printed per round: msg/s, this process's CPU
per message (every thread of it: the relay's own threads too) and PostgreSQL's and
RabbitMQ's over the same time (machine-wide: on a shared server, others' work is in them).
With --profile, the last round under cProfile timed by CPU; the top frames by own and
cumulative time (cProfile inflates each frame; read the shares).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
import uuid
from datetime import UTC, datetime

import psycopg
from kombu import Connection

from bench.infra import (
    AMQP_URL,
    PG_SERVER,
    CpuMeter,
    cpu_seconds,
    create_databases,
    drop_databases,
    pg_url,
)
from bench.system import SUGGESTION
from renda.processes import migrate, runtimes_for
from runtime.bus import Publisher, Topology
from runtime.config import Settings
from runtime.context import ServiceRuntime
from runtime.outbox import OutboxRelay


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.relay_cpu")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    prefix = f"rbench_relay_{uuid.uuid4().hex[:8]}"
    databases = [f"{prefix}_directory", f"{prefix}_intake"]
    settings = Settings.from_env(
        {
            "RENDA_DATABASE_URL": PG_SERVER.replace("postgresql://", "postgresql+psycopg://")
            + f"/{prefix}_{{service}}",
            "RENDA_BROKER_URL": AMQP_URL,
            "RENDA_BUS_PREFIX": prefix,
        }
    )
    topology = Topology(settings)
    queue = topology.service_queue("workflow")
    create_databases(databases)
    broker = Connection(AMQP_URL, connect_timeout=5)
    try:
        topology.events(broker.default_channel).declare()
        queue(broker.default_channel).declare()
        migrate(settings, ["directory", "intake"])
        (rt,) = runtimes_for(["intake"], settings)
        with rt.db.transaction() as session:
            rt.outbox.add(
                session,
                "suggestion.submitted",
                {
                    "submission_id": str(uuid.uuid4()),
                    "submitted_at": datetime.now(UTC),
                    "tenant": "450102",
                    "cosigner_ids": [],
                    **SUGGESTION,
                },
                tenant="450102",
                correlation_id=str(uuid.uuid4()),
            )
        relay = OutboxRelay(rt.outbox, rt.db, Publisher(settings))
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        for round_ in range(args.rounds):
            _pending_copies(rt, args.rows)
            profiling = profiler is not None and round_ == args.rounds - 1
            meter = CpuMeter({})
            backends = _backend_cpu(f"{prefix}_intake")
            started = time.perf_counter()
            if profiling:
                profiler.enable()
            sent = 0
            while (count := relay.relay_once()) > 0:
                sent += count
            if profiling:
                profiler.disable()
            wall = time.perf_counter() - started
            cpu = meter.stop()["cpu_s"]
            after = _backend_cpu(f"{prefix}_intake")
            cpu["its backends"] = sum(v - backends.get(pid, 0.0) for pid, v in after.items())
            per = {k: 1e6 * v / sent for k, v in cpu.items()}
            print(
                f"round {round_ + 1}{' (profiled)' if profiling else ''}: {sent} messages in "
                f"{wall:.2f} s = {sent / wall:,.0f} msg/s; CPU µs/message: "
                f"relay process {per.get('bench + load generator', 0):.1f}, "
                f"its PostgreSQL backends {per['its backends']:.1f} "
                f"(all postgres {per.get('postgres', 0):.1f}), "
                f"rabbitmq {per.get('rabbitmq', 0):.1f}; "
                f"load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            queue(broker.default_channel).purge()
        relay.publisher.close()
        rt.db.dispose()
        rt.directory.db.dispose()
        if profiler is not None:
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
                print(out.getvalue())
    finally:
        queue(broker.default_channel).delete()
        topology.events(broker.default_channel).delete()
        broker.release()
        drop_databases(databases)


def _backend_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the database: the relay's (the
    machine's other `postgres` processes may serve other people)."""
    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return {pid: cpu for (pid,) in pids if (cpu := cpu_seconds(pid)) is not None}


def _pending_copies(rt: ServiceRuntime, rows: int) -> None:
    """`rows` copies of the outbox's first row, pending, each with its own event id (as
    bench/system.py's 2c writes them)."""
    with rt.db.transaction() as session:
        session.connection().exec_driver_sql(
            """
            INSERT INTO outbox (event_id, type, routing_key, headers, payload, created_at)
            SELECT e.id, t.type, t.routing_key,
                   jsonb_set(t.headers::jsonb, '{cloudEvents_id}', to_jsonb(e.id))::json,
                   t.payload, now()
            FROM (SELECT gen_random_uuid()::text AS id FROM generate_series(1, %(rows)s)) AS e,
                 (SELECT * FROM outbox ORDER BY id LIMIT 1) AS t
            """,
            {"rows": rows},
        )


if __name__ == "__main__":
    main()
