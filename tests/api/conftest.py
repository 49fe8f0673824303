"""Shared pieces of the API tests.

`system` and `api_only` (tests/conftest.py) give a fresh system per test; tests that only
read, or that count rows before and after themselves, share one per module to stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from runtime.clock import FixedClock
from tests.support.system import InProcessSystem, start_in_process


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessSystem]:
    """The APIs without a worker, shared by a module's tests (each counts its own rows)."""
    running = start_in_process(tmp_path_factory.mktemp("shared_api") / "var", with_worker=False)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessSystem]:
    """The whole system, shared by a module's tests (each uses its own deputies/tenants)."""
    running = start_in_process(tmp_path_factory.mktemp("shared_system") / "var")
    yield running
    running.stop()


@pytest.fixture
def system_at(tmp_path: Path) -> Iterator[Callable[[datetime], tuple[InProcessSystem, FixedClock]]]:
    """A whole system whose clock stands at a chosen moment (and moves when told)."""
    started: list[InProcessSystem] = []

    def start(at: datetime) -> tuple[InProcessSystem, FixedClock]:
        clock = FixedClock(at)
        running = start_in_process(tmp_path / f"var{len(started)}", clock=clock)
        started.append(running)
        return running, clock

    yield start
    for running in started:
        running.stop()
