"""Scheduled work in workers, safe with any number of replicas.

Each run of a tick takes a PostgreSQL advisory lock for its transaction; a replica that
cannot get it skips that run. SQLite (the one-process mode) has one worker, no lock.
"""

from __future__ import annotations

import logging
import threading
import uuid
import zlib
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from runtime.clock import Clock
from runtime.db import Database
from runtime.directory import Directory
from runtime.metrics import TICK_LAST_SUCCESS, TICK_PERIOD
from runtime.outbox import Outbox
from runtime.work import WorkContext

log = logging.getLogger(__name__)


Tick = Callable[[WorkContext], None]


def try_lock(session: Session, name: str) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"renda:{name}".encode())
    return bool(session.execute(text("select pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar())


def run_tick(
    name: str, tick: Tick, db: Database, outbox: Outbox, clock: Clock, directory: Directory
) -> bool:
    """Run one tick in one transaction if no other replica is running it; True if it ran."""
    with db.transaction() as session:
        if not try_lock(session, name):
            return False
        # Everything one run emits shares a correlation id: the run's.
        tick(WorkContext(session, outbox, clock, directory, correlation_id=str(uuid.uuid4())))
    outbox.wake_relay()
    TICK_LAST_SUCCESS.labels(name).set_to_current_time()
    return True


def run_every(stop: threading.Event, interval: float, name: str, run: Callable[[], bool]) -> None:
    TICK_PERIOD.labels(name).set(interval)
    while not stop.wait(interval):
        try:
            run()
        except Exception:
            log.exception("tick %s failed; it runs again in %.0fs", name, interval)
