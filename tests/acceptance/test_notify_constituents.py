"""The constituent is told by SMS (docs/domain.md §7, ADR 0011): when their opinion is sent
up, adopted by a deputy and closed, at the phone they left, which is opened only to send
and appears in clear nowhere else: not in logs, on the bus, or in the delivery log."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from contracts.zone import SHANGHAI
from runtime.clock import FixedClock
from services.notify.store import Delivery
from tests.acceptance.test_opinions import COUNTY, STATION, act, leave, new_code
from tests.support.cycle import START, Cycle
from tests.support.fakes.http import FakeServer
from tests.support.fakes.sms import sms_gateway, texts
from tests.support.system import start_in_process

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Cycle, FakeServer]]:
    gateway = sms_gateway()
    monkeypatch.setenv("RENDA_SMS_URL", gateway.url + "/send")
    monkeypatch.setenv("RENDA_NOTIFY_POLL_SECONDS", "0.05")
    clock = FixedClock(START)
    running = start_in_process(tmp_path / "var", clock=clock)
    yield Cycle(running, clock), gateway
    running.stop()
    gateway.stop()


def _wait(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_constituent_hears_of_escalation_adoption_and_outcome_by_sms(
    told: tuple[Cycle, FakeServer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cycle, gateway = told
    station = cycle.key("system", node=STATION)
    code = new_code(cycle)
    opinion = leave(cycle, code["token"], "建议学校门口设置护学岗", phone=PHONE)
    oid, public_code = opinion["opinion_id"], opinion["public_code"]

    escalate = act(cycle, oid, "escalate", {"reason": "需街道协调"}, as_=station)
    assert escalate["status"] == "accepted"
    _wait(lambda: len(texts(gateway)) == 1)
    (escalated,) = texts(gateway)
    assert escalated["to"] == PHONE
    assert public_code in escalated["text"] and "乡镇（街道）" in escalated["text"]

    sid = cycle.file(source_opinion_id=oid, category="education")
    deputy = cycle.key("deputy", "D450102-001")
    assert act(cycle, oid, "adopt", {"suggestion_id": sid}, as_=deputy)["status"] == "accepted"
    _wait(lambda: len(texts(gateway)) == 2)
    assert texts(gateway)[1]["to"] == PHONE
    assert "采纳为代表建议" in texts(gateway)[1]["text"]

    # A second opinion, resolved after dark: its SMS waits for the end of the quiet hours.
    other = leave(cycle, code["token"], "小区路灯坏了", phone=PHONE)
    evening = datetime(2026, 3, 2, 22, 30, tzinfo=SHANGHAI)
    cycle.clock.advance(evening - cycle.clock.now())
    resolved = act(cycle, other["opinion_id"], "resolve", {"reply": "路灯已修复"}, as_=station)
    assert resolved["status"] == "accepted"
    _wait(lambda: _pending(cycle) == 1)
    time.sleep(0.3)
    assert len(texts(gateway)) == 2
    cycle.clock.advance(timedelta(hours=10))  # 08:30 the next morning
    _wait(lambda: len(texts(gateway)) == 3)
    assert "已办结" in texts(gateway)[2]["text"] and "路灯已修复" in texts(gateway)[2]["text"]
    assert texts(gateway)[2]["to"] == PHONE

    # The committee reads the delivery log: the constituent's phone is not in it.
    log = cycle.system.client.get(
        "/notify/v1/deliveries", headers=cycle.system.headers(cycle.key("committee", node=COUNTY))
    ).get_json()
    sms = [d for d in log["items"] if d["recipient"].startswith("constituent:")]
    assert len(sms) == 3 and {d["status"] for d in sms} == {"delivered"}
    assert PHONE not in json.dumps(log)
    with cycle.system.runtime("notify").db.session() as session:
        rows = session.query(Delivery).filter(Delivery.recipient.like("constituent:%")).all()
        assert {row.address for row in rows} == {MASKED}
        assert [row.payload for row in rows] == [None, None, None]  # the ciphertext is gone

    # Nowhere else in clear: logs, every service's outbox, the events' payloads.
    assert PHONE not in caplog.text
    assert not [e for e in _stored_events(cycle) if PHONE in e]


def test_a_tenant_sets_its_constituents_quiet_hours_sms_only(
    told: tuple[Cycle, FakeServer],
) -> None:
    cycle, _ = told
    committee = cycle.system.headers(cycle.key("committee", node=COUNTY))
    url = f"/notify/v1/preferences/constituents:{COUNTY}"
    default = cycle.system.client.get(url, headers=committee).get_json()
    assert (default["channels"], default["quiet_start"], default["quiet_end"]) == (
        ["sms"],
        "21:00",
        "08:00",
    )
    wechat = cycle.system.client.put(url, json={"channels": ["wechat"]}, headers=committee)
    assert wechat.status_code == 422
    assert wechat.get_json()["errors"][0]["field"] == "channels"
    ok = cycle.system.client.put(
        url,
        json={"channels": ["sms"], "quiet_start": "22:00", "quiet_end": "07:00"},
        headers=committee,
    )
    assert ok.status_code == 200, ok.get_json()
    assert cycle.system.client.get(url, headers=committee).get_json()["quiet_start"] == "22:00"
    unit = cycle.system.headers(cycle.key("unit", "U450102-EDU"))
    assert cycle.system.client.put(url, json={"channels": []}, headers=unit).status_code == 404


def _pending(cycle: Cycle) -> int:
    with cycle.system.runtime("notify").db.session() as session:
        return (
            session.query(Delivery)
            .filter(Delivery.recipient.like("constituent:%"), Delivery.status == "pending")
            .count()
        )


def _stored_events(cycle: Cycle) -> list[str]:
    found = []
    for name in ("intake", "workflow", "scoring", "notify"):
        rt = cycle.system.runtime(name)
        with rt.db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT payload FROM outbox").all()
        found += [json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows]
    return found
