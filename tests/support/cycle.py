"""Driving a suggestion through its cycle as the committee, the units and the deputies do."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from runtime.clock import FixedClock
from runtime.scheduler import run_tick
from tests.support.system import GOOD_SUGGESTION, InProcessSystem

COUNTY = "450102"
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Nanning


@dataclass
class Cycle:
    system: InProcessSystem
    clock: FixedClock

    def key(self, role: str, subject: str | None = None, node: str = COUNTY) -> str:
        name = f"{role}:{subject or node}"
        if name not in self.system.keys:
            self.system.keys[name] = self.system.runtime("intake").directory.create_key(
                node, role, subject=subject
            )
        return name

    def file(self, **changes: Any) -> str:
        answer = self.system.file({**GOOD_SUGGESTION, **changes})
        assert answer.status_code == 202, answer.get_json()
        receipt = self.system.settled_receipt(answer.get_json()["id"])
        assert receipt["status"] == "accepted", receipt
        return receipt["resource"]["id"]

    def act(self, suggestion_id: str, action: str, body: dict, *, as_: str) -> dict:
        """Post an action through intake and wait for its receipt to settle."""
        answer = self.system.client.post(
            f"/intake/v1/suggestions/{suggestion_id}/{action.replace('_', '-')}",
            json=body,
            headers=self.system.headers(as_, **{"Idempotency-Key": uuid.uuid4().hex}),
        )
        assert answer.status_code == 202, answer.get_json()
        return self.system.settled_receipt(answer.get_json()["id"], key_name=as_)

    def ok(self, suggestion_id: str, action: str, body: dict, *, as_: str) -> None:
        receipt = self.act(suggestion_id, action, body, as_=as_)
        assert receipt["status"] == "accepted", receipt

    def refused(self, suggestion_id: str, action: str, body: dict, *, as_: str) -> dict:
        receipt = self.act(suggestion_id, action, body, as_=as_)
        assert receipt["status"] == "rejected", receipt
        return receipt

    def get(self, suggestion_id: str, as_: str = "county_system_450102") -> dict:
        answer = self.system.client.get(
            f"/workflow/v1/suggestions/{suggestion_id}", headers=self.system.headers(as_)
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def inbox(self, recipient: str) -> list[dict]:
        answer = self.system.client.get(
            f"/notify/v1/inbox?recipient={recipient}&limit=500", headers=self.system.headers()
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["items"]

    def points(self, deputy_id: str) -> int:
        answer = self.system.client.get(
            f"/scoring/v1/deputies/{deputy_id}/points", headers=self.system.headers()
        )
        return answer.get_json()["total"]

    def advance(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))

    def tick(self) -> None:
        """Run workflow's scheduled work now, as the worker would."""
        rt = self.system.runtime("workflow")
        for name, tick in rt.spec.ticks.items():
            assert run_tick(name, tick, rt.db, rt.outbox, rt.clock, rt.directory)

    def settle(self) -> None:
        """Let the events of the last tick reach their consumers."""
        time.sleep(0.6)

    # The usual handling, as the lead unit does it before replying.
    def handle_and_reply(self, sid: str, unit: str, reply_class: str = "A") -> None:
        unit_key = self.key("unit", unit)
        self.ok(
            sid, "record", {"kind": "contact", "stage": "before", "text": "电话沟通"}, as_=unit_key
        )
        self.ok(sid, "reply", {"reply_class": reply_class, "text": "已办理。"}, as_=unit_key)

    def rate(self, sid: str, deputy_id: str, attitude: str, result: str) -> None:
        self.ok(
            sid,
            "evaluate",
            {"attitude": attitude, "result": result},
            as_=self.key("deputy", deputy_id),
        )
