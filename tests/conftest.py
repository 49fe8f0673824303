from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.workflow import working_days
from tests.support.cluster import drop_seeded_template
from tests.support.system import InProcessSystem, drop_seeded_var_dirs, start_in_process


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """How `make test` shares the tests out between its two pytest-xdist workers
    (`--dist loadgroup`): a module's tests stay together, so that its module-scoped system
    starts once; every test on the real RabbitMQ and PostgreSQL (anything that needs
    `infrastructure`) goes to one worker, one after the other as without xdist, since one
    of them stops the broker and others count what is on it. That group is the longest,
    so it is handed out first (`--no-loadscope-reorder` keeps this order) while the other
    worker takes the modules one by one."""
    real = {item for item in items if "infrastructure" in getattr(item, "fixturenames", ())}
    for item in items:
        # The group's name ends each test's id in xdist's reports: kept short. Modules of
        # the same name in two folders share a group: harmless.
        group = "real-infrastructure" if item in real else item.path.stem
        item.add_marker(pytest.mark.xdist_group(group))
    if config.getvalue("loadgroup"):  # set on the workers of `--dist loadgroup`
        items.sort(key=lambda item: item not in real)  # stable: otherwise as collected


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
