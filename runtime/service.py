"""What a service is made of, as the app and worker factories need it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flask_smorest import Blueprint
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from runtime.config import Settings
from runtime.consumer import Handler
from runtime.messaging_tables import inbox_table, outbox_table
from runtime.scheduler import Tick

if TYPE_CHECKING:
    from runtime.context import ServiceRuntime

Check = Callable[[], None]
"""A readiness check of a dependency: raises when it cannot be used."""
Loop = Callable[["ServiceRuntime", threading.Event], None]
"""Long-running work of a worker (e.g. notify's delivery runner): runs until the event is set."""


def service_base() -> type[DeclarativeBase]:
    """A declarative base whose metadata already holds the outbox and inbox tables."""

    class Base(DeclarativeBase):
        pass

    outbox_table(Base.metadata)
    inbox_table(Base.metadata)
    return Base


def no_checks(_settings: Settings) -> dict[str, Check]:
    return {}


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    title: str
    metadata: MetaData
    migrations: Path
    blueprints: Callable[[], list[Blueprint]]
    handlers: dict[str, Handler] = field(default_factory=dict)
    ticks: dict[str, Tick] = field(default_factory=dict)
    """Scheduled work, run by the worker every RENDA_TICK_SECONDS under an advisory lock."""
    loops: dict[str, Loop] = field(default_factory=dict)
    """Work that runs for the worker's lifetime on its own thread, beside the consumer."""
    checks: Callable[[Settings], dict[str, Check]] = field(default=no_checks)
    """Its dependencies beyond its database (intake's photo bucket), by name: in /readyz of
    every process that runs the service, and run once when one starts."""
