"""Building the processes: one service's API or worker, or everything in one process."""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from typing import Any

from flask import Flask

from renda.registry import migrations_dir, spec
from runtime.clock import Clock, SystemClock
from runtime.config import DIRECTORY, SERVICES, Settings
from runtime.context import ServiceRuntime, build_directory, build_runtimes
from runtime.directory import Directory
from runtime.http import Checks, behind_proxies, create_app


def migrate(settings: Settings, databases: list[str] | None = None) -> None:
    # Alembic (with mako and pygments, ~10 MB resident) is for migrating only: the APIs
    # and workers never import it.
    from runtime.migrations import upgrade

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


def api_app(runtimes: list[ServiceRuntime], checks: Checks | None = None) -> Flask:
    return create_app(runtimes, checks)


def console_app(settings: Settings, directory: Directory, send: Any) -> Flask:
    from services.console.app import create_console
    from services.intake.domain.photos import upload_limit

    return create_console(
        directory,
        send,
        secret_key=settings.secret_key,
        idle_seconds=settings.session_idle_seconds,
        secure_cookies=not settings.in_process_bus,
        photo_max_bytes=settings.opinion_photo_max_bytes,
        max_upload_bytes=upload_limit(settings.opinion_photo_max_bytes, settings.max_request_bytes),
    )


def one_process_app(
    runtimes: list[ServiceRuntime], settings: Settings, checks: Checks | None = None
) -> Any:
    """The APIs and, under /console, the console calling them in-process (no socket)."""
    from services.console.app import mounted
    from services.console.client import wsgi_transport

    api = api_app(runtimes, checks)
    console = console_app(settings, runtimes[0].directory, wsgi_transport(api))
    return mounted(console, api)


def local_secret_key(settings: Settings) -> Settings:
    """The one-process mode keeps a generated signing key under var/ unless one is given."""
    if settings.secret_key:
        return settings
    path = settings.var_dir / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    return replace(settings, secret_key=path.read_text().strip())


def console_wsgi() -> Any:
    """Gunicorn's entry for the console on its own: it calls the APIs over HTTP."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from runtime.clock import SystemClock
    from runtime.logs import configure_logging
    from services.console.app import mounted, plumbing
    from services.console.client import http_transport

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if not settings.api_base_url or not settings.secret_key:
        raise SystemExit(
            "the console on its own needs RENDA_API_BASE_URL (where /intake/v1, /workflow/v1"
            " … answer: one URL, `{service}` in it, or service=URL,…) and RENDA_SECRET_KEY"
            " (signs its session cookies)"
        )
    directory = build_directory(settings, SystemClock())
    console = console_app(settings, directory, http_transport(settings.api_url_for))
    # Served behind exactly one proxy (the ingress): the client's address, for the
    # per-address sign-in limit, is the one that proxy saw.
    console.wsgi_app = ProxyFix(console.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return mounted(console, plumbing())


def wsgi(service_name: str) -> Flask:
    """Gunicorn's entry: `renda.processes:wsgi("intake")`."""
    from runtime.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings)
    require_contact_keys(settings, "api", [service_name])
    app = api_app(runtimes_for([service_name], settings))
    behind_proxies(app, settings)
    return app


CONTACT_KEYS_NEEDED = {
    "api": ("intake", "workflow"),
    "worker": ("notify",),
    "run": ("intake", "workflow", "notify"),
}
"""Who opens constituents' contacts: intake's API encrypts them, workflow's decrypts them
for the office that holds an opinion, notify's worker decrypts the phone to send the SMS."""


def require_contact_keys(settings: Settings, process: str, services: list[str]) -> None:
    """In production, a process that handles constituents' contacts refuses to start
    without usable RENDA_CONTACT_KEYS (rather than answer 500 to the first constituent
    who leaves a phone, or never text them). Elsewhere a key is derived from
    RENDA_SECRET_KEY; the other processes and the CLI need none."""
    if not settings.is_production or not set(services) & set(CONTACT_KEYS_NEEDED[process]):
        return
    if not settings.contact_keys:
        raise SystemExit(
            "RENDA_CONTACT_KEYS is not set: in production (RENDA_ENV=production) intake and "
            "workflow encrypt constituents' phones with it. Set one or more Fernet keys, "
            "newest first (python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'); docs/configuration.md"
        )
    from cryptography.fernet import Fernet

    for position, key in enumerate(settings.contact_keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise SystemExit(
                f"RENDA_CONTACT_KEYS: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes); docs/configuration.md"
            ) from None


def require_dependencies(settings: Settings, services: list[str]) -> None:
    """The services' own dependencies beyond their databases (intake's photo bucket) are
    checked once at start-up, as /readyz checks them: a wrong bucket or credentials stop the
    process with the reason, rather than show at the first photo."""
    for name in services:
        for check_name, check in spec(name).checks(settings).items():
            try:
                check()
            except Exception as exc:
                raise SystemExit(f"{name} cannot start: {check_name}: {exc}") from None


def require_broker(settings: Settings) -> None:
    """A service on its own shares events through RabbitMQ; the in-process bus would
    silently keep them to itself."""
    if settings.in_process_bus:
        raise SystemExit(
            "RENDA_BROKER_URL is not set: separate service processes need RabbitMQ "
            "(amqp://…); `renda run` is the one-process mode"
        )
