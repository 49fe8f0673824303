from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime.clock import FixedClock
from tests.support.cycle import START, Cycle
from tests.support.system import start_in_process


@pytest.fixture
def cycle(tmp_path: Path) -> Iterator[Cycle]:
    """The whole system in this process on a clock that moves only when told."""
    clock = FixedClock(START)
    running = start_in_process(tmp_path / "var", clock=clock)
    yield Cycle(running, clock)
    running.stop()
