"""`make run`: every service in one process, the in-process bus, SQLite under var/."""

from __future__ import annotations

import logging
import os
import signal
import threading

from werkzeug.serving import make_server

from renda.demo import ensure_seeded, keys_file
from renda.processes import api_app, migrate, runtimes_for
from runtime.config import SERVICES, Settings
from runtime.logs import configure_logging
from runtime.worker import Worker

log = logging.getLogger(__name__)


def run(settings: Settings, host: str = "127.0.0.1") -> None:
    configure_logging(settings.log_level)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    # Without a mail server, the demo's e-mail is written to files a newcomer can open.
    mail_sink = (settings.var_dir / "outbox-mail").resolve()
    os.environ.setdefault("RENDA_SMTP_URL", f"file://{mail_sink}")
    migrate(settings)
    runtimes = runtimes_for(list(SERVICES), settings)
    keys = ensure_seeded(settings, runtimes[0].directory)
    worker = Worker(runtimes, settings)
    worker.start()
    server = make_server(host, settings.port, api_app(runtimes), threaded=True)
    stopping = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    _print_banner(host, settings.port, keys, settings)
    try:
        server.serve_forever()
    finally:
        worker.stop()
        for rt in runtimes:
            rt.db.dispose()
        print("renda stopped; data kept in", settings.var_dir.resolve(), flush=True)


def _print_banner(host: str, port: int, keys: dict[str, str], settings: Settings) -> None:
    base = f"http://{host}:{port}"
    lines = [
        "renda is running (standalone: one process, in-process bus, SQLite).",
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
    lines.append("Ctrl-C stops it; a restart keeps the data.")
    print("\n".join(lines), flush=True)
