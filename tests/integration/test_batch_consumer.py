"""Consumers apply delivered messages in batches (ADR 0019), on RabbitMQ and PostgreSQL:
a message that fails in a batch is retried or dead-lettered alone, the others are applied
once, and a crash between a batch's commit and its acks changes nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from kombu import Connection
from sqlalchemy import select

from contracts import REGISTRY, Event, body_of, headers_for
from renda.processes import migrate, runtimes_for
from runtime.bus import Publisher, Topology, connect
from runtime.config import SERVICES, Settings
from runtime.consumer import EventProcessor, ServiceConsumer
from runtime.context import ServiceRuntime
from runtime.deadletters import dead_letter_count
from runtime.work import WorkContext
from tests.support.cluster import Cluster
from tests.support.hostile import wait_until
from tests.support.infra import AMQP_URL, PostgresDatabases, delete_bus_names, run_id
from tests.unit.test_contracts import sample

pytestmark = pytest.mark.integration

KILLED = -9
RETRY_DELAYS = "0.2,0.2"


@dataclass
class Applying:
    """Handlers for suggestion.submitted that accept it (an event in the outbox, written in
    the batch's transaction), except "poison", which fails every time, and "flaky", which
    fails the first time. Each call is recorded with the session it ran in."""

    calls: list[tuple[str, int]] = field(default_factory=list)
    failed_once: set[str] = field(default_factory=set)

    def handle(self, event: Event, ctx: WorkContext) -> None:
        title = event.data["title"]
        self.calls.append((title, id(ctx.session)))
        if title == "poison":
            raise ValueError("a handler bug this event always meets")
        if title == "flaky" and title not in self.failed_once:
            self.failed_once.add(title)
            raise ConnectionError("a passing fault")
        ctx.emit(
            "submission.accepted",
            {
                "submission_id": event.data["submission_id"],
                "resource_type": "suggestion",
                "resource_id": title,
                "resource_number": None,
            },
        )


@dataclass
class Bench:
    settings: Settings
    runtime: ServiceRuntime


@pytest.fixture
def bench(infrastructure: None) -> Iterator[Bench]:
    prefix = f"rb{run_id()}"
    databases = PostgresDatabases(prefix)
    databases.create()
    settings = Settings.from_env(
        {
            "RENDA_DATABASE_URL": databases.url,
            "RENDA_BROKER_URL": AMQP_URL,
            "RENDA_BUS_PREFIX": prefix,
            "RENDA_RETRY_DELAYS": RETRY_DELAYS,
            "RENDA_MAX_ATTEMPTS": "3",
            # Long enough that every message published before the consumer starts is in
            # its first batch, however busy the machine.
            "RENDA_CONSUMER_LINGER_SECONDS": "0.5",
        }
    )
    migrate(settings, ["directory", "workflow"])
    (rt,) = runtimes_for(["workflow"], settings)
    with connect(settings) as connection:
        Topology(settings).declare(connection, ["workflow"])
    try:
        yield Bench(settings, rt)
    finally:
        rt.db.dispose()
        rt.directory.db.dispose()
        delete_bus_names(prefix, ("workflow",), retry_tiers=len(RETRY_DELAYS.split(",")))
        databases.drop()


def _submitted(title: str) -> Event:
    event_type = REGISTRY.latest("suggestion.submitted")
    data = {**sample(event_type), "submission_id": str(uuid.uuid4()), "title": title}
    return Event(
        name=event_type.name,
        version=event_type.version,
        data=event_type.to_json(data),
        tenant="450102",
        source="/renda/test",
        correlation_id=str(uuid.uuid4()),
    )


def _publish(settings: Settings, events: list[Event]) -> None:
    publisher = Publisher(settings)
    try:
        for event in events:
            publisher.publish(
                "workflow",
                headers_for(event),
                body_of(event.data),
                exchange=Topology(settings).requeue,
            )
    finally:
        publisher.close()


def _consume(bench: Bench, applying: Applying, until: object) -> None:
    """Run workflow's consumer with the test's handlers until `until()` holds."""
    rt = bench.runtime
    processor = EventProcessor(
        "workflow",
        {"suggestion.submitted": applying.handle},
        rt.db,
        rt.outbox,
        rt.clock,
        rt.directory,
    )
    consumer = ServiceConsumer(processor, bench.settings, connect(bench.settings))
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        assert wait_until(until, timeout=30)  # type: ignore[arg-type]
    finally:
        consumer.should_stop = True
        thread.join(10)
        consumer.retry_publisher.close()
        consumer.connection.release()


def _outbox(rt: ServiceRuntime) -> list[tuple[str, str]]:
    """(event type, the submission it settles) of every event the handlers wrote."""
    table = rt.outbox.table
    with rt.db.session() as session:
        rows = session.execute(select(table.c.type, table.c.payload)).all()
    return sorted((kind, payload["submission_id"]) for kind, payload in rows)


def _dead_letters(settings: Settings) -> list[str]:
    """Event ids of the messages in workflow's dead-letter queue (left there)."""
    ids = []
    with Connection(AMQP_URL) as connection:
        queue = Topology(settings).dead_letter_queue("workflow")(connection.default_channel)
        while (message := queue.get(no_ack=False, accept=None)) is not None:
            ids.append(message.headers["cloudEvents_id"])
    return ids


def test_a_poison_message_in_a_batch_is_dead_lettered_alone_and_the_others_applied_once(
    bench: Bench,
) -> None:
    events = [_submitted(title) for title in ("a", "b", "poison", "c", "d")]
    _publish(bench.settings, events)
    applying = Applying()

    _consume(bench, applying, lambda: dead_letter_count(bench.settings, "workflow") == 1)

    # The first batch held all five and failed at the poison: nothing of it was kept.
    first = applying.calls[:3]
    assert [title for title, _ in first] == ["a", "b", "poison"]
    assert len({session for _, session in first}) == 1
    # Then one by one: the good ones once each; the poison on its own through the retries.
    assert sorted(title for title, _ in applying.calls[3:]).count("poison") == 3
    good = [e for e in events if e.data["title"] != "poison"]
    poison = events[2]
    assert _outbox(bench.runtime) == sorted(
        [("renda.submission.accepted.v1", e.data["submission_id"]) for e in good]
        + [("renda.submission.failed.v1", poison.data["submission_id"])]
    )
    assert _dead_letters(bench.settings) == [poison.id]


def test_a_handler_failing_once_in_a_batch_is_retried_alone_and_each_applied_once(
    bench: Bench,
) -> None:
    events = [_submitted(title) for title in ("a", "flaky", "b")]
    _publish(bench.settings, events)
    applying = Applying()

    _consume(bench, applying, lambda: len(_outbox(bench.runtime)) == 3)

    assert [title for title, _ in applying.calls] == ["a", "flaky", "a", "flaky", "b"]
    assert len({session for _, session in applying.calls[:2]}) == 1
    assert _outbox(bench.runtime) == sorted(
        ("renda.submission.accepted.v1", e.data["submission_id"]) for e in events
    )
    assert dead_letter_count(bench.settings, "workflow") == 0


def test_a_worker_killed_between_a_batchs_commit_and_its_acks_applies_each_once(
    cluster: Cluster,
) -> None:
    """The whole batch comes back unacknowledged; the inbox makes the second time a no-op."""
    for service in ("intake", "scoring", "notify"):
        cluster.start_worker(service)
    for service in SERVICES:
        cluster.start_api(service)
    settings = cluster.settings
    with connect(settings) as connection:
        Topology(settings).declare(connection, ["workflow"])
    receipts = [cluster.file().json()["id"] for _ in range(4)]
    assert wait_until(
        lambda: (
            cluster.count("intake", "select count(*) from outbox where published_at is null") == 0
        )
    )

    cluster.start_worker(
        "workflow",
        RENDA_FAILPOINTS="consumer.after_commit",
        RENDA_CONSUMER_LINGER_SECONDS="0.5",
    )
    # Not waited for as ready: it may well die before it answers.
    cluster.starting.remove("workflow-worker")
    assert cluster.processes.pop("workflow-worker").wait(60) == KILLED
    # All four were committed in one transaction before the kill; none was acknowledged.
    assert cluster.count("workflow", "select count(*) from inbox") == 4
    assert cluster.count("workflow", "select count(*) from suggestions") == 4

    cluster.start_worker("workflow")
    settled = cluster.settled(receipts, timeout=90)
    assert {r["status"] for r in settled.values()} == {"accepted"}
    assert cluster.count("workflow", "select count(*) from suggestions") == 4
    assert cluster.count("workflow", "select count(*) from outbox") == 3 * 4
    assert cluster.count("scoring", "select count(*) from points_ledger") == 4
    assert cluster.metric("workflow-worker", "renda_events_duplicate_total{") == 4
