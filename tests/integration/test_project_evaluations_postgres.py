"""A deputy's evaluations of a completed project sent at the same moment, on PostgreSQL with
real concurrency (SQLite's one writer makes it trivially true): the register takes one, the
rest are refused 409 naming the deputy, never a 500."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from renda.demo import deputy_id
from runtime.clock import FixedClock
from tests.acceptance.test_project_evaluations import GOOD, complete, post, refused
from tests.support.cycle import START, Cycle
from tests.support.infra import PostgresDatabases, run_id
from tests.support.projects import an_implementing_project
from tests.support.system import start_in_process

pytestmark = pytest.mark.integration


@pytest.fixture
def on_postgres(infrastructure: None, tmp_path: Path) -> Iterator[Cycle]:
    databases = PostgresDatabases(f"ev{run_id()}")
    databases.create()
    clock = FixedClock(START)
    running = start_in_process(tmp_path / "var", clock=clock, database_url=databases.url)
    try:
        yield Cycle(running, clock)
    finally:
        running.stop()
        databases.drop()


def test_a_deputys_evaluations_sent_at_once_count_once_the_rest_refused(
    on_postgres: Cycle,
) -> None:
    cycle = on_postgres
    project_id = an_implementing_project(cycle.system)
    complete(cycle, project_id, cycle.key("committee", node="450102"))
    path = f"/intake/v1/projects/{project_id}/evaluations"
    deputy = cycle.key("deputy", deputy_id("450102", 1))
    start = threading.Barrier(6)

    def one(_: int) -> Any:
        start.wait(10)
        return post(cycle, path, GOOD, deputy)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(one, range(6)))
    assert Counter(a.status_code for a in answers) == {202: 1, 409: 5}
    for answer in (a for a in answers if a.status_code == 409):
        assert "has evaluated this project already" in refused(answer, 409, "deputy_id")
