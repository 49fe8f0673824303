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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from contracts import Event
from runtime.clock import Clock
from runtime.db import Database
from runtime.directory import Directory
from runtime.outbox import Outbox

log = logging.getLogger(__name__)


@dataclass
class TickContext:
    session: Session
    outbox: Outbox
    clock: Clock
    directory: Directory
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def emit(self, name: str, data: dict[str, Any], *, tenant: str) -> Event:
        return self.outbox.add(self.session, name, data, tenant=tenant, correlation_id=self.run_id)


Tick = Callable[[TickContext], None]


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
        tick(TickContext(session, outbox, clock, directory))
    outbox.wake_relay()
    return True


def run_every(stop: threading.Event, interval: float, name: str, run: Callable[[], bool]) -> None:
    while not stop.wait(interval):
        try:
            run()
        except Exception:
            log.exception("tick %s failed; it runs again in %.0fs", name, interval)
