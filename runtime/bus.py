"""The message bus: topology, confirmed publishing, and the consumer that runs handlers.

RabbitMQ in every real deployment; kombu's `memory://` transport for the one-process
standalone mode, which has no dead-lettering, confirms or persistence.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from kombu import Connection, Exchange, Producer, Queue, binding, compression

from contracts.topology import SUBSCRIPTIONS, Names
from runtime.config import Settings

log = logging.getLogger(__name__)

PERSISTENT = 2
ATTEMPT_HEADER = "x-renda-attempt"
DELIVERY_COUNT_HEADER = "x-delivery-count"
BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-", DELIVERY_COUNT_HEADER)
"""Headers the broker adds on dead-lettering and redelivery: dropped when we republish."""


def _refuse_to_decompress(body: bytes) -> bytes:
    raise ValueError("renda does not take compressed messages")


def refuse_compressed_messages() -> None:
    """renda never compresses. kombu inflates the body of a message with a `compression`
    header before any of our code sees it, without bound: a small message could fill the
    memory. With this, such a message fails to decode and is dead-lettered."""
    for content_type in compression.encoders():
        encoder, _ = compression.get_encoder(content_type)
        compression.register(encoder, _refuse_to_decompress, content_type)


def connect(settings: Settings) -> Connection:
    options: dict[str, Any] = {}
    if settings.in_process_bus:
        # The in-process transport polls; its default of one second would be felt per hop.
        options["polling_interval"] = 0.02
    else:
        # With confirms, every publish waits until the broker has taken the message.
        options["confirm_publish"] = True
    return Connection(
        settings.broker_url,
        transport_options=options,
        heartbeat=0 if settings.in_process_bus else 30,
        connect_timeout=5,
    )


class Topology:
    """Declares, idempotently, everything one service needs on the broker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names = Names(settings.bus_prefix)
        self.events = Exchange(self.names.events_exchange, "topic", durable=True)
        self.dead_letters = Exchange(self.names.dead_letter_exchange, "direct", durable=True)
        self.requeue = Exchange(self.names.requeue_exchange, "direct", durable=True)
        self.retry = Exchange(self.names.retry_exchange, "direct", durable=True)

    def _quorum(self, **extra: Any) -> dict[str, Any]:
        if self.settings.in_process_bus:
            return {}
        return {"x-queue-type": "quorum", **extra}

    def service_queue(self, service: str, routing_keys: Iterable[str] | None = None) -> Queue:
        keys = SUBSCRIPTIONS[service] if routing_keys is None else tuple(routing_keys)
        bindings = [binding(self.events, routing_key=key) for key in keys]
        bindings.append(binding(self.requeue, routing_key=service))
        return Queue(
            self.names.queue(service),
            bindings=bindings,
            durable=True,
            queue_arguments=self._quorum(
                **{
                    "x-dead-letter-exchange": self.names.dead_letter_exchange,
                    "x-dead-letter-routing-key": service,
                    "x-dead-letter-strategy": "at-least-once",
                    "x-overflow": "reject-publish",
                    "x-delivery-limit": self.settings.delivery_limit,
                }
            ),
        )

    def dead_letter_queue(self, service: str) -> Queue:
        return Queue(
            self.names.dead_letter_queue(service),
            exchange=self.dead_letters,
            routing_key=service,
            durable=True,
            queue_arguments=self._quorum(),
        )

    def retry_queues(self, service: str) -> list[Queue]:
        """One queue per back-off tier; an expired message goes back to the service queue."""
        return [
            Queue(
                self.names.retry_queue(service, tier),
                exchange=self.retry,
                routing_key=Names.retry_routing_key(service, tier),
                durable=True,
                queue_arguments=self._quorum(
                    **{
                        "x-message-ttl": int(delay * 1000),
                        "x-dead-letter-exchange": self.names.requeue_exchange,
                        "x-dead-letter-routing-key": service,
                        "x-dead-letter-strategy": "at-least-once",
                        "x-overflow": "reject-publish",
                    }
                ),
            )
            for tier, delay in enumerate(self.settings.retry_delays)
        ]

    def declare(self, connection: Connection, services: Iterable[str]) -> None:
        channel = connection.default_channel
        for exchange in (self.events, self.dead_letters, self.requeue, self.retry):
            exchange(channel).declare()
        for service in services:
            self.service_queue(service)(channel).declare()
            if not self.settings.in_process_bus:
                self.dead_letter_queue(service)(channel).declare()
                for queue in self.retry_queues(service):
                    queue(channel).declare()


class Publisher:
    """Publishes raw event messages; each call returns once the broker confirmed it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topology = Topology(settings)
        self.connection = connect(settings)
        self._producer: Producer | None = None

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            self._producer = Producer(self.connection.default_channel)
        return self._producer

    def publish(
        self,
        routing_key: str,
        headers: dict[str, Any],
        body: bytes,
        *,
        exchange: Exchange | None = None,
    ) -> None:
        target = exchange or self.topology.events

        def _publish() -> None:
            self._ensure_producer().publish(
                body,
                exchange=target,
                routing_key=routing_key,
                headers=headers,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=PERSISTENT,
                message_id=headers.get("cloudEvents_id"),
                retry=False,
            )

        try:
            _publish()
        except (
            self.connection.recoverable_connection_errors
            + self.connection.recoverable_channel_errors
        ):
            log.warning("broker connection lost while publishing; reconnecting once")
            self.reset()
            self.connection.ensure_connection(max_retries=3, interval_start=0.5, interval_step=1)
            _publish()

    def reset(self) -> None:
        self._producer = None
        try:
            self.connection.close()
        except Exception:
            log.debug("closing a broken connection failed", exc_info=True)
        self.connection = connect(self.settings)

    def close(self) -> None:
        self.connection.release()
