"""Opinions on PostgreSQL: the migrations, the shared rate-limit counter under concurrent
requests (the upsert is exact across threads), and the route's ticks."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from runtime.scheduler import run_tick
from services.workflow.opinions.store import Opinion
from tests.support.browser import serving
from tests.support.infra import PostgresDatabases, run_id
from tests.support.system import start_in_process

pytestmark = pytest.mark.integration
ALLOWED = 40


def test_limits_and_the_register_on_postgres(infrastructure: None, tmp_path: Path) -> None:
    databases = PostgresDatabases(f"op{run_id()}")
    databases.create()
    system = start_in_process(
        tmp_path / "var",
        database_url=databases.url,
        opinion_rate_per_address=ALLOWED,
        opinion_rate_per_token=10_000,
    )
    try:
        code = system.client.post(
            "/intake/v1/opinion-codes",
            json={"station_id": "450102001-S1"},
            headers=system.headers(),
        ).get_json()
        with serving(system.client.application) as base, ThreadPoolExecutor(10) as pool:
            statuses = Counter(
                pool.map(
                    lambda n: (
                        requests.post(
                            f"{base}/intake/v1/public/opinions",
                            json={"code": code["token"], "text": f"第{n}条意见"},
                            timeout=60,
                        ).status_code
                    ),
                    range(60),
                )
            )
        assert statuses == {202: ALLOWED, 429: 60 - ALLOWED}, statuses
        workflow = system.runtime("workflow")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with workflow.db.session() as session:
                if session.scalar(select(func.count()).select_from(Opinion)) == ALLOWED:
                    break
            time.sleep(0.2)
        for name, tick in workflow.spec.ticks.items():
            assert run_tick(
                name, tick, workflow.db, workflow.outbox, workflow.clock, workflow.directory
            )
        with workflow.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Opinion)) == ALLOWED
    finally:
        system.stop()
        databases.drop()
