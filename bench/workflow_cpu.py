"""CPU of one `suggestion.submitted` handled by workflow's worker, in-process, without a
broker: the profile the bench README quotes before and after (2b's biggest single cost).

    .venv/bin/python -m bench.workflow_cpu [--events N] [--batch B] [--profile] [--top K]
                                           [--hop workflow|scoring|notify]
                                           [--tenants T[,T2…]] [--rounds R] [--rate S]

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

With --tenants T, the suggestions are filed by T county tenants seeded as 2h seeds them
(bench/tenants.py: 990001, 990002, …, each with its deputies, units and routing), handed
out round-robin as 2h hands them out; without it, all by the demo's county 450102. With
--rate S the batches are handed over as S suggestions a second arrive (2h's peak is 10 a
second), so that what is kept for a time (the directory's entries, 30 s) ages between a
tenant's suggestions as it does in 2h; the waits are not CPU and are not counted. The
statements each database ran are counted per suggestion.

`--tenants 1,100 --rounds R` is 2h's question for one consumer: N suggestions filed by 1
tenant, then N by 100, R times in turn, each run starting with the directory's cache
empty as each of 2h's steps does (its tenants' entries have expired by then). Taking
turns in one process spreads the machine's other load over both; the median of each is
printed, and every run's figure.

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
import statistics
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import psycopg

from bench.cpu_profile import profile_stages
from bench.infra import AMQP_URL, BIN, PG_SERVER, create_databases, drop_databases
from bench.system import SUGGESTION
from bench.tenants import CATEGORIES, Tenant
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
    parser.add_argument(
        "--tenants",
        default="0",
        help="bench county tenants filing (0: the demo county), or counts to take turns: 1,100",
    )
    parser.add_argument("--rounds", type=int, default=1, help="turns of each tenant count")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="suggestions a second handed over (0: at once)"
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
        counts = [int(c) for c in args.tenants.split(",")]
        run(prefix, args, counts, tenants(max(counts)))
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


DEPUTIES = 8
"""Each bench tenant's deputies, as 2h seeds them."""


def tenants(count: int) -> list[Tenant]:
    """`count` bench county tenants seeded as 2h seeds them, or [] for the demo county."""
    from types import SimpleNamespace

    from bench.tenants import seed
    from runtime.config import Settings

    found: list[Tenant] = []
    if count:
        seed(SimpleNamespace(settings=Settings.from_env()), found, count, DEPUTIES)
    return found


