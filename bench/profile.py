"""Optional (`--profile`): sample renda's processes with py-spy while they are under load.

py-spy is not a dependency; without it `--profile` says so and the bench runs as usual.
Sampling costs CPU on a 2-core machine, so figures from a profiled run are not the ones to
quote; the point is where the time goes.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.infra import Child

CATEGORIES = (
    ("psycopg", "database driver (psycopg)"),
    ("sqlalchemy", "SQLAlchemy"),
    ("alembic", "SQLAlchemy"),
    ("kombu", "AMQP client (kombu/amqp)"),
    ("/amqp/", "AMQP client (kombu/amqp)"),
    ("pika", "AMQP client (kombu/amqp)"),
    ("marshmallow", "schemas (marshmallow/webargs/smorest)"),
    ("webargs", "schemas (marshmallow/webargs/smorest)"),
    ("flask_smorest", "schemas (marshmallow/webargs/smorest)"),
    ("apispec", "schemas (marshmallow/webargs/smorest)"),
    ("pythonjsonlogger", "logging"),
    ("logging/", "logging"),
    ("prometheus_client", "metrics (prometheus_client)"),
    ("gunicorn", "gunicorn"),
    ("werkzeug", "Flask/werkzeug"),
    ("flask", "Flask/werkzeug"),
    ("/contracts/", "renda code"),
    ("/runtime/", "renda code"),
    ("/services/", "renda code"),
    ("/renda/", "renda code"),
    ("json/", "json"),
    ("uuid", "uuid"),
    ("socket", "sockets/ssl/select"),
    ("selectors", "sockets/ssl/select"),
    ("threading", "threading"),
)
RENDA_PATHS = ("/runtime/", "/services/", "/contracts/", "/renda/")
ROLES = (
    ("relay_once", "outbox relay thread"),
    ("OutboxRelay.run", "outbox relay thread"),
    ("on_message", "consumer thread"),
    ("ConsumerMixin", "consumer thread"),
    ("handle_request", "HTTP request threads"),
    ("serve_forever", "ops HTTP thread"),
)


def py_spy() -> str | None:
    return shutil.which("py-spy") or (
        str(Path(sys.executable).parent / "py-spy")
        if (Path(sys.executable).parent / "py-spy").exists()
        else None
    )


def start(name: str, pid: int, seconds: float, workdir: Path) -> tuple[Child, Path] | None:
    exe = py_spy()
    if exe is None:
        return None
    out = workdir / f"profile-{name}.txt"
    argv = [
        exe,
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--nonblocking",
        "--full-filenames",
        "--rate",
        "100",
        "--format",
        "raw",
        "--duration",
        str(max(1, round(seconds))),
        "--output",
        str(out),
    ]
    return Child(f"py-spy-{name}", argv, {"PATH": "/usr/bin:/bin"}, workdir), out


def summarize(path: Path, top: int = 12) -> dict[str, Any]:
    """Samples by library (the first one met from the leaf up) and the busiest renda frames."""
    by_category: Counter = Counter()
    by_role: Counter = Counter()
    leaves: Counter = Counter()
    renda_inclusive: Counter = Counter()
    total = 0
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return {"error": f"no profile at {path}"}
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        leaves[_short(frames[-1])] += count
        category = "other"
        for frame in reversed(frames):
            hit = next((label for key, label in CATEGORIES if key in frame), None)
            if hit:
                category = hit
                break
        by_category[category] += count
        role = next((label for key, label in ROLES if any(key in f for f in frames)), "other")
        by_role[role] += count
        for frame in {_short(f) for f in frames if any(p in f for p in RENDA_PATHS)}:
            renda_inclusive[frame] += count

    def share(counter: Counter) -> list[tuple[str, float]]:
        return [(k, round(100.0 * v / total, 1)) for k, v in counter.most_common(top)]

    return {
        "samples": total,
        "by_thread_pct": share(by_role),
        "by_library_pct": share(by_category),
        "top_leaf_frames_pct": share(leaves),
        "renda_frames_inclusive_pct": share(renda_inclusive),
    }


def _short(frame: str) -> str:
    """`func (/long/path/pkg/mod.py:12)` → `func (pkg/mod.py)`."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path = where.rsplit(":", 1)[0]
    parts = path.split("/")
    return f"{name} ({'/'.join(parts[-2:])})" if where else name
