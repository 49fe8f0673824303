"""`renda worker <service>`: one service's consumer and outbox relay, with its ops endpoints."""

from __future__ import annotations

import logging
import signal
import threading
from functools import partial

from renda.processes import (
    require_broker,
    require_contact_keys,
    require_dependencies,
    runtimes_for,
)
from runtime.config import Settings
from runtime.http import create_ops_app
from runtime.logs import bind_log_context, configure_logging
from runtime.worker import Worker, broker_check, serve_in_thread

log = logging.getLogger(__name__)


def run(service_name: str, settings: Settings) -> None:
    configure_logging(settings.log_level)
    require_broker(settings)
    require_contact_keys(settings, "worker", [service_name])
    require_dependencies(settings, [service_name])
    bind_log_context(service=service_name)
    runtimes = runtimes_for([service_name], settings)
    worker = Worker(runtimes, settings)
    server = serve_in_thread(
        create_ops_app(
            runtimes, partial(broker_check, settings, (service_name,)), worker.readiness_checks()
        ),
        settings.worker_port,
        settings.worker_host,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    worker.start()
    stop.wait()
    log.info("stopping worker")
    worker.stop()
    server.shutdown()