def submitted(i: int, filers: list[Tenant]) -> StandIn:
    """The i-th fresh `suggestion.submitted` as intake's outbox row carries it: the demo
    county's, or the i-th of 2h's round (tenant i mod T, its deputy and a category)."""
    fields: dict[str, Any] = {**SUGGESTION, "tenant": "450102"}
    if filers:
        tenant = filers[i % len(filers)]
        fields.update(
            tenant=tenant.county,
            lead_deputy_id=tenant.deputies[i % len(tenant.deputies)],
            category=CATEGORIES[i % len(CATEGORIES)],
        )
    data = REGISTRY.latest("suggestion.submitted").to_json(
        {
            **fields,
            "submission_id": str(uuid.uuid4()),
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
        tenant=fields["tenant"],
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


def check(db: Any, filers: list[Tenant]) -> str:
    """What the handler left, for the tenants that filed: the suggestions, their numbers
    (1..n per tenant, no gap or repeat), the figures' groups counting each once, their
    assignments and the events written for them (3 each: accepted, assigned,
    submission.accepted)."""
    from sqlalchemy import bindparam, text

    counties = [t.county for t in filers] or ["450102"]
    with db.session() as session:
        suggestions, numbers, last, grouped = session.execute(
            text(
                "SELECT count(*), count(DISTINCT (tenant, number)),"
                " (SELECT sum(last) FROM number_sequences WHERE tenant IN :counties),"
                " (SELECT sum(suggestions) FROM suggestion_figures WHERE tenant IN :counties)"
                " FROM suggestions WHERE tenant IN :counties"
            ).bindparams(bindparam("counties", expanding=True)),
            {"counties": counties},
        ).one()
        assignments = session.execute(text("SELECT count(*) FROM assignments")).scalar_one()
        events = dict(
            session.execute(text("SELECT type, count(*) FROM outbox GROUP BY type")).all()
        )
    ok = suggestions == numbers == last == grouped
    return (
        f"check: {suggestions} suggestions of {len(counties)} tenants, {numbers} numbers, last"
        f" {last}, {grouped} in the figures ({'ok' if ok else 'WRONG'}); {assignments}"
        f" assignments; outbox {events}"
    )


class Statements:
    """Statements sent to each database while counting (SQLAlchemy's cursor executes, an
    executemany counted once)."""

    def __init__(self, engines: dict[str, Any]) -> None:
        from sqlalchemy import event

        self.counting = False
        self.counts: Counter[str] = Counter()
        for name, engine in engines.items():
            event.listen(engine, "before_cursor_execute", partial(self._count, name))

    def _count(self, name: str, *_args: Any) -> None:
        if self.counting:
            self.counts[name] += 1


def run(prefix: str, args: argparse.Namespace, counts: list[int], seeded: list[Tenant]) -> None:
    from kombu import Connection
    from sqlalchemy import select

    from contracts.topology import SUBSCRIPTIONS
    from renda.processes import runtimes_for
    from runtime.config import Settings
    from runtime.consumer import EventProcessor, ServiceConsumer
    from runtime.logs import configure_logging

    n, batch, hop = args.events, args.batch, args.hop
    settings = Settings.from_env()
    # Logs as the worker writes them (JSON, INFO: a line per event handled), to nowhere.
    configure_logging(settings.log_level)
    logging.getLogger().handlers[0].setStream(open(os.devnull, "w"))  # noqa: SIM115
    runtimes = {rt.name: rt for rt in runtimes_for(["workflow", "scoring", "notify"], settings)}
    directory = runtimes["workflow"].directory
    consumers = {
        name: ServiceConsumer(EventProcessor.of(rt), settings, Connection(settings.broker_url))
        for name, rt in runtimes.items()
    }
    statements = Statements(
        {"directory": directory.db.engine} | {name: rt.db.engine for name, rt in runtimes.items()}
    )
    relayed = 0
    """The last of workflow's outbox rows handed on."""
    filed = 0
    """Suggestions made so far: the next one is the round's `filed`-th."""

    def handle(service: str, messages: list[StandIn], per_suggestion: float = 1.0) -> None:
        due = time.perf_counter()
        for start in range(0, len(messages), batch):
            if args.rate:
                time.sleep(max(0.0, due - time.perf_counter()))
                due += len(messages[start : start + batch]) / per_suggestion / args.rate
            consumers[service].batch = list(messages[start : start + batch])  # type: ignore[arg-type]
            consumers[service].handle_batch()

    def made(count: int, by: list[Tenant]) -> list[StandIn]:
        nonlocal filed
        messages = [submitted(filed + i, by) for i in range(count)]
        filed += count
        return messages

    def through_workflow(count: int, by: list[Tenant]) -> list[StandIn]:
        """`count` new suggestions handled by workflow; what of it `hop` consumes, as
        workflow's relay would publish it."""
        nonlocal relayed
        for start in range(0, count, batch):
            consumers["workflow"].batch = made(min(batch, count - start), by)  # type: ignore[assignment]
            consumers["workflow"].handle_batch()
        # Each service's worker keeps its own directory entries: what workflow read for
        # these suggestions is not there for `hop` (one Directory serves them all here).
        directory._cache.clear()
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

    def prepared(count: int, by: list[Tenant]) -> Callable[[], None]:
        """The work measured for `count` suggestions by the tenants `by`: `hop`'s consumer
        handling them (what comes before it is done here)."""
        if hop == "workflow":
            return partial(handle, hop, made(count, by))
        messages = through_workflow(count, by)
        return partial(handle, hop, messages, len(messages) / count)

    # Warm on the demo county, as 2h warms up: code paths and pools, not the tenants' reads.
    prepared(100, [])()
    database = f"{prefix}_{hop}"
    cpu: dict[int, list[float]] = {count: [] for count in counts}
    for _ in range(args.rounds):
        for count in counts:
            filers = seeded[:count]
            work = prepared(n, filers)
            directory._cache.clear()
            statements.counts.clear()
            pg_before, started = backends_cpu(database), time.thread_time()
            statements.counting = True
            work()
            statements.counting = False
            cpu_ms = 1000 * (time.thread_time() - started) / n
            pg_ms = 1000 * (backends_cpu(database) - pg_before) / n
            cpu[count].append(cpu_ms)
            what = "suggestion.submitted" if hop == "workflow" else "a suggestion's events"
            by = f"{count} tenants" if count else "the demo county"
            print(
                f"{hop}: {what} in-process (batches of {batch}, {by}"
                f"{f', {args.rate:g} a second' if args.rate else ''}): {cpu_ms:.3f} ms CPU in"
                f" the worker, {pg_ms:.3f} ms in PostgreSQL per suggestion (n={n}); statements: "
                + ", ".join(f"{name} {c / n:.2f}" for name, c in sorted(statements.counts.items()))
            )
    if args.rounds > 1 or len(counts) > 1:
        print(
            "median ms CPU in the worker per suggestion: "
            + ", ".join(
                f"{count} tenants {statistics.median(v):.3f} ({' '.join(f'{x:.2f}' for x in v)})"
                for count, v in cpu.items()
            )
        )
    print(check(runtimes["workflow"].db, seeded))
    if not args.profile:
        return
    profile_stages(
        prepared(n, seeded[: counts[-1]]),
        n,
        "suggestion",
        STAGES if hop == "workflow" else (),
        args.top,
    )


if __name__ == "__main__":
    main()
