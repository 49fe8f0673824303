"""Each service as its own processes (gunicorn API + worker) on the real broker and database.

Starting a cluster is most of what an integration test costs, so two things are done once or
at once: the databases are copied from a migrated and seeded template made once per test
session (`seeded_template`), and the processes a test starts come up side by side — `start_*`
spawns and returns, and the cluster waits for all of them to be ready before it does the next
thing the test asks of it (a URL, a request, a kill, its settings or a count).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from runtime.config import SERVICES, Settings
from tests.support.infra import AMQP_URL, PostgresDatabases, free_port, run_id
from tests.support.system import GOOD_SUGGESTION

BIN = Path(sys.executable).parent


@dataclass
class Cluster:
    log_dir: Path
    prefix: str = field(default_factory=lambda: f"rt{run_id()}")
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    starting: list[str] = field(default_factory=list)
    """Spawned, not yet seen ready: waited for (together) before the test's next request."""

    def __post_init__(self) -> None:
        self.databases = PostgresDatabases(self.prefix)

    # -- configuration -------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RENDA_", "PROMETHEUS_")) and k != "PORT"
        }
        env.update(
            RENDA_DATABASE_URL=self.databases.url,
            RENDA_BROKER_URL=AMQP_URL,
            RENDA_BUS_PREFIX=self.prefix,
            RENDA_RETRY_DELAYS="0.3,0.6,1.2",
            RENDA_OUTBOX_POLL_SECONDS="0.05",
            RENDA_KEY_CACHE_SECONDS="1",
            RENDA_VAR_DIR=str(self.log_dir / "var"),
            WEB_CONCURRENCY="1",
        )
        env.update(self.extra_env)
        env.update(extra)
        return env

    @property
    def settings(self) -> Settings:
        self.ready()
        return Settings.from_env(self.env())

    def setup(self) -> None:
        """Databases copied from the session's seeded template, with its keys and var/."""
        template = seeded_template()
        self.databases.create(template=template.databases)
        self.keys.update(template.keys)
        shutil.copytree(template.log_dir / "var", self.log_dir / "var", dirs_exist_ok=True)

    def migrate_and_seed(self) -> None:
        self.databases.create()
        subprocess.run([BIN / "renda", "migrate", "all"], env=self.env(), check=True)
        seeded = subprocess.run(
            [BIN / "renda", "seed"], env=self.env(), check=True, capture_output=True, text=True
        )
        for line in seeded.stdout.splitlines():
            name, _, value = line.partition(": ")
            self.keys[name] = value

    # -- processes -------------------------------------------------------------------------
    def start_api(self, service: str) -> None:
        port = self.ports.setdefault(f"{service}-api", free_port())
        self._spawn(f"{service}-api", ["api", service], PORT=str(port))
        self.starting.append(f"{service}-api")

    def start_worker(self, service: str, **extra: str) -> None:
        port = self.ports.setdefault(f"{service}-worker", free_port())
        self._spawn(f"{service}-worker", ["worker", service], RENDA_WORKER_PORT=str(port), **extra)
        self.starting.append(f"{service}-worker")

    def start_all(self) -> None:
        for service in SERVICES:
            self.start_worker(service)
        for service in SERVICES:
            self.start_api(service)
        self.ready()

    def ready(self) -> None:
        """Wait until every process started and not yet waited for answers /readyz."""
        names, self.starting = self.starting, []
        if names:
            with ThreadPoolExecutor(len(names)) as pool:
                list(pool.map(self.wait_ready, names))

    def _spawn(self, name: str, args: list[str], **extra: str) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        self.processes[name] = subprocess.Popen(
            [BIN / "renda", *args],
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, name: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.ports[name]}/readyz"
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{self.log(name)}")
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet, or busy starting
            time.sleep(0.05)
        raise TimeoutError(f"{name} not ready:\n{self.log(name)}")

    def wait_exit(self, name: str, timeout: float = 30) -> int:
        self.ready()
        return self.processes[name].wait(timeout)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        self.ready()
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(20)

    def stop(self) -> None:
        """Every process told to stop at once, then waited for (killed after 20 s)."""
        self.starting.clear()
        stopping = list(self.processes.values())
        self.processes.clear()
        for process in stopping:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in stopping:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(20)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # -- HTTP ------------------------------------------------------------------------------
    def url(self, name: str, path: str) -> str:
        self.ready()
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def headers(self, key_name: str = "county_system_450102") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[key_name]}"}

    def file(self, body: dict[str, Any] | None = None, idempotency_key: str | None = None) -> Any:
        response = requests.post(
            self.url("intake-api", "/intake/v1/suggestions"),
            json=body or GOOD_SUGGESTION,
            headers={**self.headers(), "Idempotency-Key": idempotency_key or uuid.uuid4().hex},
            timeout=10,
        )
        return response

    def get(self, service: str, path: str) -> Any:
        return requests.get(self.url(f"{service}-api", path), headers=self.headers(), timeout=10)

    def settled(self, receipt_ids: list[str], timeout: float = 60) -> dict[str, dict]:
        """Poll until every receipt has left `pending` (or time runs out)."""
        deadline = time.monotonic() + timeout
        settled: dict[str, dict] = {}
        while time.monotonic() < deadline and len(settled) < len(receipt_ids):
            for receipt_id in receipt_ids:
                if receipt_id in settled:
                    continue
                receipt = self.get("intake", f"/intake/v1/receipts/{receipt_id}").json()
                if receipt["status"] != "pending":
                    settled[receipt_id] = receipt
            time.sleep(0.2)
        return settled

    def metric(self, name: str, metric_line_prefix: str) -> float:
        """Sum of the samples at a process's /metrics whose line starts with the prefix."""
        text = requests.get(self.url(name, "/metrics"), timeout=5).text
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith(metric_line_prefix)
        )

    def count(self, service: str, sql: str, *params: object) -> int:
        self.ready()
        return int(self.databases.query(service, sql, *params)[0][0])


_templates: list[Cluster] = []


def seeded_template() -> Cluster:
    """Databases migrated and seeded once per test session (per pytest-xdist worker), copied
    by every cluster; its processes are never started, so nothing is connected to it."""
    if not _templates:
        template = Cluster(
            log_dir=Path(tempfile.mkdtemp(prefix="renda-template-")), prefix=f"rtpl{run_id()}"
        )
        try:
            template.migrate_and_seed()
        except BaseException:
            drop(template)
            raise
        _templates.append(template)
    return _templates[0]


def drop_seeded_template() -> None:
    while _templates:
        drop(_templates.pop())


def drop(template: Cluster) -> None:
    template.databases.drop()
    shutil.rmtree(template.log_dir, ignore_errors=True)


def dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=str)
