"""Everything one service needs at run time, built once per process from settings."""

from __future__ import annotations

from dataclasses import dataclass

from runtime.clock import Clock
from runtime.config import DIRECTORY, Settings
from runtime.db import Database
from runtime.directory import Directory
from runtime.outbox import Outbox
from runtime.service import ServiceSpec


@dataclass
class ServiceRuntime:
    spec: ServiceSpec
    settings: Settings
    db: Database
    outbox: Outbox
    directory: Directory
    clock: Clock

    @property
    def name(self) -> str:
        return self.spec.name


def build_directory(settings: Settings, clock: Clock) -> Directory:
    return Directory(
        Database(settings.database_url_for(DIRECTORY)),
        cache_seconds=settings.key_cache_seconds,
        clock=clock,
        session_idle_seconds=settings.session_idle_seconds,
    )


def build_runtimes(
    specs: list[ServiceSpec], settings: Settings, clock: Clock, directory: Directory
) -> list[ServiceRuntime]:
    return [
        ServiceRuntime(
            spec=spec,
            settings=settings,
            db=Database(settings.database_url_for(spec.name)),
            outbox=Outbox(spec.name, spec.metadata, clock),
            directory=directory,
            clock=clock,
        )
        for spec in specs
    ]
