"""A service's handlers and ticks run on their own, like nameko's `worker_factory`.

`handler_context(spec)` gives a WorkContext whose session is a real in-memory SQLite
database of the service's tables, whose outbox is the real one (every event checked by its
contract and written to the outbox table) and also records what was emitted, with a small
directory (Nanning, 兴宁区 and 青秀区, a few deputies and units) and a clock that moves only
when told. No broker, no other service, no HTTP:

    with handler_context(workflow.SPEC) as ctx:
        ctx.handle("suggestion.submitted", {...}, tenant="450102")
        assert [e.name for e in ctx.emitted] == [...]
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from contracts import REGISTRY, Event, body_of, decode, headers_for
from runtime.clock import FixedClock
from runtime.consumer import EventProcessor, Handler
from runtime.db import Database
from runtime.directory import Directory
from runtime.directory.store import Base as DirectoryBase
from runtime.outbox import Outbox
from runtime.scheduler import Tick
from runtime.service import ServiceSpec
from runtime.work import WorkContext
from tests.support.cycle import START

CITY, COUNTY, NEIGHBOUR = "450100", "450102", "450103"
DEPUTIES = {"D450102-001": COUNTY, "D450102-002": COUNTY, "D450102-003": COUNTY}
DEPUTIES |= {"D450103-001": NEIGHBOUR}
UNITS = {"U450102-EDU": COUNTY, "U450102-HEALTH": COUNTY, "U450102-TRANSPORT": COUNTY}
UNITS |= {"U450103-EDU": NEIGHBOUR}


class RecordingOutbox(Outbox):
    """The service's real outbox, which also keeps each event it was given, in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.emitted: list[Event] = []

    def add(self, *args: Any, **kwargs: Any) -> Event:
        event = super().add(*args, **kwargs)
        self.emitted.append(event)
        return event


@dataclass
class HandlerContext(WorkContext):
    handlers: dict[str, Handler] = field(default_factory=dict)
    ticks: dict[str, Tick] = field(default_factory=dict)

    @property
    def emitted(self) -> list[Event]:
        """Every event emitted so far, as JSON data: what consumers would receive."""
        assert isinstance(self.outbox, RecordingOutbox)
        return self.outbox.emitted

    def handle(self, name: str, data: dict[str, Any], *, tenant: str = COUNTY) -> list[Event]:
        """Deliver an event as the consumer would (encoded, then decoded and validated by its
        contract) to the service's handler; returns the events that handling emitted."""
        # Sent when the context's clock says, like everything here.
        event = delivered(name, data, tenant=tenant, at=self.clock.now())
        before = len(self.emitted)
        context = replace(
            self,
            correlation_id=event.correlation_id,
            causation_id=event.id,
            tenant=event.tenant,
        )
        self.handlers[event.name](event, context)
        self.session.flush()
        return self.emitted[before:]

    def tick(self, name: str) -> list[Event]:
        """Run one of the service's scheduled ticks now; returns what it emitted."""
        before = len(self.emitted)
        self.ticks[name](replace(self, correlation_id=str(uuid.uuid4())))
        self.session.flush()
        return self.emitted[before:]


def delivered(name: str, data: dict[str, Any], *, tenant: str, at: datetime) -> Event:
    """An event as a consumer receives it: encoded by its contract, then decoded."""
    sent = Event(
        name=name,
        version=REGISTRY.latest(name).version,
        data=REGISTRY.latest(name).to_json(data),
        tenant=tenant,
        source="/renda/test",
        correlation_id=str(uuid.uuid4()),
        time=at,
    )
    return decode(headers_for(sent), body_of(sent.data), REGISTRY)


def batch_processor(spec: ServiceSpec, db: Database, clock: FixedClock) -> EventProcessor:
    """The service's consumer without a broker, on `db`: `process(events)` applies a batch
    in one transaction as the worker does (ADR 0019)."""
    return EventProcessor(
        spec.name,
        dict(spec.handlers),
        db,
        Outbox(spec.name, spec.metadata, clock),
        clock,
        small_directory(clock),
    )


def small_directory(clock: FixedClock) -> Directory:
    """A directory in memory: the city, two of its counties, their deputies and units."""
    db = Database("sqlite://")
    DirectoryBase.metadata.create_all(db.engine)
    directory = Directory(db, cache_seconds=0, clock=clock)
    directory.create_node(CITY, "city", "南宁市", None)
    directory.create_node(COUNTY, "county", "兴宁区人大常委会", CITY)
    directory.create_node(NEIGHBOUR, "county", "青秀区人大常委会", CITY)
    for deputy_id, node in DEPUTIES.items():
        directory.add_deputy(deputy_id, node, f"代表{deputy_id[-3:]}", "county")
    for unit_id, node in UNITS.items():
        directory.add_unit(unit_id, node, unit_id)
    return directory


@contextmanager
def handler_context(spec: ServiceSpec, *, at: datetime = START) -> Iterator[HandlerContext]:
    """A fresh in-memory database of the service's tables, in one open transaction."""
    clock = FixedClock(at)
    db = Database("sqlite://")
    spec.metadata.create_all(db.engine)
    directory = small_directory(clock)
    try:
        with db.transaction() as session:
            yield HandlerContext(
                session,
                RecordingOutbox(spec.name, spec.metadata, clock),
                clock,
                directory,
                correlation_id=str(uuid.uuid4()),
                handlers=dict(spec.handlers),
                ticks=dict(spec.ticks),
            )
    finally:
        db.dispose()
        directory.db.dispose()
