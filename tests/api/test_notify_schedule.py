"""When messages go out: quiet hours hold an SMS until morning (a red key suggestion goes
through at once); a daily digest replaces single messages."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from contracts import REGISTRY, Event
from contracts.zone import SHANGHAI
from runtime.clock import FixedClock
from runtime.scheduler import run_tick
from runtime.work import WorkContext
from services.notify.admin import set_contact
from services.notify.handlers import HANDLERS
from services.notify.store import Delivery, Preference
from tests.support.fakes.sms import sms_gateway, texts
from tests.support.fakes.smtp import SmtpSink
from tests.support.system import InProcessSystem
from tests.unit.test_contracts import sample

UNIT = "unit:U450102-EDU"
LATE = datetime(2026, 12, 1, 23, 0, tzinfo=SHANGHAI)
MORNING = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def _wait(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _red_key_colour(system: InProcessSystem) -> None:
    event_type = REGISTRY.latest("assignment.colour_changed")
    data = {
        **sample(event_type),
        "tenant": "450102",
        "unit_id": "U450102-EDU",
        "colour": "red",
        "is_key": True,
    }
    event = Event(event_type.name, event_type.version, data, "450102", "/renda/workflow", "c")
    rt = system.runtime("notify")
    with rt.db.transaction() as session:
        ctx = WorkContext(session, rt.outbox, rt.clock, rt.directory, "c", event.id, "450102")
        HANDLERS[event.name](event, ctx)


def test_quiet_hours_hold_sms_until_morning_but_not_a_red_key_item(
    system_at: Callable[[datetime], tuple[InProcessSystem, FixedClock]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gateway = sms_gateway()
    monkeypatch.setenv("RENDA_SMS_URL", gateway.url + "/send")
    monkeypatch.setenv("RENDA_NOTIFY_POLL_SECONDS", "0.05")
    try:
        system, clock = system_at(LATE)
        rt = system.runtime("notify")
        set_contact(rt.db, clock, UNIT, None, "+8613800000000", None)
        with rt.db.transaction() as session:
            session.add(
                Preference(
                    recipient=UNIT,
                    channels=["sms"],
                    fallback=False,
                    quiet_start="22:00",
                    quiet_end="07:30",
                    updated_at=clock.now(),
                )
            )
        receipt = system.file().get_json()["id"]
        assert system.settled_receipt(receipt)["status"] == "accepted"
        _wait(lambda: _count(system) == 1)
        with rt.db.session() as session:
            held = session.query(Delivery).one()
        assert held.next_attempt_at == datetime(2026, 12, 2, 7, 30, tzinfo=LATE.tzinfo)

        _red_key_colour(system)
        _wait(lambda: len(texts(gateway)) == 1)
        assert "红色" in texts(gateway)[0]["text"]

        clock.advance(timedelta(hours=9))
        _wait(lambda: len(texts(gateway)) == 2)
        assert "新交办建议" in texts(gateway)[1]["text"]
    finally:
        gateway.stop()


def _count(system: InProcessSystem) -> int:
    with system.runtime("notify").db.session() as session:
        return session.query(Delivery).count()


def test_a_daily_digest_replaces_single_messages(
    system_at: Callable[[datetime], tuple[InProcessSystem, FixedClock]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp = SmtpSink().start()
    monkeypatch.setenv("RENDA_SMTP_URL", smtp.url)
    monkeypatch.setenv("RENDA_NOTIFY_POLL_SECONDS", "0.05")
    try:
        system, clock = system_at(MORNING)
        rt = system.runtime("notify")
        set_contact(rt.db, clock, UNIT, "edu@example.cn", None, None)
        unit = system.headers("unit_450102_EDU")
        answer = system.client.put(
            f"/notify/v1/preferences/{UNIT}",
            json={"channels": ["email"], "digest_at": "18:00"},
            headers=unit,
        )
        assert answer.status_code == 200, answer.get_json()
        for n in range(2):
            receipt = system.file(idempotency_key=f"k{n}").get_json()["id"]
            assert system.settled_receipt(receipt)["status"] == "accepted"
        _wait(lambda: _count(system) == 2)
        assert _digest_tick(system) and smtp.messages == []

        clock.advance(timedelta(hours=9))
        _digest_tick(system)
        _wait(lambda: len(smtp.messages) == 1)
        (mail,) = smtp.messages
        assert "每日汇总（2 条）" in mail["Subject"]
        assert mail.get_body(("plain",)).get_content().count("新交办建议") == 2
        _digest_tick(system)
        time.sleep(0.5)
        assert len(smtp.messages) == 1
    finally:
        smtp.stop()


def _digest_tick(system: InProcessSystem) -> bool:
    rt = system.runtime("notify")
    return run_tick(
        "notify.digests", rt.spec.ticks["notify.digests"], rt.db, rt.outbox, rt.clock, rt.directory
    )
