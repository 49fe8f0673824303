from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.workflow import working_days
from tests.support.cluster import drop_seeded_template
from tests.support.system import InProcessSystem, drop_seeded_var_dirs, start_in_process


@pytest.fixture(scope="session", autouse=True)
def _seeded_templates_removed() -> Iterator[None]:
    """The seeded templates that systems and clusters were copied from, when made."""
    yield
    drop_seeded_template()
    drop_seeded_var_dirs()


@pytest.fixture(autouse=True)
def _calendar_of_this_test_only() -> Iterator[None]:
    """A system started in a test has deadlines read its directory's holiday schedules;
    the next test must not read a database that is gone."""
    yield
    working_days.use_official_schedules(None)


@pytest.fixture
def system(tmp_path: Path) -> Iterator[InProcessSystem]:
    """The whole system in this process, with its worker running."""
    running = start_in_process(tmp_path / "var")
    yield running
    running.stop()


@pytest.fixture
def api_only(tmp_path: Path) -> Iterator[InProcessSystem]:
    """The APIs without a worker: what intake stored stays where it is, for inspection."""
    running = start_in_process(tmp_path / "var", with_worker=False)
    yield running
    running.stop()
