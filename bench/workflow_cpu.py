"""CPU of one `suggestion.submitted` handled by workflow's worker, in-process, without a
broker: the profile the bench README quotes before and after (2b's biggest single cost).

    .venv/bin/python -m bench.workflow_cpu [--events N] [--batch B] [--profile] [--top K]
                                           [--hop workflow|scoring|notify]

Builds workflow's runtime as its worker does (`renda.processes.runtimes_for`) against its
own PostgreSQL databases (`rbench_wcpu_<hex>_*`, migrated and seeded, dropped at the end),
then hands N `suggestion.submitted` messages, as intake's outbox writes them (CloudEvents
headers, JSON body), to the consumer's `handle_batch` in batches of B (the worker's
`RENDA_CONSUMER_BATCH`, 20): decoded, deduplicated by the inbox, handled, committed and
acknowledged as on RabbitMQ, where only the broker is left out (the messages are stand-ins
whose ack does nothing). Nothing relays the outbox; its rows stay pending. With --hop
scoring or notify, what workflow wrote for the N suggestions (the events that service
subscribes to, as the relay publishes them) is handed to that service's consumer the same
way, and that consumer is what is measured, per suggestion.

Prints this thread's CPU per suggestion and the CPU the database's PostgreSQL backends spent
(`/proc/<pid>/stat`: the server must run on this machine). With --profile, the same again
under cProfile timed by the thread's CPU clock, the stages below as shares of the total,
and the top frames. cProfile's own overhead inflates every frame ~2–3×; the shares are
what to read.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import psycopg

from bench.cpu_profile import profile_stages
from bench.infra import AMQP_URL, BIN, PG_SERVER, create_databases, drop_databases
from bench.system import SUGGESTION
from contracts import REGISTRY, Event, body_of, headers_for

STAGES = (
    # label, file, function (cumulative CPU, so stages nest: read them as a tree)
    ("consumer: a batch handled (handle_batch)", "runtime/consumer.py", "handle_batch"),
    ("  decode: headers, JSON, contract load", "contracts/envelope.py", "decode"),
    ("  EventProcessor.process (transaction, inbox, handlers)", "runtime/consumer.py", "process"),
    ("    on_suggestion_submitted", "suggestions/handlers.py", "on_suggestion_submitted"),
    ("      filed_already (SELECT by submission)", "suggestions/queries.py", "filed_already"),
    ("      directory: the proposers", "runtime/directory/service.py", "deputies"),
    ("      policy_for (tenant policy row)", "services/workflow/policy.py", "policy_for"),
    ("      topic_lists (SELECT)", "suggestions/queries.py", "topic_lists"),
    ("      screen (keywords)", "suggestions/domain/screening.py", "screen"),
    ("      next_number (upsert RETURNING)", "suggestions/store.py", "next_number"),
    ("      accept (state, routing rule, assign)", "suggestions/actions/screening.py", "accept"),
    ("        assign (deadlines, assignments)", "suggestions/actions/assignment.py", "assign"),
    ("          working days and deadlines", "domain/deadlines.py", "assignment_deadlines"),
    ("          deadline basis", "services/workflow/working_days.py", "basis_between"),
    ("      settle (submission.accepted)", "services/workflow/receipts.py", "settle"),
    ("      Outbox.add, all 3 events", "runtime/outbox.py", "add"),
    ("        event data dumped and validated (to_json)", "contracts/registry.py", "to_json"),
    ("      ORM flush, all of them", "sqlalchemy/orm/session.py", "flush"),
    ("        figures rollup (before_flush, ADR 0017)", "suggestions/store.py", "_keep_figures"),
    ("    COMMIT", "sqlalchemy/orm/session.py", "commit"),
    ("    psycopg: all statements, client side", "psycopg/cursor.py", "execute"),
    ("    logging (handled …)", "logging/__init__.py", "info"),
    ("    metrics (handler latency)", "prometheus_client/metrics.py", "observe"),
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workflow_cpu")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--hop",
        choices=("workflow", "scoring", "notify"),
        default="workflow",
        help="whose consumer to measure: workflow's, or scoring's or notify's on what it wrote",
    )
    args = parser.parse_args()
    prefix = f"rbench_wcpu_{uuid.uuid4().hex[:8]}"
    databases = [f"{prefix}_{name}" for name in ("directory", "intake", "workflow")]
    databases += [f"{prefix}_{name}" for name in ("scoring", "notify")]
    env = {
        **os.environ,
        "RENDA_DATABASE_URL": PG_SERVER.replace("postgresql://", "postgresql+psycopg://")
        + f"/{prefix}_{{service}}",
        "RENDA_BROKER_URL": AMQP_URL,
        "RENDA_BUS_PREFIX": prefix,
        "RENDA_CONSUMER_BATCH": str(args.batch),
    }
    create_databases(databases)
    try:
        subprocess.run([str(BIN / "renda"), "migrate", "all"], env=env, check=True)
        subprocess.run([str(BIN / "renda"), "seed"], env=env, check=True, capture_output=True)
        os.environ.update(env)
        run(prefix, args.events, args.batch, args.hop, args.profile, args.top)
    finally:
        drop_databases(databases)


@dataclass
class StandIn:
    """A delivered message as kombu hands it to the consumer, first delivery, no broker."""

    headers: dict[str, Any]
    body: bytes
    delivery_info: dict[str, Any] = field(default_factory=lambda: {"redelivered": False})

    def ack(self) -> None:
        pass


def submitted() -> StandIn:
    """A fresh `suggestion.submitted` as intake's outbox row carries it."""
    data = REGISTRY.latest("suggestion.submitted").to_json(
        {
            **SUGGESTION,
            "submission_id": str(uuid.uuid4()),
            "tenant": "450102",
            "cosigner_ids": [],
            "session_name": None,
            "urgent": False,
            "attachments": [],
            "source_opinion_id": None,
            "submitted_at": datetime.now(UTC),
        }
    )
    event = Event(
        name="suggestion.submitted",
        version=REGISTRY.latest("suggestion.submitted").version,
        data=data,
        tenant="450102",
        source="/renda/intake",
        correlation_id=str(uuid.uuid4()),
        time=datetime.now(UTC),
    )
    return StandIn(headers_for(event), body_of(event.data))


