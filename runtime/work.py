"""What a piece of work may use: an event handler's or a scheduled tick's context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from contracts import Event
from runtime.clock import Clock
from runtime.config import Settings
from runtime.directory import Directory
from runtime.outbox import Outbox


@dataclass
class WorkContext:
    """Its transaction, the domain clock, the directory, and a way to emit the events it
    causes, which carry its correlation (and, for a handler, the event that caused them)."""

    session: Session
    outbox: Outbox
    clock: Clock
    directory: Directory
    correlation_id: str
    causation_id: str | None = None
    tenant: str | None = None
    """The tenant of the event being handled: the default tenant of what it emits."""
    settings: Settings | None = None
    """The service's settings, given to event handlers, for those that reach beyond the
    database (intake erasing photos from its photo storage)."""

    def emit(self, name: str, data: dict[str, Any], *, tenant: str | None = None) -> Event:
        tenant = tenant or self.tenant
        if tenant is None:
            raise ValueError(f"{name} needs the tenant it concerns")
        return self.outbox.add(
            self.session,
            name,
            data,
            tenant=tenant,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
        )
