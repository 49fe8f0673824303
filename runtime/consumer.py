"""Runs a service's event handlers: decode, deduplicate, handle and commit, then ack.

- An undecodable or invalid message is rejected to the dead-letter queue at once.
- A handler failure is retried with back-off through the retry queues; after
  `max_attempts` the message goes to the dead-letter queue.
- The inbox row is written in the handler's transaction, so a redelivery after a crash
  between commit and ack changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kombu import Connection, Consumer, Message
from kombu.mixins import ConsumerMixin
from sqlalchemy import insert, select

from contracts import REGISTRY, Event, InvalidEvent, decode
from contracts.registry import Registry
from contracts.topology import Names
from runtime.bus import ATTEMPT_HEADER, Publisher, Topology
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
    ) -> None:
        self.service = service
        self.directory = directory
        self.handlers = handlers
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.registry = registry
        self.inbox = outbox.table.metadata.tables["inbox"]

    def decode(self, headers: dict[str, Any] | None, body: bytes) -> Event:
        event = decode(headers, body, self.registry)
        if event.name not in self.handlers:
            raise InvalidEvent(f"{self.service} has no handler for {event.name}")
        return event

    def process(self, event: Event) -> bool:
        """Handle and commit; False when the inbox shows it was handled before."""
        started = time.perf_counter()
        with log_context(
            tenant=event.tenant, correlation_id=event.correlation_id, event_id=event.id
        ):
            with self.db.transaction() as session:
                seen = session.execute(
                    select(self.inbox.c.event_id).where(self.inbox.c.event_id == event.id)
                ).first()
                if seen is not None:
                    EVENTS_DUPLICATE.labels(self.service, event.type).inc()
                    return False
                context = WorkContext(
                    session,
                    self.outbox,
                    self.clock,
                    self.directory,
                    correlation_id=event.correlation_id,
                    causation_id=event.id,
                    tenant=event.tenant,
                )
                self.handlers[event.name](event, context)
                session.execute(
                    insert(self.inbox).values(
                        event_id=event.id, type=event.type, processed_at=self.clock.now()
                    )
                )
            self.outbox.wake_relay()
            HANDLER_LATENCY.labels(self.service, event.type).observe(time.perf_counter() - started)
            log.info("handled %s", event.type)
        return True


class ServiceConsumer(ConsumerMixin):
    """Consumes one service's queue on RabbitMQ (or the in-process bus) until stopped."""

    def __init__(
        self, processor: EventProcessor, settings: Settings, connection: Connection
    ) -> None:
        self.processor = processor
        self.settings = settings
        self.connection = connection
        self.topology = Topology(settings)
        self.retry_publisher = Publisher(settings)
        self.service = processor.service
        self.stopped = threading.Event()

    def get_consumers(self, consumer_factory: Any, channel: Any) -> list[Consumer]:
        self.topology.declare(self.connection, [self.service])
        return [
            consumer_factory(
                queues=[self.topology.service_queue(self.service)],
                on_message=self.on_message,
                prefetch_count=self.settings.prefetch,
            )
        ]

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        log.warning("broker unreachable (%s); retrying in %.1fs", exc, interval)

    def on_message(self, message: Message) -> None:
        headers = dict(message.headers or {})
        type_label = str(headers.get("cloudEvents_type", "unknown"))
        try:
            event = self.processor.decode(headers, message.body)
        except InvalidEvent as exc:
            type_label = type_label if type_label in self.processor.registry else "unknown"
            log.error("dead-lettering an invalid message: %s", exc)
            EVENTS_DEAD_LETTERED.labels(self.service, type_label, "invalid").inc()
            message.reject(requeue=False)
            return
        try:
            self._process(event)
        except Exception:
            log.exception("handler failed for %s", event.type)
            self._retry_or_dead_letter(message, headers, event.type)
            return
        failpoint("consumer.after_commit")
        message.ack()
        EVENTS_CONSUMED.labels(self.service, event.type).inc()

    def _process(self, event: Event) -> None:
        """Process once; on the in-process bus, which has no retry queues, retry in place."""
        attempts = self.settings.max_attempts if self.settings.in_process_bus else 1
        for attempt in range(1, attempts + 1):
            try:
                self.processor.process(event)
                return
            except Exception:
                EVENTS_FAILED.labels(self.service, event.type).inc()
                if attempt == attempts:
                    raise
                log.warning("attempt %d of %s failed; retrying", attempt, event.type, exc_info=True)
                self.stopped.wait(self.settings.retry_delays[self._tier(attempt)])

    def _tier(self, attempt: int) -> int:
        """The back-off after the given failed attempt: one tier each, then the last again."""
        return min(attempt - 1, len(self.settings.retry_delays) - 1)

    def _retry_or_dead_letter(self, message: Message, headers: dict[str, Any], type_: str) -> None:
        attempt = int(headers.get(ATTEMPT_HEADER, 0)) + 1
        if attempt >= self.settings.max_attempts or self.settings.in_process_bus:
            EVENTS_DEAD_LETTERED.labels(self.service, type_, "failed").inc()
            message.reject(requeue=False)
            return
        tier = self._tier(attempt)
        headers = {k: v for k, v in headers.items() if not k.startswith("x-death")}
        headers[ATTEMPT_HEADER] = attempt
        try:
            self.retry_publisher.publish(
                Names.retry_routing_key(self.service, tier),
                headers,
                message.body,
                exchange=self.topology.retry,
            )
        except Exception:
            log.exception("could not schedule a retry; the broker will redeliver")
            message.requeue()
            return
        message.ack()
