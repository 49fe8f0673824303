"""`make run`: every service in one process, the in-process bus, SQLite under var/."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from werkzeug.serving import make_server

from renda.demo import accounts_file, ensure_demo_accounts, ensure_seeded, keys_file
from renda.processes import (
    local_secret_key,
    migrate,
    one_process_app,
    require_contact_keys,
    require_dependencies,
    runtimes_for,
)
from runtime.clock import Clock, DemoClock, DemoClockError, standalone_clock
from runtime.config import SERVICES, Settings
from runtime.context import ServiceRuntime
from runtime.logs import configure_logging
from runtime.scheduler import run_tick
from runtime.worker import Worker

CLOCK_POLL_SECONDS = 0.5

log = logging.getLogger(__name__)


def run(settings: Settings, host: str = "127.0.0.1") -> None:
    configure_logging(settings.log_level)
    require_contact_keys(settings, "run", list(SERVICES))
    require_dependencies(settings, list(SERVICES))
    require_free_port(host, settings.port)
    try:
        clock = standalone_clock(settings)
    except DemoClockError as exc:
        raise SystemExit(f"renda run: {exc}") from None
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    settings = local_secret_key(settings)
    # Without a mail server, the demo's e-mail is written to files a newcomer can open.
    mail_sink = (settings.var_dir / "outbox-mail").resolve()
    os.environ.setdefault("RENDA_SMTP_URL", f"file://{mail_sink}")
    migrate(settings)
    runtimes = runtimes_for(list(SERVICES), settings, clock)
    keys = ensure_seeded(settings, runtimes[0].directory)
    accounts = ensure_demo_accounts(settings, runtimes[0].directory)
    worker = Worker(runtimes, settings)
    worker.start()
    if isinstance(clock, DemoClock):
        threading.Thread(
            target=_tick_when_the_clock_moves,
            args=(clock, runtimes, worker.stop_event),
            name="demo-clock",
            daemon=True,
        ).start()
    # Its /readyz also says whether every service's consumer is consuming.
    app = one_process_app(runtimes, settings, worker.readiness_checks())
    server = make_server(host, settings.port, app, threaded=True)
    stopping = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    _print_banner(host, settings.port, keys, accounts, settings, clock)
    try:
        server.serve_forever()
    finally:
        worker.stop()
        for rt in runtimes:
            rt.db.dispose()
        print("renda stopped; data kept in", settings.var_dir.resolve(), flush=True)


def require_free_port(host: str, port: int) -> None:
    """A second `renda run` on a taken port stops here, before it migrates, seeds or starts
    a worker beside the first one's."""
    with socket.socket() as probe:
        # As the HTTP server will: a port left in TIME_WAIT by a stopped run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SystemExit(
                f"renda run: port {port} on {host} is taken ({exc.strerror}); is renda already "
                "running? Stop it, or choose another port with PORT=..."
            ) from None


def _tick_when_the_clock_moves(
    clock: DemoClock, runtimes: list[ServiceRuntime], stop: threading.Event
) -> None:
    """After `renda clock advance` every tick runs at once, so colours change in seconds."""
    seen = clock.offset()
    while not stop.wait(CLOCK_POLL_SECONDS):
        try:
            offset = clock.offset()
            if offset == seen:
                continue
            seen = offset
            log.info("demo clock moved to %s ahead; running every tick now", offset)
            for rt in runtimes:
                for name, tick in rt.spec.ticks.items():
                    run_tick(name, tick, rt.db, rt.outbox, rt.clock, rt.directory)
        except Exception:
            log.exception("running the ticks after the demo clock moved failed")


def _print_banner(
    host: str,
    port: int,
    keys: dict[str, str],
    accounts: dict[str, dict[str, str]],
    settings: Settings,
    clock: Clock,
) -> None:
    base = f"http://{host}:{port}"
    lines = [
        "renda is running (standalone: one process, in-process bus, SQLite).",
        f"  console        {base}/console/   (public progress: {base}/console/public)",
        *(f"  {name:9} API  {base}/{name}/v1/openapi.json" for name in SERVICES),
        f"  metrics        {base}/metrics   health {base}/healthz   ready {base}/readyz",
        f"  e-mail         {os.environ['RENDA_SMTP_URL']}"
        + (
            "   (one .eml file per message)"
            if os.environ["RENDA_SMTP_URL"].startswith("file:")
            else ""
        ),
    ]
    if keys:
        lines.append(f"Demo API keys (also in {keys_file(settings)}):")
        lines.extend(f"  {name}: {key}" for name, key in keys.items())
        lines.append(
            "Try: curl -H 'Authorization: Bearer "
            + keys.get("county_system_450102", "<key>")
            + f"' {base}/workflow/v1/suggestions"
        )
    if isinstance(clock, DemoClock) and clock.offset():
        lines.append(f"Demo clock: {clock.offset()} ahead (`renda clock reset` to undo).")
    if accounts:
        lines.append(f"Demo console accounts (also in {accounts_file(settings)}):")
        lines.extend(
            f"  {account:14} {entry['password']}   {entry['who']}"
            for account, entry in accounts.items()
        )
    lines.append("Ctrl-C stops it; a restart keeps the data.")
    print("\n".join(lines), flush=True)
