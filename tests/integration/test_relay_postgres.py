"""The outbox relay on PostgreSQL and RabbitMQ: a row is marked sent only once its own
confirm has come, and two relay replicas never publish the same row."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from kombu import Connection, Queue
from sqlalchemy import event, func, insert, select

from renda.processes import migrate, runtimes_for
from runtime.bus import Publisher, Topology
from runtime.config import Settings
from runtime.context import ServiceRuntime
from runtime.outbox import NotConfirmed, OutboxRelay
from tests.support.infra import AMQP_URL, PostgresDatabases, run_id

pytestmark = pytest.mark.integration


@pytest.fixture
def intake(infrastructure: None) -> Iterator[tuple[ServiceRuntime, Settings, Connection]]:
    prefix = f"rr{run_id()}"
    databases = PostgresDatabases(prefix)
    databases.create()
    settings = Settings.from_env(
        {
            "RENDA_DATABASE_URL": databases.url,
            "RENDA_BROKER_URL": AMQP_URL,
            "RENDA_BUS_PREFIX": prefix,
        }
    )
    migrate(settings, ["directory", "intake"])
    (rt,) = runtimes_for(["intake"], settings)
    broker = Connection(AMQP_URL)
    topology = Topology(settings)
    topology.events(broker.default_channel).declare()
    try:
        yield rt, settings, broker
    finally:
        rt.db.dispose()
        rt.directory.db.dispose()
        broker.default_channel.exchange_delete(topology.events.name)
        broker.release()
        databases.drop()


def _pending_rows(rt: ServiceRuntime, n: int) -> None:
    table = rt.outbox.table
    now = datetime.now(UTC)
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "type": "renda.relay.test.v1",
            "routing_key": "relay.test",
            "headers": {"cloudEvents_id": f"e{i}"},
            "payload": {"i": i, "text": "代表建议"},
            "created_at": now,
        }
        for i in range(n)
    ]
    with rt.db.transaction() as session:
        session.execute(insert(table), rows)


def _pending(rt: ServiceRuntime) -> int:
    table = rt.outbox.table
    with rt.db.session() as session:
        return session.scalar(
            select(func.count()).select_from(table).where(table.c.published_at.is_(None))
        )


def _queue(settings: Settings, broker: Connection, **arguments: object) -> Queue:
    queue = Queue(
        f"{settings.bus_prefix}.relay-test",
        exchange=Topology(settings).events,
        routing_key="relay.test",
        queue_arguments=arguments or None,
    )
    queue(broker.default_channel).declare()
    return queue


def test_a_nacked_event_stays_pending_and_the_confirmed_ones_are_marked(intake) -> None:  # type: ignore[no-untyped-def]
    rt, settings, broker = intake
    # A full queue that refuses more makes the broker nack what it cannot take.
    queue = _queue(settings, broker, **{"x-max-length": 3, "x-overflow": "reject-publish"})
    _pending_rows(rt, 5)
    relay = OutboxRelay(rt.outbox, rt.db, Publisher(settings))
    try:
        with pytest.raises(NotConfirmed, match="2 of 5"):
            relay.relay_once()
        assert _pending(rt) == 2
        queue(broker.default_channel).purge()
        assert relay.relay_once() == 2
        assert _pending(rt) == 0
    finally:
        relay.publisher.close()
        queue(broker.default_channel).delete()


def test_two_relays_publish_every_row_once(intake) -> None:  # type: ignore[no-untyped-def]
    rt, settings, broker = intake
    queue = _queue(settings, broker)
    n = 1000
    _pending_rows(rt, n)
    relays = [OutboxRelay(rt.outbox, rt.db, Publisher(settings), batch_size=50) for _ in (1, 2)]
    sent = [0, 0]

    def run(i: int) -> None:
        while (count := relays[i].relay_once()) > 0:
            sent[i] += count

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert _pending(rt) == 0
        assert sum(sent) == n
        bound = queue(broker.default_channel)
        ids = []
        while (message := bound.get(no_ack=True)) is not None:
            ids.append(message.headers["cloudEvents_id"])
            assert message.payload["text"] == "代表建议"
            # Compact UTF-8, as stored: escaped Chinese would double an event's size.
            assert '"text":"代表建议"' in message.body
        assert len(ids) == n
        assert len(set(ids)) == n
    finally:
        for relay in relays:
            relay.publisher.close()
        queue(broker.default_channel).delete()


def _pending_ids(rt: ServiceRuntime) -> list[int]:
    table = rt.outbox.table
    with rt.db.session() as session:
        return list(
            session.scalars(
                select(table.c.id).where(table.c.published_at.is_(None)).order_by(table.c.id)
            )
        )


def _recording_sends_and_confirms(relay: OutboxRelay) -> list[str]:
    """The order in which the relay sends batches and reads their confirms."""
    calls: list[str] = []
    send, confirmed = relay.publisher.send_batch, relay.publisher.confirmed

    def recorded_send(messages):  # type: ignore[no-untyped-def]
        calls.append(f"send {len(messages)}")
        return send(messages)

    def recorded_confirmed(batch):  # type: ignore[no-untyped-def]
        calls.append("confirmed")
        return confirmed(batch)

    relay.publisher.send_batch = recorded_send  # type: ignore[method-assign]
    relay.publisher.confirmed = recorded_confirmed  # type: ignore[method-assign]
    return calls


def test_a_nack_in_an_overlapped_batch_leaves_exactly_that_row_pending(intake) -> None:  # type: ignore[no-untyped-def]
    rt, settings, broker = intake
    queue = _queue(settings, broker, **{"x-max-length": 3, "x-overflow": "reject-publish"})
    _pending_rows(rt, 4)
    fourth = _pending_ids(rt)[3]
    relay = OutboxRelay(rt.outbox, rt.db, Publisher(settings), batch_size=2)
    calls = _recording_sends_and_confirms(relay)
    try:
        with pytest.raises(NotConfirmed, match="1 of 4"):
            relay.relay_once()
        # The second batch went out before the first one's confirms were read.
        assert calls == ["send 2", "send 2", "confirmed", "confirmed"]
        assert _pending_ids(rt) == [fourth]
    finally:
        relay.publisher.close()
        queue(broker.default_channel).delete()


def test_after_a_nack_no_further_batch_is_read(intake) -> None:  # type: ignore[no-untyped-def]
    """The batches in flight finish, and the rows behind them wait for the retry's back-off
    instead of being refused by the broker again at once."""
    rt, settings, broker = intake
    queue = _queue(settings, broker, **{"x-max-length": 3, "x-overflow": "reject-publish"})
    _pending_rows(rt, 10)
    relay = OutboxRelay(rt.outbox, rt.db, Publisher(settings), batch_size=2)
    calls = _recording_sends_and_confirms(relay)
    try:
        with pytest.raises(NotConfirmed, match="3 of 6"):
            relay.relay_once()
        # Batch 1 confirmed, so batch 3 was read; batch 2's nack stopped batch 4.
        assert calls == ["send 2", "send 2", "confirmed", "send 2", "confirmed", "confirmed"]
        assert len(_pending_ids(rt)) == 7
    finally:
        relay.publisher.close()
        queue(broker.default_channel).delete()


def test_each_batch_is_read_in_index_order_even_with_stale_statistics(intake) -> None:  # type: ignore[no-untyped-def]
    """Right after a burst the planner believes few rows are pending; the relay's read must
    still walk ix_outbox_pending and stop at the batch's end, not sort the whole backlog."""
    rt, settings, broker = intake
    queue = _queue(settings, broker)
    with rt.db.engine.begin() as conn:
        # No analyse may update the statistics during the test.
        conn.exec_driver_sql("ALTER TABLE outbox SET (autovacuum_enabled = false)")
    _pending_rows(rt, 3000)
    executed: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        executed.append((statement, parameters))

    event.listen(rt.db.engine, "before_cursor_execute", seen)
    relay = OutboxRelay(rt.outbox, rt.db, Publisher(settings), batches_per_call=1)
    try:
        assert relay.relay_once() == 500
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", seen)
        relay.publisher.close()
        queue(broker.default_channel).delete()
    read = next(i for i, (sql, _) in enumerate(executed) if "SKIP LOCKED" in sql)
    # The relay's transaction up to its read, again, with the read explained.
    with rt.db.engine.begin() as conn:
        for sql, parameters in executed[:read]:
            conn.exec_driver_sql(sql, parameters)  # type: ignore[arg-type]
        sql, parameters = executed[read]
        plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}", parameters).scalars())  # type: ignore[arg-type]
    assert "Index Scan using ix_outbox_pending" in plan, plan
    assert "Sort" not in plan, plan


def test_a_confirm_window_whose_connection_died_idle_is_replaced_at_once(intake) -> None:  # type: ignore[no-untyped-def]
    """As after a broker restart: the relay's window learns its connection is gone only
    when it writes, and the batch goes out on a new one instead of waiting for a retry."""
    _rt, settings, broker = intake
    queue = _queue(settings, broker)
    publisher = Publisher(settings)
    message = ("relay.test", {"cloudEvents_id": "e1"}, b"{}")
    try:
        assert publisher.confirmed(publisher.send_batch([message])) == [True]
        dead = publisher._window
        assert dead is not None
        dead.connection.transport.sock.shutdown(socket.SHUT_RDWR)
        assert publisher.confirmed(publisher.send_batch([message, message])) == [True, True]
        assert publisher._window is not dead
    finally:
        publisher.close()
        queue(broker.default_channel).delete()
