"""2f: `renda run`, the one process a newcomer judges renda by (in-process bus, SQLite).

Starts `renda run` on its own var/ directory, files N suggestions from 8 threads as fast as
it takes them, and times until every one is fully processed: its receipt accepted (workflow
took it and assigned it) and every service's outbox relayed. Also run twice in one process
lifetime, the second time beside the first's RSS: what a leak would look like.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.infra import BIN, REPO, Child, Cleanup, CpuMeter, free_port, percentile, wait_http
from bench.loadgen import Target, post_many
from bench.system import PATH, SUGGESTION
from runtime.config import SERVICES


class Standalone:
    def __init__(self, workdir: Path, cleanup: Cleanup) -> None:
        self.var = workdir / "standalone-var"
        self.port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RENDA_", "PROMETHEUS_", "GUNICORN_")) and k != "PORT"
        }
        env.update(
            PORT=str(self.port),
            RENDA_VAR_DIR=str(self.var),
            PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p),
        )
        self.child = Child("standalone", [str(BIN / "renda"), "run"], env, workdir)
        cleanup.push("stop standalone", self.child.stop)
        wait_http(self.child, self.port, "/readyz", timeout=120)
        keys = json.loads((self.var / "demo-keys.json").read_text())
        self.key = keys["county_system_450102"]

    def file(self, n: int, tag: str, timeout: float) -> dict[str, Any]:
        target = Target(
            port=self.port,
            path=PATH,
            body=json.dumps(SUGGESTION).encode(),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
            key_prefix=f"standalone-{tag}",
        )
        meter = CpuMeter({"standalone": self.child})
        started = time.time()
        posted = post_many(target, n, concurrency=8, deadline_s=timeout)
        posted_at = time.time()
        ids = [body["id"] for _, status, body in posted if status == 202]
        settled, drained_at = self._wait(ids, started + timeout)
        cpu = meter.stop()
        done = time.time()
        latencies = [1000 * (at - sent) for sent, at in settled.values()]
        return {
            "suggestions": n,
            "accepted_202": len(ids),
            "settled_accepted": len(settled),
            "post_s": round(posted_at - started, 3),
            "processed_s": round((drained_at or done) - started, 3),
            "fully_processed": len(settled) == n and drained_at is not None,
            "suggestions_per_s": len(settled) / ((drained_at or done) - started),
            "settle_p50_ms": percentile(latencies, 50),
            "settle_p99_ms": percentile(latencies, 99),
            "cpu_ms_per_suggestion": 1000 * cpu["cpu_s"].get("standalone", 0.0) / max(1, n),
            "rss_mb": sum(self.child.rss_bytes().values()) / 2**20,
            "applied_once": self._applied_once(list(settled), len(ids)),
        }

    def _applied_once(self, accepted: list[str], posted: int) -> dict[str, Any]:
        """As 2b checks it: every 202 accepted, each exactly one suggestion in workflow."""
        counts = dict(
            self._sql(
                "workflow",
                "SELECT submission_id, count(*) FROM suggestions GROUP BY submission_id",
            )
        )
        once = sum(1 for sid in accepted if counts.get(sid) == 1)
        return {
            "posted": posted,
            "accepted": len(accepted),
            "applied_once": once,
            "ok": posted == len(accepted) == once,
        }

    def _wait(
        self, ids: list[str], deadline: float
    ) -> tuple[dict[str, tuple[float, float]], float | None]:
        """Receipts accepted (created and updated time each), and when every outbox was empty."""
        wanted = set(ids)
        settled: dict[str, tuple[float, float]] = {}
        while time.time() < deadline:
            rows = self._sql(
                "intake",
                "SELECT id, status, created_at, updated_at FROM submissions "
                "WHERE status != 'pending'",
            )
            for rid, status, created, updated in rows:
                if rid in wanted and status == "accepted":
                    settled[rid] = (_epoch(created), _epoch(updated))
            if len(settled) == len(wanted) and not self._pending_events():
                return settled, time.time()
            time.sleep(0.05)
        return settled, None

    def _pending_events(self) -> int:
        return sum(
            self._sql(s, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
            for s in SERVICES
        )

    def _sql(self, service: str, statement: str) -> list[tuple]:
        with sqlite3.connect(f"file:{self.var / service}.db?mode=ro", uri=True, timeout=10) as c:
            return c.execute(statement).fetchall()


def _epoch(text: str) -> float:
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def measure(workdir: Path, cleanup: Cleanup, n: int, timeout: float) -> dict[str, Any]:
    system = Standalone(workdir, cleanup)
    try:
        system.file(1, "warm", min(timeout, 30))
        first = system.file(n, "first", timeout)
        second = system.file(n, "second", timeout)
    finally:
        system.child.stop()
    return {"first": first, "second": second, "rss_growth_mb": second["rss_mb"] - first["rss_mb"]}
