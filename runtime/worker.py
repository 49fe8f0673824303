"""The worker: each service's consumer and outbox relay, on threads of one process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from contracts.topology import Names
from runtime.bus import Publisher, Topology, connect
from runtime.config import Settings
from runtime.consumer import EventProcessor, ServiceConsumer
from runtime.context import ServiceRuntime
from runtime.logs import reset_log_context
from runtime.metrics import CONSUMER_RESTARTS, QUEUE_MESSAGES
from runtime.outbox import OutboxRelay, prune_messages
from runtime.scheduler import run_every, run_tick

log = logging.getLogger(__name__)

PRUNE_SECONDS = 3600.0
"""Old outbox and inbox rows are forgotten hourly."""


def broker_check(settings: Settings, services: tuple[str, ...] = ()) -> None:
    """Raise unless the broker accepts a connection now; record the depth of the services'
    queues and dead-letter queues on the way (a passive declare changes nothing)."""
    if settings.in_process_bus:
        return
    names = Names(settings.bus_prefix)
    with connect(settings) as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
        for service in services:
            for kind, queue in (
                ("main", names.queue(service)),
                ("dead_letter", names.dead_letter_queue(service)),
            ):
                declared = connection.default_channel.queue_declare(queue=queue, passive=True)
                QUEUE_MESSAGES.labels(service, kind).set(declared.message_count)


RESTART_DELAYS = (5.0, 10.0, 20.0, 40.0, 60.0)
"""Back-off before restarting a consumer that stopped by itself; the first is long enough
for a readiness probe (cached two seconds) to see it down."""

HEALTHY_AFTER_SECONDS = 120.0
"""A consumer that ran this long before it stopped starts the back-off again from the top."""


class ConsumerStopped(RuntimeError):
    """A consumer that should be consuming is not (dead and waiting to restart, or the
    broker is away)."""


class SupervisedConsumer:
    """Runs one consumer thread's consumer and starts a fresh one whenever it stops
    unasked: nothing a message or a bug does leaves a service without its consumer."""

    def __init__(
        self,
        name: str,
        service: str,
        make: Callable[[], ServiceConsumer],
        stop_event: threading.Event,
    ) -> None:
        self.name = name
        self.service = service
        self.make = make
        self.stop_event = stop_event
        self.consumer: ServiceConsumer | None = None

    @property
    def consuming(self) -> bool:
        return self.consumer is not None and self.consumer.consuming

    def run(self) -> None:
        restarts = 0
        while not self.stop_event.is_set():
            consumer = self.consumer = self.make()
            if self.stop_event.is_set():  # stopped while it was being made
                return
            started = time.monotonic()
            try:
                consumer.run()
                if self.stop_event.is_set():
                    return
                log.error("consumer %s returned without being stopped", self.name)
            except BaseException:  # whatever killed it, the worker goes on
                if self.stop_event.is_set():
                    return
                log.exception("consumer %s died", self.name)
            finally:
                consumer.consuming = False
                _release(consumer)
            CONSUMER_RESTARTS.labels(self.service).inc()
            restarts = 0 if time.monotonic() - started > HEALTHY_AFTER_SECONDS else restarts
            delay = RESTART_DELAYS[min(restarts, len(RESTART_DELAYS) - 1)]
            restarts += 1
            log.warning("restarting consumer %s in %.0fs", self.name, delay)
            self.stop_event.wait(delay)

    def stop(self) -> None:
        consumer = self.consumer
        if consumer is not None:
            consumer.should_stop = True
            consumer.stopped.set()


def _release(consumer: ServiceConsumer) -> None:
    """Close its connections: the broker then redelivers what it had not acknowledged."""
    for close in (consumer.retry_publisher.close, consumer.connection.release):
        try:
            close()
        except Exception:
            log.debug("closing a stopped consumer's connection failed", exc_info=True)


class Worker:
    def __init__(self, runtimes: list[ServiceRuntime], settings: Settings) -> None:
        self.runtimes = runtimes
        self.settings = settings
        self.stop_event = threading.Event()
        self.consumers: list[SupervisedConsumer] = []
        self.threads: list[threading.Thread] = []
        self.publishers: list[Publisher] = []

    def start(self) -> None:
        self._declare_topology()
        for rt in self.runtimes:
            processor = EventProcessor.of(rt)
            # More than one consumer handles more at once, at the price of order: two
            # actions on one suggestion may then be applied in either order.
            for n in range(self.settings.consumer_threads):
                consumer = SupervisedConsumer(
                    f"{rt.name}-consumer-{n}",
                    rt.name,
                    partial(self._new_consumer, processor),
                    self.stop_event,
                )
                self.consumers.append(consumer)
                self._spawn(consumer.name, consumer.run, rt.name)
            publisher = Publisher(self.settings)
            self.publishers.append(publisher)
            relay = OutboxRelay(rt.outbox, rt.db, publisher)
            self._spawn(
                f"{rt.name}-relay",
                partial(
                    relay.run,
                    self.stop_event,
                    self.settings.outbox_poll_seconds,
                    self.settings.outbox_linger_seconds,
                ),
                rt.name,
            )
            prune = partial(prune_messages, retention_days=self.settings.message_retention_days)
            housekeeping = {f"{rt.name}.prune_messages": (prune, PRUNE_SECONDS)}
            ticks = {n: (t, self.settings.tick_seconds) for n, t in rt.spec.ticks.items()}
            for name, (tick, interval) in {**ticks, **housekeeping}.items():
                run = partial(run_tick, name, tick, rt.db, rt.outbox, rt.clock, rt.directory)
                self._spawn(
                    name,
                    partial(run_every, self.stop_event, interval, name, run),
                    rt.name,
                )
            for name, loop in rt.spec.loops.items():
                self._spawn(f"{rt.name}-{name}", partial(loop, rt, self.stop_event), rt.name)
        log.info("worker started for %s", ", ".join(rt.name for rt in self.runtimes))

    def _new_consumer(self, processor: EventProcessor) -> ServiceConsumer:
        return ServiceConsumer(processor, self.settings, connect(self.settings))

    def readiness_checks(self) -> dict[str, Callable[[], None]]:
        """One readiness check per service: are all its consumers consuming?"""
        return {
            f"consumer:{rt.name}": partial(self._check_consuming, rt.name) for rt in self.runtimes
        }

    def _check_consuming(self, service: str) -> None:
        mine = [c for c in self.consumers if c.service == service]
        down = [c.name for c in mine if not c.consuming]
        if not mine or down:
            raise ConsumerStopped(", ".join(down) or f"{service} has not started consuming")

    def _declare_topology(self) -> None:
        topology = Topology(self.settings)
        with connect(self.settings) as connection:
            connection.ensure_connection(max_retries=None, interval_start=1, interval_max=10)
            topology.declare(connection, [rt.name for rt in self.runtimes])

    def _spawn(self, name: str, target: Callable[[], object], service: str) -> None:
        def run() -> None:
            # Threads start with an empty context: each says which service it works for.
            reset_log_context(service=service)
            target()

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        for rt in self.runtimes:
            rt.outbox.wake_relay()
        for consumer in self.consumers:
            consumer.stop()
        for thread in self.threads:
            thread.join(timeout)
        for publisher in self.publishers:
            publisher.close()
        log.info("worker stopped")


def serve_in_thread(app: Flask, port: int, host: str) -> BaseWSGIServer:
    """A small threaded HTTP server for a worker's /metrics, /healthz and /readyz."""
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    return server
