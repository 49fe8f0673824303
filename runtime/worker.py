"""The worker: each service's consumer and outbox relay, on threads of one process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from runtime.bus import Publisher, Topology, connect
from runtime.config import Settings
from runtime.consumer import EventProcessor, ServiceConsumer
from runtime.context import ServiceRuntime
from runtime.logs import reset_log_context
from runtime.outbox import OutboxRelay, prune_messages
from runtime.scheduler import run_every, run_tick

log = logging.getLogger(__name__)

PRUNE_SECONDS = 3600.0
"""Old outbox and inbox rows are forgotten hourly."""


def broker_check(settings: Settings) -> None:
    """Raise unless the broker accepts a connection now."""
    if settings.in_process_bus:
        return
    with connect(settings) as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


class Worker:
    def __init__(self, runtimes: list[ServiceRuntime], settings: Settings) -> None:
        self.runtimes = runtimes
        self.settings = settings
        self.stop_event = threading.Event()
        self.consumers: list[ServiceConsumer] = []
        self.threads: list[threading.Thread] = []
        self.publishers: list[Publisher] = []

    def start(self) -> None:
        self._declare_topology()
        for rt in self.runtimes:
            processor = EventProcessor(
                rt.name, rt.spec.handlers, rt.db, rt.outbox, rt.clock, rt.directory
            )
            # More than one consumer handles more at once, at the price of order: two
            # actions on one suggestion may then be applied in either order.
            for n in range(self.settings.consumer_threads):
                consumer = ServiceConsumer(processor, self.settings, connect(self.settings))
                self.consumers.append(consumer)
                self._spawn(f"{rt.name}-consumer-{n}", consumer.run, rt.name)
            publisher = Publisher(self.settings)
            self.publishers.append(publisher)
            relay = OutboxRelay(rt.outbox, rt.db, publisher)
            self._spawn(
                f"{rt.name}-relay",
                partial(relay.run, self.stop_event, self.settings.outbox_poll_seconds),
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
            consumer.should_stop = True
            consumer.stopped.set()
        for thread in self.threads:
            thread.join(timeout)
        for publisher in self.publishers:
            publisher.close()
        for consumer in self.consumers:
            consumer.retry_publisher.close()
            consumer.connection.release()
        log.info("worker stopped")


def serve_in_thread(app: Flask, port: int, host: str) -> BaseWSGIServer:
    """A small threaded HTTP server for a worker's /metrics, /healthz and /readyz."""
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    return server
