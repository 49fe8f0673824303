"""The message bus: topology, confirmed publishing, and the consumer that runs handlers.

RabbitMQ in every real deployment; kombu's `memory://` transport for the one-process
standalone mode, which has no dead-lettering, confirms or persistence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import amqp
from kombu import Connection, Exchange, Producer, Queue, binding, compression

from contracts.topology import SUBSCRIPTIONS, Names
from runtime.amqp_frames import PublishFrames
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
        self._window: ConfirmWindow | None = None

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

    def send_batch(self, messages: Sequence[tuple[str, dict[str, Any], bytes]]) -> SentBatch:
        """Publish (routing key, headers, body) messages without waiting for the broker:
        `confirmed` then says which it took. Several batches may be in flight at once.

        The in-process bus has no confirms: each message is taken when published."""
        if self.settings.in_process_bus:
            for routing_key, headers, body in messages:
                self.publish(routing_key, headers, body)
            return SentBatch(len(messages), None, range(0))
        # A window idle through a broker restart finds its connection gone only when it
        # writes: it is replaced once at once, rather than after the relay's back-off.
        for attempt in (1, 2):
            try:
                if self._window is None:
                    self._window = ConfirmWindow(self.connection, self.topology.events.name)
                return SentBatch(len(messages), self._window, self._window.send(messages))
            except Exception:
                log.warning(
                    "broker connection lost while publishing a batch (attempt %d)",
                    attempt,
                    exc_info=True,
                )
                self._close_window()
        return SentBatch(len(messages), None, range(0))

    def confirmed(self, batch: SentBatch, timeout: float = 10.0) -> list[bool]:
        """Per message of a sent batch (the batches in the order they were sent), whether
        the broker confirmed it. A nack, a lost connection or no answer within `timeout`
        leaves it False: not known to be taken, to be sent again."""
        if self.settings.in_process_bus:
            return [True] * batch.size
        if batch.window is None or batch.window is not self._window:
            return [False] * batch.size  # its connection was lost, and its answers with it
        try:
            return batch.window.wait(batch.tags, timeout)
        except Exception:
            # Whatever was not confirmed stays pending; the next batch starts afresh.
            log.warning("broker connection lost while awaiting confirms", exc_info=True)
            self._close_window()
            return [False] * batch.size

    def _close_window(self) -> None:
        if self._window is not None:
            self._window.close()
            self._window = None

    def reset(self) -> None:
        self._close_window()
        self._producer = None
        try:
            self.connection.close()
        except Exception:
            log.debug("closing a broken connection failed", exc_info=True)
        self.connection = connect(self.settings)

    def close(self) -> None:
        self._close_window()
        self.connection.release()


@dataclass(frozen=True)
class SentBatch:
    """A batch written to a confirm window, its answers still to be read."""

    size: int
    window: ConfirmWindow | None
    """None when there is nothing to await: the in-process bus, or it could not be sent."""
    tags: range
    """Its messages' delivery tags."""


class ConfirmWindow:
    """A channel in confirm mode on its own AMQP connection: each batch is written at
    once, and the broker's acks and nacks (each names a delivery tag, or all up to it) are
    read when the batch's answers are awaited; later batches may be in flight meanwhile.

    Its own connection because kombu's confirm mode waits after every publish; the one
    confirm per message was the relay's ceiling (ADR 0016). The frames are encoded by
    `runtime.amqp_frames`: py-amqp's own encoding was most of the relay's CPU."""

    def __init__(self, like: Connection, exchange: str) -> None:
        self.connection = amqp.Connection(
            host=f"{like.hostname}:{like.port or 5672}",
            userid=like.userid,
            password=like.password,
            virtual_host=like.virtual_host or "/",
            ssl=like.ssl,
            connect_timeout=5,
            heartbeat=0,
        )
        self.connection.connect()
        self.channel = self.connection.channel()
        self.channel.confirm_select()
        self.channel.events["basic_ack"].add(self._on_ack)
        self.channel.events["basic_nack"].add(self._on_nack)
        self.frames = PublishFrames(
            self.channel.channel_id,
            exchange,
            self.connection.frame_max,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=PERSISTENT,
        )
        self._published = 0
        """Delivery tags count the channel's publishes from 1."""
        self._answers: dict[int, bool] = {}
        self._unanswered = 1
        """Every tag below this one has its answer (a "multiple" answer covers from here)."""

    def _on_ack(self, tag: int, multiple: bool) -> None:
        self._answer(tag, multiple, True)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._answer(tag, multiple, False)

    def _answer(self, tag: int, multiple: bool, ok: bool) -> None:
        answers = self._answers
        for t in range(self._unanswered if multiple else tag, tag + 1):
            answers.setdefault(t, ok)
        while self._unanswered in answers:
            self._unanswered += 1

    def send(self, messages: Sequence[tuple[str, dict[str, Any], bytes]]) -> range:
        """Write the messages' frames with one `sendall`; returns their delivery tags."""
        frames: list[bytes] = []
        encode = self.frames.encode
        for routing_key, headers, body in messages:
            encode(routing_key, headers, body, frames)
        self.connection.transport.write(b"".join(frames))
        tags = range(self._published + 1, self._published + 1 + len(messages))
        self._published = tags.stop - 1
        return tags

    def wait(self, tags: range, timeout: float) -> list[bool]:
        """The answers for the tags of one batch; batches are awaited in the order sent, so
        the batch is answered once every tag up to its last is."""
        deadline = time.monotonic() + timeout
        while self._unanswered < tags.stop:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{tags.stop - self._unanswered} confirms missing")
            try:
                self.connection.drain_events(timeout=min(left, 1.0))
            except TimeoutError:
                continue
        answers = self._answers
        return [answers.pop(tag) for tag in tags]

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:
            log.debug("closing a confirm window's connection failed", exc_info=True)
