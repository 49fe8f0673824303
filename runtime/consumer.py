"""Runs a service's event handlers: decode, deduplicate, handle and commit, then ack.

- Messages already delivered are applied in batches (ADR 0019): up to `consumer_batch`
  events in one transaction, an inbox row each, acknowledged after the commit. A batch
  that fails is applied again one message at a time, so everything below concerns the
  one message that fails; a message that failed or came back before is always alone.

- Any message that is not a valid event (whatever its bytes, headers or size) is
  rejected to the dead-letter queue at once and counted; decoding never stops the consumer.
- A handler failure is retried with back-off through the retry queues; after
  `max_attempts` the message goes to the dead-letter queue. So does a message the broker
  is delivering for the last time (it crashed consumers before): the broker would
  dead-letter it next without anyone counting it.
- A dead-lettered event that carried a submission is reported (`submission.failed`, in
  this service's outbox) before the message is given up, so its receipt does not stay
  pending (ADR 0008).
- The inbox row is written in the handler's transaction, so a redelivery after a crash
  between commit and ack (of one message or a batch) changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kombu import Connection, Consumer, Message
from kombu.mixins import ConsumerMixin
from sqlalchemy import insert, select

from contracts import REGISTRY, Event, InvalidEvent, decode
from contracts.envelope import event_type_label
from contracts.events.submission import submission_of
from contracts.registry import Registry
from contracts.topology import Names
from runtime.bus import (
    ATTEMPT_HEADER,
    BROKER_HEADERS,
    DELIVERY_COUNT_HEADER,
    Publisher,
    Topology,
    refuse_compressed_messages,
)
from runtime.clock import Clock
from runtime.config import Settings
from runtime.db import Database
from runtime.directory import Directory
from runtime.failpoints import failpoint
from runtime.logs import log_context
from runtime.metrics import (
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    EVENTS_DUPLICATE,
    EVENTS_FAILED,
    HANDLER_LATENCY,
)
from runtime.outbox import Outbox
from runtime.work import WorkContext

if TYPE_CHECKING:  # runtime.context imports this module, through runtime.service
    from runtime.context import ServiceRuntime

log = logging.getLogger(__name__)


Handler = Callable[[Event, WorkContext], None]


class EventProcessor:
    """Applies one event exactly once in effect, whatever the transport."""

    def __init__(
        self,
        service: str,
        handlers: dict[str, Handler],
        db: Database,
        outbox: Outbox,
        clock: Clock,
        directory: Directory,
        registry: Registry = REGISTRY,
        settings: Settings | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.directory = directory
        self.handlers = handlers
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.registry = registry
        self.inbox = outbox.table.metadata.tables["inbox"]

    @classmethod
    def of(cls, rt: ServiceRuntime) -> EventProcessor:
        """A service's processor as its worker runs it: its handlers, database, outbox,
        clock, directory and settings."""
        return cls(
            rt.name,
            rt.spec.handlers,
            rt.db,
            rt.outbox,
            rt.clock,
            rt.directory,
            settings=rt.settings,
        )

    def decode(self, headers: object, body: object) -> Event:
        event = decode(headers, body, self.registry)
        if event.name not in self.handlers:
            raise InvalidEvent(f"{self.service} has no handler for {event.name}")
        return event

    def process(self, events: Sequence[Event]) -> list[bool]:
        """Handle the events in order and commit them together, each with its inbox row;
        per event, False when the inbox shows it was handled before (also earlier in the
        same batch). Any handler's exception rolls back the whole batch."""
        started = time.perf_counter()
        handled: list[bool] = []
        took: list[float] = []
        with self.db.transaction() as session:
            ids = [event.id for event in events]
            seen = set(
                session.scalars(select(self.inbox.c.event_id).where(self.inbox.c.event_id.in_(ids)))
            )
            rows = []
            for event in events:
                if event.id in seen:
                    EVENTS_DUPLICATE.labels(self.service, event.type).inc()
                    handled.append(False)
                    continue
                seen.add(event.id)
                began = time.perf_counter()
                with log_context(
                    tenant=event.tenant, correlation_id=event.correlation_id, event_id=event.id
                ):
                    context = WorkContext(
                        session,
                        self.outbox,
                        self.clock,
                        self.directory,
                        correlation_id=event.correlation_id,
                        causation_id=event.id,
                        tenant=event.tenant,
                        settings=self.settings,
                    )
                    self.handlers[event.name](event, context)
                took.append(time.perf_counter() - began)
                handled.append(True)
                rows.append(
                    {"event_id": event.id, "type": event.type, "processed_at": self.clock.now()}
                )
            if rows:
                session.execute(insert(self.inbox), rows)
        if not rows:
            return handled
        self.outbox.wake_relay()
        # Each event's own handler time and its share of the rest (look-up, inbox, commit).
        shared = (time.perf_counter() - started - sum(took)) / len(rows)
        applied = [event for event, done in zip(events, handled, strict=True) if done]
        for event, seconds in zip(applied, took, strict=True):
            HANDLER_LATENCY.labels(self.service, event.type).observe(seconds + shared)
            with log_context(
                tenant=event.tenant, correlation_id=event.correlation_id, event_id=event.id
            ):
                log.info("handled %s", event.type)
        return handled

    def record_dead_letter(self, event: Event, reason: str) -> None:
        """Report, in this service's outbox, that a submission's event is given up."""
        submission_id = submission_of(event.name, event.data)
        if submission_id is None:
            return
        with self.db.transaction() as session:
            self.outbox.add(
                session,
                "submission.failed",
                {
                    "submission_id": submission_id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "service": self.service,
                    "reason": reason,
                },
                tenant=event.tenant,
                correlation_id=event.correlation_id,
                causation_id=event.id,
            )
        self.outbox.wake_relay()