def backends_cpu(database: str) -> float:
    """CPU seconds the PostgreSQL backends serving `database` have spent so far."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        pids = [
            pid
            for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
            )
        ]
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def check(db: Any) -> str:
    """What the handler left: the suggestions, their numbers (1..n, no gap or repeat), the
    figures' groups counting each once, their assignments and the events written for them
    (3 each: accepted, assigned, submission.accepted)."""
    from sqlalchemy import text

    with db.session() as session:
        suggestions, numbers, last = session.execute(
            text(
                "SELECT count(*), count(DISTINCT number),"
                " (SELECT max(last) FROM number_sequences WHERE tenant = '450102')"
                " FROM suggestions WHERE tenant = '450102'"
            )
        ).one()
        assignments, grouped = session.execute(
            text(
                "SELECT (SELECT count(*) FROM assignments),"
                " (SELECT sum(suggestions) FROM suggestion_figures WHERE tenant = '450102')"
            )
        ).one()
        events = dict(
            session.execute(text("SELECT type, count(*) FROM outbox GROUP BY type")).all()
        )
    ok = suggestions == numbers == last == grouped
    return (
        f"check: {suggestions} suggestions, {numbers} numbers, last {last}, {grouped} in the"
        f" figures ({'ok' if ok else 'WRONG'}); {assignments} assignments; outbox {events}"
    )


def run(prefix: str, n: int, batch: int, hop: str, profile: bool, top: int) -> None:
    from kombu import Connection
    from sqlalchemy import select

    from contracts.topology import SUBSCRIPTIONS
    from renda.processes import runtimes_for
    from runtime.config import Settings
    from runtime.consumer import EventProcessor, ServiceConsumer
    from runtime.logs import configure_logging

    settings = Settings.from_env()
    # Logs as the worker writes them (JSON, INFO: a line per event handled), to nowhere.
    configure_logging(settings.log_level)
    logging.getLogger().handlers[0].setStream(open(os.devnull, "w"))  # noqa: SIM115
    runtimes = {rt.name: rt for rt in runtimes_for(["workflow", "scoring", "notify"], settings)}
    consumers = {
        name: ServiceConsumer(
            EventProcessor(
                rt.name,
                rt.spec.handlers,
                rt.db,
                rt.outbox,
                rt.clock,
                rt.directory,
                settings=rt.settings,
            ),
            settings,
            Connection(settings.broker_url),
        )
        for name, rt in runtimes.items()
    }
    relayed = 0
    """The last of workflow's outbox rows handed on."""

    def handle(service: str, messages: list[StandIn]) -> None:
        for start in range(0, len(messages), batch):
            consumers[service].batch = list(messages[start : start + batch])  # type: ignore[arg-type]
            consumers[service].handle_batch()

    def through_workflow(count: int) -> list[StandIn]:
        """`count` new suggestions handled by workflow; what of it `hop` consumes, as
        workflow's relay would publish it."""
        nonlocal relayed
        handle("workflow", [submitted() for _ in range(count)])
        outbox = runtimes["workflow"].outbox.table
        with runtimes["workflow"].db.session() as session:
            rows = session.execute(
                select(outbox.c.id, outbox.c.routing_key, outbox.c.headers, outbox.c.payload)
                .where(outbox.c.id > relayed)
                .order_by(outbox.c.id)
            ).all()
        relayed = rows[-1].id
        return [
            StandIn(dict(r.headers), body_of(r.payload))
            for r in rows
            if r.routing_key in SUBSCRIPTIONS[hop]
        ]

    def prepared(count: int) -> Callable[[], None]:
        """The work measured for `count` suggestions: `hop`'s consumer handling them (what
        comes before it is done here)."""
        if hop == "workflow":
            messages = [submitted() for _ in range(count)]
        else:
            messages = through_workflow(count)
        return partial(handle, hop, messages)

    prepared(100)()
    work = prepared(n)
    database = f"{prefix}_{hop}"
    pg_before, started, wall = backends_cpu(database), time.thread_time(), time.perf_counter()
    work()
    cpu_ms = 1000 * (time.thread_time() - started) / n
    wall_ms = 1000 * (time.perf_counter() - wall) / n
    pg_ms = 1000 * (backends_cpu(database) - pg_before) / n
    what = "suggestion.submitted" if hop == "workflow" else "a suggestion's events"
    print(
        f"{hop}: {what} in-process (batches of {batch}): {cpu_ms:.3f} ms CPU in the worker,"
        f" {pg_ms:.3f} ms in PostgreSQL, {wall_ms:.3f} ms wall per suggestion (n={n})"
    )
    print(check(runtimes["workflow"].db))
    if not profile:
        return
    profile_stages(prepared(n), n, "suggestion", STAGES if hop == "workflow" else (), top)


if __name__ == "__main__":
    main()
