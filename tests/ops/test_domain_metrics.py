"""The metrics the domain alerts and the dashboard's county panels read, as /metrics shows them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from runtime.clock import FixedClock
from tests.support.cycle import COUNTY, START, Cycle
from tests.support.system import start_in_process


@pytest.fixture
def cycle(tmp_path: Path) -> Iterator[Cycle]:
    clock = FixedClock(START)
    running = start_in_process(tmp_path / "var", clock=clock)
    yield Cycle(running, clock)
    running.stop()


def samples(cycle: Cycle, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    text = cycle.system.client.get("/metrics").get_data(as_text=True)
    return {
        tuple(sorted(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def open_assignments(cycle: Cycle) -> dict[str, float]:
    found = samples(cycle, "renda_open_assignments")
    return {
        colour: found.get((("colour", colour), ("tenant", COUNTY)), 0.0)
        for colour in ("white", "yellow", "red")
    }


def test_open_assignments_by_colour_follow_the_colour_tick(cycle: Cycle) -> None:
    sid = cycle.file()
    assignments = len(cycle.get(sid)["assignments"])
    assert assignments >= 1
    cycle.tick()
    assert open_assignments(cycle) == {"white": assignments, "yellow": 0, "red": 0}

    cycle.advance(95)  # past the deadline
    cycle.tick()
    assert cycle.get(sid)["colour"] == "red"
    assert open_assignments(cycle) == {"white": 0, "yellow": 0, "red": assignments}

    # Replied: no longer open, so the county's red count falls back to zero.
    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    cycle.tick()
    assert open_assignments(cycle) == {"white": 0, "yellow": 0, "red": 0}


def test_ticks_report_their_period_and_last_run(cycle: Cycle) -> None:
    periods = samples(cycle, "renda_tick_period_seconds")
    assert periods[(("tick", "workflow.deadline_colours"),)] == cycle.system.settings.tick_seconds
    before = time.time()
    cycle.tick()
    last = samples(cycle, "renda_tick_last_success_timestamp_seconds")
    assert last[(("tick", "workflow.deadline_colours"),)] >= before


def test_settled_receipts_are_counted_by_outcome(cycle: Cycle) -> None:
    def settled(outcome: str) -> float:
        return samples(cycle, "renda_receipts_settled_total").get((("outcome", outcome),), 0.0)

    accepted, rejected = settled("accepted"), settled("rejected")
    sid = cycle.file()
    assert settled("accepted") == accepted + 1
    cycle.refused(
        sid,
        "reply",
        {"reply_class": "A", "text": "已办理。"},
        as_=cycle.key("unit", "U450102-HRSS"),
    )
    assert (settled("accepted"), settled("rejected")) == (accepted + 1, rejected + 1)