class ServiceConsumer(ConsumerMixin):
    """Consumes one service's queue on RabbitMQ (or the in-process bus) until stopped."""

    def __init__(
        self, processor: EventProcessor, settings: Settings, connection: Connection
    ) -> None:
        refuse_compressed_messages()
        self.processor = processor
        self.settings = settings
        self.connection = connection
        self.topology = Topology(settings)
        self.retry_publisher = Publisher(settings)
        self.service = processor.service
        self.stopped = threading.Event()
        self.consuming = False
        """True while subscribed to the queue: what the worker's readiness reports."""
        self.batch: list[Message] = []
        """Messages delivered and not yet handled (all unacknowledged)."""

    def get_consumers(self, consumer_factory: Any, channel: Any) -> list[Consumer]:
        self.topology.declare(self.connection, [self.service])
        return [
            consumer_factory(
                queues=[self.topology.service_queue(self.service)],
                on_message=self.on_message,
                prefetch_count=self.settings.prefetch,
            )
        ]

    def on_consume_ready(
        self, connection: Any, channel: Any, consumers: Any, **kwargs: Any
    ) -> None:
        self.consuming = True

    @contextmanager
    def extra_context(self, connection: Any, channel: Any) -> Iterator[None]:
        """Wraps each spell of consuming, however it ends (a lost connection, a stop, a bug)."""
        try:
            yield
        finally:
            self.consuming = False
            if self.settings.in_process_bus:
                # Unlike RabbitMQ, the in-process bus forgets what a closed channel had not
                # acknowledged: put it back for the next consumer.
                channel.qos.restore_unacked()

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        log.warning("broker unreachable (%s); retrying in %.1fs", exc, interval)

    def on_decode_error(self, message: Message, exc: Exception) -> None:
        """kombu could not make a message of it (e.g. a compression it cannot undo)."""
        self._reject_invalid(message, f"undecodable by the transport ({type(exc).__name__})")

    def consume(
        self,
        limit: int | None = None,
        timeout: float | None = None,
        safety_interval: float = 1,
        **kwargs: Any,
    ) -> Iterator[None]:
        """kombu's consuming loop, gathering a batch: while messages wait in it, the next
        is waited for only `consumer_linger_seconds`; then (or once `consumer_batch` are
        in) the batch is handled. One call per spell of consuming (kombu's `run` calls it
        again after a lost connection): a batch of the spell before is not carried over,
        its messages were unacknowledged and are redelivered."""
        self.batch = []
        with self.consumer_context(**kwargs) as (connection, _channel, _consumers):
            while not self.should_stop:
                waiting = self.settings.consumer_linger_seconds if self.batch else safety_interval
                try:
                    connection.drain_events(timeout=waiting)
                except TimeoutError:
                    if self.batch:
                        self.handle_batch()
                    else:
                        connection.heartbeat_check()
                    continue
                except OSError:
                    if not self.should_stop:
                        raise
                    continue
                yield

    def on_message(self, message: Message) -> None:
        failpoint("consumer.on_message")
        self.batch.append(message)
        if len(self.batch) >= self.settings.consumer_batch:
            self.handle_batch()

    def handle_batch(self) -> None:
        """Handle the gathered messages, in order: whatever is not a valid event is
        dead-lettered alone at once; a message that failed or came back unacknowledged
        before is handled alone (it may be what failed or killed a batch); the others
        together, in one transaction."""
        messages, self.batch = self.batch, []
        together: list[tuple[Message, Event]] = []
        for message in messages:
            event = self._decode(message)
            if event is None:
                continue
            if not _came_back(message):
                together.append((message, event))
                continue
            self._apply(together)
            together = []
            self._apply([(message, event)])
        self._apply(together)

    def _decode(self, message: Message) -> Event | None:
        """The message's event, or None once it has been dead-lettered."""
        try:
            event = self.processor.decode(message.headers, message.body)
        except Exception as exc:  # whatever decoding raises is the message's fault
            reason = str(exc) if isinstance(exc, InvalidEvent) else type(exc).__name__
            self._reject_invalid(message, reason)
            return None
        if self._last_delivery(message):
            log.error(
                "%s came back unacknowledged (a crash?) at every delivery; giving it up",
                event.type,
            )
            self._give_up(message, event, "redelivered")
            return None
        return event

    def _apply(self, batch: list[tuple[Message, Event]]) -> None:
        """Apply a batch in one transaction, then acknowledge its messages. If it fails,
        nothing of it was applied: each message is applied again on its own, so the one
        that failed is retried or dead-lettered alone and the others are applied once."""
        if not batch:
            return
        try:
            self._process([event for _, event in batch])
        except Exception:
            if len(batch) > 1:
                log.warning(
                    "a batch of %d events failed; applying them one by one",
                    len(batch),
                    exc_info=True,
                )
                for one in batch:
                    self._apply([one])
                return
            message, event = batch[0]
            log.exception("handler failed for %s", event.type)
            self._retry_or_give_up(message, event)
            return
        failpoint("consumer.after_commit")
        for message, event in batch:
            message.ack()
            EVENTS_CONSUMED.labels(self.service, event.type).inc()

    def _reject_invalid(self, message: Message, reason: str) -> None:
        type_label = event_type_label(message.headers, self.processor.registry)
        # The reason is short and never quotes the body, which may be huge or personal.
        log.error("dead-lettering an invalid message (%s): %s", type_label, reason[:300])
        message.reject(requeue=False)
        EVENTS_DEAD_LETTERED.labels(self.service, type_label, "invalid").inc()

    def _last_delivery(self, message: Message) -> bool:
        """The broker dead-letters a message returned more than `delivery_limit` times."""
        count = (message.headers or {}).get(DELIVERY_COUNT_HEADER)
        return isinstance(count, int) and count >= self.settings.delivery_limit

    def _process(self, events: list[Event]) -> None:
        """Process once; on the in-process bus, which has no retry queues, an event on its
        own is retried in place (a failed batch is taken apart by the caller instead)."""
        alone = len(events) == 1
        attempts = self.settings.max_attempts if self.settings.in_process_bus and alone else 1
        for attempt in range(1, attempts + 1):
            try:
                failpoint(f"{self.service}.handler")
                self.processor.process(events)
                return
            except Exception:
                if not alone:
                    raise
                EVENTS_FAILED.labels(self.service, events[0].type).inc()
                if attempt == attempts:
                    raise
                log.warning(
                    "attempt %d of %s failed; retrying", attempt, events[0].type, exc_info=True
                )
                self.stopped.wait(self.settings.retry_delays[self._tier(attempt)])

    def _tier(self, attempt: int) -> int:
        """The back-off after the given failed attempt: one tier each, then the last again."""
        return min(attempt - 1, len(self.settings.retry_delays) - 1)

    def _retry_or_give_up(self, message: Message, event: Event) -> None:
        attempt = _attempt(message.headers) + 1
        if attempt >= self.settings.max_attempts or self.settings.in_process_bus:
            self._give_up(message, event, "failed")
            return
        self._schedule_retry(message, attempt)

    def _give_up(self, message: Message, event: Event, reason: str) -> None:
        """Dead-letter an event, once whoever waits for it (a receipt) has been told."""
        try:
            self.processor.record_dead_letter(event, reason)
        except Exception:
            log.exception("cannot record that %s is given up; trying it again later", event.type)
            if self.settings.in_process_bus:
                message.requeue()
            else:
                self._schedule_retry(message, self.settings.max_attempts - 1)
            return
        message.reject(requeue=False)
        EVENTS_DEAD_LETTERED.labels(self.service, event.type, reason).inc()

    def _schedule_retry(self, message: Message, attempt: int) -> None:
        headers = {
            k: v
            for k, v in (message.headers or {}).items()
            if not (isinstance(k, str) and k.startswith(BROKER_HEADERS))
        }
        headers[ATTEMPT_HEADER] = attempt
        try:
            self.retry_publisher.publish(
                Names.retry_routing_key(self.service, self._tier(attempt)),
                headers,
                message.body,
                exchange=self.topology.retry,
            )
        except Exception:
            log.exception("could not schedule a retry; the broker will redeliver")
            message.requeue()
            return
        message.ack()


def _came_back(message: Message) -> bool:
    """Failed before (through the retry queues) or redelivered unacknowledged (its consumer
    died, perhaps of it)."""
    headers = message.headers or {}
    count = headers.get(DELIVERY_COUNT_HEADER)
    return (
        bool(message.delivery_info.get("redelivered"))
        or (isinstance(count, int) and count > 0)
        or _attempt(headers) > 0
    )


def _attempt(headers: object) -> int:
    """How many times the retry queues brought this message back (a sender may lie)."""
    value = headers.get(ATTEMPT_HEADER) if isinstance(headers, dict) else None
    return value if isinstance(value, int) and value >= 0 else 0
