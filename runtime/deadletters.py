"""Operator tools for a service's dead-letter queue: count, and replay into the service."""

from __future__ import annotations

import logging
from typing import Any

from amqp.exceptions import ChannelError

from runtime.bus import ATTEMPT_HEADER, BROKER_HEADERS, Publisher, Topology, connect
from runtime.config import Settings

log = logging.getLogger(__name__)


class NoDeadLetterQueue(LookupError):
    """The queue is not there: a wrong RENDA_BUS_PREFIX, or its worker never started."""


def _waiting(queue: Any, name: str) -> int:
    try:
        _, count, _ = queue.queue_declare(passive=True)
    except ChannelError:
        raise NoDeadLetterQueue(
            f"no queue {name} on the broker: check RENDA_BUS_PREFIX and RENDA_BROKER_URL"
        ) from None
    return int(count)


def dead_letter_count(settings: Settings, service: str) -> int:
    topology = Topology(settings)
    with connect(settings) as connection:
        queue = topology.dead_letter_queue(service)(connection.default_channel)
        return _waiting(queue, topology.names.dead_letter_queue(service))


def replay(settings: Settings, service: str, limit: int | None = None) -> int:
    """Move dead letters back to the service's own queue, with a fresh retry budget.

    Each message is acknowledged on the dead-letter queue only after the broker confirmed
    its copy, so a crash mid-replay duplicates at worst (the inbox absorbs that).
    """
    topology = Topology(settings)
    publisher = Publisher(settings)
    moved = 0
    try:
        with connect(settings) as connection:
            queue = topology.dead_letter_queue(service)(connection.default_channel)
            # Only what is there now: a message that fails again comes back to the queue
            # while the replay runs, and must not be replayed round and round.
            waiting = _waiting(queue, topology.names.dead_letter_queue(service))
            limit = waiting if limit is None else min(limit, waiting)
            while moved < limit:
                message = queue.get(no_ack=False, accept=None)
                if message is None:
                    break
                headers = {
                    k: v
                    for k, v in (message.headers or {}).items()
                    if k != ATTEMPT_HEADER
                    and not (isinstance(k, str) and k.startswith(BROKER_HEADERS))
                }
                publisher.publish(service, headers, message.body, exchange=topology.requeue)
                message.ack()
                moved += 1
    finally:
        publisher.close()
    log.info("replayed %d dead letters into %s", moved, service)
    return moved
