"""Building the processes: one service's API or worker, or everything in one process."""

from __future__ import annotations

from flask import Flask

from renda.registry import migrations_dir, spec
from runtime.clock import Clock, SystemClock
from runtime.config import DIRECTORY, SERVICES, Settings
from runtime.context import ServiceRuntime, build_directory, build_runtimes
from runtime.http import create_app
from runtime.migrations import upgrade


def migrate(settings: Settings, databases: list[str] | None = None) -> None:
    for database in databases or [DIRECTORY, *SERVICES]:
        upgrade(migrations_dir(database), settings.database_url_for(database))


def runtimes_for(
    names: list[str], settings: Settings, clock: Clock | None = None
) -> list[ServiceRuntime]:
    clock = clock or SystemClock()
    specs = [spec(name) for name in names]
    directory = build_directory(settings, clock)
    if "workflow" in names:
        from services.workflow import working_days

        # Deadlines follow the official holiday schedules the operator loaded.
        working_days.use_official_schedules(
            directory.official_schedule, settings.calendar_cache_seconds
        )
    return build_runtimes(specs, settings, clock, directory)


def api_app(runtimes: list[ServiceRuntime]) -> Flask:
    return create_app(runtimes)


def wsgi(service_name: str) -> Flask:
    """Gunicorn's entry: `renda.processes:wsgi("intake")`."""
    from runtime.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings)
    return api_app(runtimes_for([service_name], settings))


def require_broker(settings: Settings) -> None:
    """A service on its own shares events through RabbitMQ; the in-process bus would
    silently keep them to itself."""
    if settings.in_process_bus:
        raise SystemExit(
            "RENDA_BROKER_URL is not set: separate service processes need RabbitMQ "
            "(amqp://…); `renda run` is the one-process mode"
        )
