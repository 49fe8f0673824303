"""Notify's API: inbox pages, unread counts and marking read; webhook endpoints' bad input
as problem+json; preferences."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from services.notify.store import InboxMessage
from tests.support.system import InProcessSystem

UNIT = "unit:U450102-EDU"


def _messages(system: InProcessSystem, count: int) -> None:
    rt = system.runtime("notify")
    with rt.db.transaction() as session:
        for n in range(count):
            session.add(
                InboxMessage(
                    tenant="450102",
                    tenant_path="/4501/450102/",
                    recipient=UNIT,
                    kind="assignment.new",
                    subject=f"s{n}",
                    body="b",
                    event_id=f"e-{n}",
                    created_at=datetime.now(UTC),
                )
            )


def test_inbox_pages_counts_unread_and_marks_read(shared_api: InProcessSystem) -> None:
    system = shared_api
    _messages(system, 5)
    unit = system.headers("unit_450102_EDU")
    first = system.client.get(f"/notify/v1/inbox?recipient={UNIT}&limit=3", headers=unit)
    assert first.status_code == 200, first.get_json()
    page = first.get_json()
    assert page["unread"] == 5 and len(page["items"]) == 3 and page["next"]
    rest = system.client.get(
        f"/notify/v1/inbox?recipient={UNIT}&limit=3&before={page['next']}", headers=unit
    ).get_json()
    assert len(rest["items"]) == 2 and rest["next"] is None

    by_system = system.client.post(
        f"/notify/v1/inbox/{page['items'][0]['id']}/read", headers=system.headers()
    )
    assert by_system.status_code == 403
    read = system.client.post(f"/notify/v1/inbox/{page['items'][0]['id']}/read", headers=unit)
    assert read.status_code == 200 and read.get_json()["read_at"]
    after = system.client.get(f"/notify/v1/inbox?recipient={UNIT}", headers=unit).get_json()
    assert after["unread"] == 4
    done = system.client.post("/notify/v1/inbox/read-all", json={"recipient": UNIT}, headers=unit)
    assert done.get_json() == {"recipient": UNIT, "unread": 0, "marked": 4}


def test_a_webhook_endpoint_with_bad_input_gets_a_problem_naming_the_field(
    shared_api: InProcessSystem,
) -> None:
    system = shared_api
    cases = {
        "url": {"url": "ftp://example.cn/hook", "event_types": ["suggestion.assigned"]},
        "secret": {
            "url": "https://1.1.1.1/hook",
            "event_types": ["suggestion.assigned"],
            "secret": "whsec_c2hvcnQ=",
        },
        "event_types.0": {"url": "https://1.1.1.1/hook", "event_types": ["no.such"]},
    }
    for field, body in cases.items():
        answer = system.client.post("/notify/v1/webhooks", json=body, headers=system.headers())
        assert answer.status_code == 422, (field, answer.get_json())
        assert answer.mimetype == "application/problem+json"
        assert field in [e["field"] for e in answer.get_json()["errors"]]
    loopback = system.client.post(
        "/notify/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["suggestion.assigned"]},
        headers=system.headers(),
    )
    assert loopback.status_code == 422
    assert "loopback" in loopback.get_json()["errors"][0]["reason"]
    by_unit = system.client.post(
        "/notify/v1/webhooks", json=cases["url"], headers=system.headers("unit_450102_EDU")
    )
    assert by_unit.status_code == 403


def test_preferences_are_the_persons_own(shared_api: InProcessSystem) -> None:
    system = shared_api
    unit = system.headers("unit_450102_EDU")
    body = {
        "channels": ["wechat", "sms"],
        "fallback": True,
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    answer = system.client.put(f"/notify/v1/preferences/{UNIT}", json=body, headers=unit)
    assert answer.status_code == 200, answer.get_json()
    got = system.client.get(f"/notify/v1/preferences/{UNIT}", headers=unit).get_json()
    assert got["channels"] == ["wechat", "sms"] and got["quiet_end"] == "07:30"
    bad = system.client.put(
        f"/notify/v1/preferences/{UNIT}", json={**body, "quiet_end": None}, headers=unit
    )
    assert bad.status_code == 422
    other = system.client.put("/notify/v1/preferences/unit:U450102-HEALTH", json=body, headers=unit)
    assert other.status_code == 404


def test_a_tenants_own_words_replace_the_built_in_ones(system: InProcessSystem) -> None:
    committee = {
        "Authorization": "Bearer "
        + system.runtime("notify").directory.create_key("450102", "committee", label="test")
    }
    bad = system.client.put(
        "/notify/v1/templates/assignment.new",
        json={"subject": "{{ subject ", "body": "{{ body }}"},
        headers=committee,
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "subject"
    unknown = system.client.put(
        "/notify/v1/templates/no.such", json={"subject": "s", "body": "b"}, headers=committee
    )
    assert unknown.status_code == 404
    own = system.client.put(
        "/notify/v1/templates/assignment.new",
        json={
            "subject": "【兴宁区人大】{{ data.number }} {{ subject }}",
            "body": "{{ body }}请按时办理。",
        },
        headers=committee,
    )
    assert own.status_code == 200, own.get_json()
    system.settled_receipt(system.file().get_json()["id"])
    unit = system.headers("unit_450102_EDU")
    deadline = time.monotonic() + 10
    items: list = []
    while not items and time.monotonic() < deadline:
        items = system.client.get(f"/notify/v1/inbox?recipient={UNIT}", headers=unit).get_json()[
            "items"
        ]
        time.sleep(0.05)
    (message,) = items
    assert message["subject"].startswith("【兴宁区人大】450102-2026-0001 新交办建议")
    assert message["body"].endswith("请按时办理。")
