"""The whole system in this test process: SQLite files, the in-process bus, the demo city."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from renda.demo import ensure_seeded
from renda.processes import api_app, migrate, runtimes_for
from runtime.clock import Clock, FixedClock, SystemClock
from runtime.config import SERVICES, Settings
from runtime.context import ServiceRuntime, build_directory
from runtime.worker import Worker

GOOD_SUGGESTION: dict[str, Any] = {
    "lead_deputy_id": "D450102-001",
    "cosigner_ids": ["D450102-002"],
    "title": "关于增加城区小学学位的建议",
    "body": "兴宁区学位紧张，建议新建小学一所。",
    "category": "education",
    "occasion": "session",
    "session_name": "第十七届人民代表大会第三次会议",
}


@dataclass
class InProcessSystem:
    settings: Settings
    runtimes: list[ServiceRuntime]
    worker: Worker | None
    client: FlaskClient
    keys: dict[str, str] = field(default_factory=dict)

    def runtime(self, name: str) -> ServiceRuntime:
        return next(rt for rt in self.runtimes if rt.name == name)

    def headers(self, key_name: str = "county_system_450102", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[key_name]}", **extra}

    def file(
        self,
        body: dict[str, Any] | None = None,
        *,
        key_name: str = "county_system_450102",
        idempotency_key: str | None = None,
    ) -> Any:
        return self.client.post(
            "/intake/v1/suggestions",
            json=GOOD_SUGGESTION if body is None else body,
            headers=self.headers(
                key_name, **{"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
            ),
        )

    def settled_receipt(
        self, receipt_id: str, key_name: str = "county_system_450102", timeout: float = 15
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            receipt = self.client.get(
                f"/intake/v1/receipts/{receipt_id}", headers=self.headers(key_name)
            ).get_json()
            if receipt["status"] != "pending" or time.monotonic() > deadline:
                return receipt
            time.sleep(0.05)

    def stop(self) -> None:
        if self.worker:
            self.worker.stop()
        for rt in self.runtimes:
            rt.db.dispose()
        self.runtimes[0].directory.db.dispose()


def start_in_process(
    var_dir: Path, *, clock: Clock | None = None, with_worker: bool = True, **overrides: Any
) -> InProcessSystem:
    env = {
        "RENDA_VAR_DIR": str(var_dir),
        "RENDA_BUS_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        "RENDA_RETRY_DELAYS": "0.05,0.1",
        "RENDA_OUTBOX_POLL_SECONDS": "0.05",
    }
    settings = Settings.from_env(env, **overrides)
    var_dir.mkdir(parents=True, exist_ok=True)
    if not _copy_seeded(var_dir, env, clock, overrides):
        migrate(settings)
    runtimes = runtimes_for(list(SERVICES), settings, clock)
    keys = ensure_seeded(settings, runtimes[0].directory)
    worker = Worker(runtimes, settings) if with_worker else None
    if worker:
        worker.start()
    app = api_app(runtimes)
    return InProcessSystem(settings, runtimes, worker, app.test_client(), keys)


_seeded: dict[tuple[str, ...], Path] = {}
"""var/ directories migrated and seeded once per test session, by clock and overrides."""


def _copy_seeded(
    var_dir: Path, env: dict[str, str], clock: Clock | None, overrides: dict[str, Any]
) -> bool:
    """Start from a copy of a seeded var/ (its SQLite files and kept demo keys), as a restart
    of `renda run` does, instead of migrating and seeding again: that cost a second or more
    per test. Only for the SQLite files under var/, and for the system clock (seeded at the
    session's first start) or a fixed clock (seeded at the same instant); a var/ that has
    databases already (a restart in the test) is started as it is."""
    if "database_url" in overrides or not isinstance(clock, FixedClock | None):
        return False
    if any(var_dir.glob("*.db")):
        return False
    key = (clock.now().isoformat() if clock else "system", *sorted(map(repr, overrides.items())))
    if key not in _seeded:
        template = Path(tempfile.mkdtemp(prefix="renda-seeded-")) / "var"
        settings = Settings.from_env({**env, "RENDA_VAR_DIR": str(template)}, **overrides)
        migrate(settings)
        directory = build_directory(settings, FixedClock(clock.now()) if clock else SystemClock())
        ensure_seeded(settings, directory)
        directory.db.dispose()
        _seeded[key] = template
    shutil.copytree(_seeded[key], var_dir, dirs_exist_ok=True)
    return True


def drop_seeded_var_dirs() -> None:
    while _seeded:
        shutil.rmtree(_seeded.popitem()[1].parent, ignore_errors=True)
