"""Transactional outbox: events are rows written with the state change, then relayed.

No event leaves before its transaction commits; a relay that dies after publishing but
before marking a row sent publishes it again on restart, and consumers' inboxes drop the
duplicate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy import (
    ARRAY,
    Insert,
    MetaData,
    Text,
    any_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from contracts import REGISTRY, Event, headers_for
from contracts.registry import Registry
from runtime.bus import Publisher
from runtime.clock import Clock
from runtime.db import Database
from runtime.failpoints import failpoint
from runtime.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE

if TYPE_CHECKING:
    from runtime.work import WorkContext

log = logging.getLogger(__name__)
BACKLOG_EVERY_SECONDS = 1.0


class Outbox:
    def __init__(
        self, service: str, metadata: MetaData, clock: Clock, registry: Registry = REGISTRY
    ) -> None:
        self.service = service
        self.table = metadata.tables["outbox"]
        self.clock = clock
        self.registry = registry
        self._committed = threading.Event()
        self._insert = insert(self.table)
        self._insert_announcing = self._insert.returning(func.pg_notify(self.channel, ""))

    @property
    def channel(self) -> str:
        return f"renda_outbox_{self.service}"

    def _insert_for(self, session: Session) -> Insert:
        """The outbox INSERT; on PostgreSQL the first of a transaction also NOTIFYs the
        relays of this service, whatever process they are in.

        PostgreSQL delivers the NOTIFY when (and only if) the transaction commits, once
        however many events the transaction wrote. Folding it into the INSERT (RETURNING
        pg_notify) saves the hot path a round trip; the statements are built once so
        SQLAlchemy's compiled cache serves every call.
        """
        if session.info.get(self.channel) or session.get_bind().dialect.name != "postgresql":
            return self._insert
        session.info[self.channel] = True
        return self._insert_announcing

    def wake_relay(self) -> None:
        """Say, after a commit, that events are waiting: the relay in this process publishes
        them at once instead of at its next poll (other processes' relays still poll)."""
        self._committed.set()

    def wait_for_commit(self, timeout: float, linger: float) -> None:
        """Until a commit (or the timeout), then `linger` more: the commits of that time
        are taken as seen, for the batch about to be read."""
        self._committed.wait(timeout)
        time.sleep(linger)
        self._committed.clear()

    def add(
        self,
        session: Session,
        name: str,
        data: dict[str, Any],
        *,
        tenant: str,
        correlation_id: str,
        causation_id: str | None = None,
    ) -> Event:
        """Record an event in the caller's transaction, in the newest version of its type."""
        event, row = self.prepare(
            name, data, tenant=tenant, correlation_id=correlation_id, causation_id=causation_id
        )
        session.execute(self._insert_for(session), row)
        return event

    def prepare(
        self,
        name: str,
        data: dict[str, Any],
        *,
        tenant: str,
        correlation_id: str,
        causation_id: str | None = None,
    ) -> tuple[Event, dict[str, Any]]:
        """The event in the newest version of its type and its outbox row, for a caller that
        writes the row itself in one statement with its state change (intake's submissions).
        The data is checked against the event's contract here: what it refuses is never
        written.

        The event's time is the domain clock's; the row's times are the wall clock's,
        because they measure the relay, not the domain.
        """
        event_type = self.registry.latest(name)
        json_data = event_type.to_json(data)
        event = Event(
            name=name,
            version=event_type.version,
            data=json_data,
            tenant=tenant,
            source=f"/renda/{self.service}",
            correlation_id=correlation_id,
            causation_id=causation_id,
            time=self.clock.now(),
        )
        row = {
            "event_id": event.id,
            "type": event.type,
            "routing_key": name,
            "headers": headers_for(event),
            "payload": json_data,
            "created_at": datetime.now(UTC),
        }
        return event, row


READ_IN_INDEX_ORDER = text("SET LOCAL enable_sort = off")
"""For the relay's read (PostgreSQL). After a burst the planner's statistics still say few
rows are pending (autovacuum analyses the table later): it would then fetch every pending
row and sort them all to keep the first 500, per batch (0.1 s with 20,000 pending, a sort
spilled to disk). Without sorts it walks ix_outbox_pending in id order and stops at 500."""


class NotConfirmed(Exception):
    """Some events of a batch were not confirmed by the broker; they stay pending."""


class _CommitListener:
    """A relay's LISTEN connection: it wakes on a commit anywhere instead of at its next poll."""

    def __init__(self, db: Database, channel: str) -> None:
        self.conninfo = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.channel = channel
        self.connection: psycopg.Connection | None = None

    def wait(self, timeout: float, linger: float) -> None:
        """Until a commit's NOTIFY (or the timeout), then `linger` more; the notifications
        of that time are drained, as the batch about to be read covers their commits
        (each would otherwise wake the relay for an empty transaction)."""
        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
            self.connection.execute(f'LISTEN "{self.channel}"')
        for _ in self.connection.notifies(timeout=timeout, stop_after=1):
            pass
        time.sleep(linger)
        for _ in self.connection.notifies(timeout=0):
            pass

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class OutboxRelay:
    def __init__(
        self,
        outbox: Outbox,
        db: Database,
        publisher: Publisher,
        *,
        batch_size: int = 500,
        batches_per_call: int = 20,
    ) -> None:
        self.outbox = outbox
        self.db = db
        self.publisher = publisher
        self.batch_size = batch_size
        self.batches_per_call = batches_per_call
        # SQLite has one writer at a time: a second open transaction would wait for the first.
        self.depth = 1 if db.is_sqlite else 2
        self.listener = None if db.is_sqlite else _CommitListener(db, outbox.channel)
        table = outbox.table
        self._read = (
            select(
                table.c.id,
                table.c.type,
                table.c.routing_key,
                table.c.headers,
                # The payload's JSON text as stored: the message body without decoding
                # and encoding it again.
                cast(table.c.payload, Text).label("body"),
            )
            .where(table.c.published_at.is_(None))
            .order_by(table.c.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
        if db.is_sqlite:
            which = table.c.id.in_(bindparam("ids", expanding=True))
        else:
            # One array parameter, not one per row: psycopg would rewrite a statement of
            # 500 parameters on every execution.
            which = table.c.id == any_(bindparam("ids", type_=ARRAY(table.c.id.type)))
        self._mark = update(table).where(which).values(published_at=bindparam("at"))

    def relay_once(self) -> int:
        """Publish up to `batches_per_call` batches of pending events; returns how many
        the broker confirmed. Fewer than `batches_per_call` × `batch_size` means the
        outbox is empty (as far as this relay sees), or NotConfirmed is raised.

        Each batch is published with all its confirms in flight, and a row is marked sent
        only once its own confirm has come: a nack, a lost connection or a missing answer
        leaves it pending, to be published again (consumers' inboxes drop the copy). Up to
        `depth` batches are in flight: the next is read and published while the broker
        confirms the one before. Each batch's rows stay locked (FOR UPDATE SKIP LOCKED) in
        its own transaction until marked, so a second relay of the same service, or this
        relay's next batch, takes the next rows, never these. After a nack no further
        batch is read: the unconfirmed rows wait for the retry's back-off.
        """
        in_flight: deque[tuple[int, Generator[int, None, None]]] = deque()
        read = confirmed = 0
        reading, left = True, self.batches_per_call
        try:
            while in_flight or (reading and left):
                if reading and left and len(in_flight) < self.depth:
                    batch = self._batch()
                    size = next(batch, 0)
                    left -= 1
                    read += size
                    reading = size == self.batch_size
                    if size:
                        in_flight.append((size, batch))
                    continue
                size, batch = in_flight.popleft()
                marked = next(batch)
                confirmed += marked
                reading = reading and marked == size
        finally:
            for _, batch in in_flight:
                _abandon(batch)
        if confirmed < read:
            raise NotConfirmed(f"{read - confirmed} of {read} events not confirmed")
        return confirmed

    def _batch(self) -> Generator[int, None, None]:
        """One batch, in two steps (a generator, so that its transaction is one `with`):
        the first reads and locks up to `batch_size` pending rows, publishes them and
        yields how many (none: the outbox is empty); the second, when the relay comes back
        to it, awaits their confirms, marks the confirmed rows, commits and yields how many
        it marked. Closed before that, it rolls back: the rows stay pending."""
        with self.db.transaction() as session:
            if not self.db.is_sqlite:
                session.execute(READ_IN_INDEX_ORDER)
            rows = session.execute(self._read).all()
            if not rows:
                return
            sent = self.publisher.send_batch(
                [(row.routing_key, row.headers, row.body.encode()) for row in rows]
            )
            yield len(rows)
            confirmed = self.publisher.confirmed(sent)
            failpoint("relay.after_publish")
            marked = [row for row, ok in zip(rows, confirmed, strict=True) if ok]
            if marked:
                session.execute(
                    self._mark, {"ids": [row.id for row in marked], "at": datetime.now(UTC)}
                )
        for event_type, count in Counter(row.type for row in marked).items():
            EVENTS_PUBLISHED.labels(event_type).inc(count)
        yield len(marked)

    def measure_backlog(self, now: datetime) -> tuple[int, float]:
        table = self.outbox.table
        with self.db.session() as session:
            count, oldest = session.execute(
                select(func.count(), func.min(table.c.created_at)).where(
                    table.c.published_at.is_(None)
                )
            ).one()
        age = 0.0
        if oldest is not None:
            if oldest.tzinfo is None:  # SQLite hands back naive UTC
                oldest = oldest.replace(tzinfo=now.tzinfo)
            age = max(0.0, (now - oldest).total_seconds())
        OUTBOX_BACKLOG.labels(self.outbox.service).set(count)
        OUTBOX_OLDEST_AGE.labels(self.outbox.service).set(age)
        return count, age

    def run(self, stop: threading.Event, poll_seconds: float, linger_seconds: float) -> None:
        """Relay until stopped; any failure (broker or database down) is retried with back-off.

        Once the pending rows are out it waits for the next commit (or the poll), then
        `linger_seconds` more, so that the commits right behind the one that woke it share
        its batch: under a burst one relay transaction per few commits, not per commit."""
        delay = poll_seconds
        measured = 0.0
        while not stop.is_set():
            try:
                sent = self.relay_once()
                delay = poll_seconds
            except Exception:
                log.exception("outbox relay failed; retrying")
                self.publisher.reset()
                sent = 0
                delay = min(max(delay * 2, 0.5), 10.0)
            # Measured after failures too: a growing backlog is how an outage shows. At most
            # once a second: under load the count would cost as much as the batches.
            if time.monotonic() - measured >= BACKLOG_EVERY_SECONDS:
                measured = time.monotonic()
                try:
                    self.measure_backlog(datetime.now(UTC))
                except Exception:
                    log.warning("cannot measure the outbox backlog", exc_info=True)
            # Full batches may have more behind them; anything less emptied the outbox.
            if sent < self.batch_size * self.batches_per_call and not stop.is_set():
                self._wait(delay, linger_seconds)
        if self.listener is not None:
            self.listener.close()

    def _wait(self, timeout: float, linger: float) -> None:
        if self.listener is None:
            self.outbox.wait_for_commit(timeout, linger)
            return
        try:
            self.listener.wait(timeout, linger)
        except psycopg.Error:
            log.warning("cannot listen for commits; polling", exc_info=True)
            self.listener.close()
            self.outbox.wait_for_commit(timeout, linger)


def _abandon(batch: Generator[int, None, None]) -> None:
    """Roll a batch in flight back (its rows stay pending), whatever made the relay stop."""
    try:
        batch.close()
    except Exception:
        log.warning("rolling back an abandoned relay batch failed", exc_info=True)


def prune_messages(ctx: WorkContext, *, retention_days: float) -> None:
    """Forget published outbox rows and inbox entries older than the retention.

    The inbox must outlive any redelivery, which comes within minutes; the default of
    14 days leaves a wide margin. Dead letters must be replayed within the retention:
    an older one may be applied again (filings, points and inbox messages are refused
    twice by their natural keys, but handling records and opinions are not).
    """
    outbox = ctx.outbox.table
    inbox = outbox.metadata.tables["inbox"]
    cutoff = datetime.now(UTC) - timedelta(days=retention_days)
    ctx.session.execute(delete(outbox).where(outbox.c.published_at < cutoff))
    ctx.session.execute(delete(inbox).where(inbox.c.processed_at < cutoff))
