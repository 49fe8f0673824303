"""Consultations on draft laws (docs/domain.md §8): a draft through plan, publicity,
collection, reports and the report back, with two contact points; what the public, the
contact points, the committee and the contributors see."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from runtime.clock import FixedClock
from services.notify.store import Delivery
from tests.support.cycle import START, Cycle
from tests.support.fakes.http import FakeServer
from tests.support.fakes.sms import sms_gateway, texts
from tests.support.system import start_in_process

COUNTY = "450102"
S1, S2 = "450102001-S1", "450102002-S1"
OTHER_DISTRICT_STATION = "450103001-S1"
NOT_TAKING_PART = "450102100"
PHONE, OTHER_PHONE = "13812341234", "13900001111"
DEADLINE = date(2026, 3, 16)
PLAN = {
    "title": "南宁市城市绿化条例（修订草案征求意见稿）",
    "issuing_body": "南宁市人大常委会法制工作委员会",
    "articles": [
        {"heading": "第一条", "text": "为了促进城市绿化事业的发展，制定本条例。"},
        {"heading": "第二条", "text": "本条例适用于本市城市规划区内的绿化规划、建设、保护和管理。"},
        {"heading": "第三条", "text": "任何单位和个人不得擅自砍伐城市树木。"},
    ],
    "deadline": DEADLINE.isoformat(),
    "contact_points": [
        {"station_id": S1, "deputy_ids": ["D450102001-001"]},
        {"station_id": S2, "deputy_ids": ["D450102002-001"]},
    ],
    "questions": ["第三条的审批程序是否可行？"],
}


@pytest.fixture
def gateway() -> Iterator[FakeServer]:
    server = sms_gateway()
    yield server
    server.stop()


@pytest.fixture
def told(tmp_path: Path, gateway: FakeServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cycle]:
    """The whole system in this process, texting through the fake SMS gateway."""
    monkeypatch.setenv("RENDA_SMS_URL", gateway.url + "/send")
    monkeypatch.setenv("RENDA_NOTIFY_POLL_SECONDS", "0.05")
    running = start_in_process(tmp_path / "var", clock=FixedClock(START))
    yield Cycle(running, running.runtimes[0].clock)  # type: ignore[arg-type]
    running.stop()


def _post(cycle: Cycle, path: str, body: dict, as_: str) -> dict:
    answer = cycle.system.client.post(
        path, json=body, headers=cycle.system.headers(as_, **{"Idempotency-Key": uuid.uuid4().hex})
    )
    assert answer.status_code == 202, answer.get_json()
    return cycle.system.settled_receipt(answer.get_json()["id"], key_name=as_)


def plan(cycle: Cycle, **changes: object) -> str:
    committee = cycle.key("committee", node=COUNTY)
    receipt = _post(cycle, "/intake/v1/consultations", {**PLAN, **changes}, committee)
    assert receipt["status"] == "accepted", receipt
    assert receipt["resource"]["number"] == "450102-2026-01"
    return receipt["resource"]["id"]


def act(cycle: Cycle, cid: str, action: str, body: dict, as_: str) -> dict:
    return _post(cycle, f"/intake/v1/consultations/{cid}/{action}", body, as_)


def ok(cycle: Cycle, cid: str, action: str, body: dict, as_: str) -> None:
    receipt = act(cycle, cid, action, body, as_)
    assert receipt["status"] == "accepted", receipt


def post_public(cycle: Cycle, cid: str, body: dict):  # type: ignore[no-untyped-def]
    """The public page's post; the door opens once intake heard of the draft."""
    deadline = time.monotonic() + 10
    while True:
        answer = cycle.system.client.post(
            f"/intake/v1/public/consultations/{cid}/opinions", json=body
        )
        if answer.status_code != 404 or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def leave(cycle: Cycle, cid: str, **body: object) -> str:
    answer = post_public(cycle, cid, body)
    assert answer.status_code == 202, answer.get_json()
    receipt = cycle.system.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "accepted", receipt
    return answer.get_json()["public_code"]


def get(cycle: Cycle, path: str, as_: str | None = None):  # type: ignore[no-untyped-def]
    headers = cycle.system.headers(as_) if as_ else {}
    return cycle.system.client.get(path, headers=headers)


def _wait(check, timeout: float = 10) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_draft_through_the_five_steps(
    told: Cycle, gateway: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cycle = told
    committee = cycle.key("committee", node=COUNTY)
    point1, point2 = cycle.key("system", node=S1), cycle.key("system", node=S2)
    deputy = cycle.key("deputy", "D450102002-001", node="450102002")

    # 1 Plan, 2 publicise: the public page, article by article; the deputies are told.
    cid = plan(cycle)
    page = get(cycle, f"/workflow/v1/public/consultations/{cid}").get_json()
    assert [a["heading"] for a in page["articles"]] == ["第一条", "第二条", "第三条"]
    assert (page["open"], page["deadline"], page["questions"]) == (
        True,
        "2026-03-16",
        PLAN["questions"],
    )
    _wait(lambda: any("征求意见" in m["subject"] for m in cycle.inbox("deputy:D450102001-001")))

    # 3 Collect: the public page, a forum, a visit, a deputy.
    first = leave(
        cycle, cid, station_id=S1, article=1, text="第一条应写明立法依据", name="张三", phone=PHONE
    )
    duplicate = leave(
        cycle, cid, station_id=S1, article=1, text="第一条要写上依据哪部法律", phone=OTHER_PHONE
    )
    leave(cycle, cid, station_id=S2, article=3, text="砍伐审批应公示")
    ok(
        cycle,
        cid,
        "record-gathering",
        {
            "station_id": S1,
            "kind": "forum",
            "held_on": "2026-03-02",
            "participants": 12,
            "opinions": [
                {"article": 2, "text": "适用范围应包括乡镇建成区"},
                {"article": None, "text": "总体赞同，建议加快出台"},
            ],
        },
        point1,
    )
    ok(
        cycle,
        cid,
        "record-gathering",
        {
            "station_id": S2,
            "kind": "visit",
            "held_on": "2026-03-02",
            "participants": 5,
            "opinions": [{"article": 2, "text": "老旧小区绿化也应纳入"}],
        },
        point2,
    )
    ok(
        cycle,
        cid,
        "record-opinion",
        {"station_id": S2, "article": 3, "text": "应明确补植责任"},
        deputy,
    )

    # The phone in clear: only in the contact point's handling record.
    detail = get(cycle, f"/workflow/v1/consultations/{cid}", committee).get_json()
    by_code = {o["public_code"]: o for o in detail["opinions"]}
    assert len(by_code) == 7
    first_id, duplicate_id = by_code[first]["id"], by_code[duplicate]["id"]
    assert (by_code[first]["phone"], by_code[first]["name"]) == ("138****1234", None)
    record = get(cycle, f"/workflow/v1/consultations/{cid}/opinions/{first_id}", point1).get_json()
    assert (record["phone"], record["name"]) == (PHONE, "张三")
    above = get(cycle, f"/workflow/v1/consultations/{cid}/opinions/{first_id}", committee)
    assert above.get_json()["phone"] == "138****1234"
    # A contact point sees its own opinions only.
    mine = get(cycle, f"/workflow/v1/consultations/{cid}", point2).get_json()
    assert {o["station_id"] for o in mine["opinions"]} == {S2}

    # 4 Sort and submit: the duplicate merged, a numbered report from each contact point.
    ok(cycle, cid, "merge", {"opinion_id": duplicate_id, "into_id": first_id}, point1)
    ok(cycle, cid, "report", {"station_id": S1, "summary": "群众关注立法依据和适用范围。"}, point1)
    ok(cycle, cid, "report", {"station_id": S2, "summary": "群众关注砍伐审批。"}, point2)
    again = act(cycle, cid, "report", {"station_id": S2, "summary": "再报"}, point2)
    assert (again["status"], again["field"]) == ("rejected", "station_id")

    reports = get(cycle, f"/workflow/v1/consultations/{cid}/reports", committee).get_json()["items"]
    assert [(r["number"], r["station_id"], r["opinions"]) for r in reports] == [
        ("450102-2026-01-R1", S1, 3),
        ("450102-2026-01-R2", S2, 3),
    ]
    r1 = reports[0]
    assert [g["article"] for g in r1["by_article"]] == [None, 1, 2]
    assert r1["by_article"][1]["opinions"][0]["duplicates"] == [duplicate]
    assert (r1["merged"], r1["forums"], r1["participants"]) == (1, 1, 12)
    csv = get(cycle, f"/workflow/v1/consultations/{cid}/reports/{r1['id']}.csv", committee)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 4 and "第一条应写明立法依据" in lines[2] and duplicate in lines[2]
    assert PHONE not in csv.get_data(as_text=True)
    _wait(lambda: any("R2" in m["subject"] for m in cycle.inbox(f"committee:{COUNTY}")))

    # 5 Report back: the committee records the adoption; the contributors are told.
    ids = {
        o["text"]: o["id"]
        for o in get(cycle, f"/workflow/v1/consultations/{cid}", committee).get_json()["opinions"]
    }
    ok(
        cycle,
        cid,
        "answer",
        {
            "outcomes": [
                {"opinion_id": first_id, "adoption": "fully", "reason": "已在第一条写明依据"},
                {
                    "opinion_id": ids["适用范围应包括乡镇建成区"],
                    "adoption": "partly",
                    "reason": "纳入镇建成区",
                },
                {"opinion_id": ids["砍伐审批应公示"], "adoption": "not", "reason": "另有规定"},
                {
                    "opinion_id": ids["应明确补植责任"],
                    "adoption": "fully",
                    "reason": "增加补植条款",
                },
            ]
        },
        committee,
    )
    _wait(lambda: len(texts(gateway)) == 2)
    sent = {t["to"]: t["text"] for t in texts(gateway)}
    assert set(sent) == {PHONE, OTHER_PHONE}
    assert "已采纳" in sent[PHONE] and "已在第一条写明依据" in sent[OTHER_PHONE]

    page = get(cycle, f"/workflow/v1/public/consultations/{cid}").get_json()
    outcomes = [a["outcome"] for a in page["articles"]]
    assert [(o["fully"], o["partly"], o["not"]) for o in outcomes] == [
        (1, 0, 0),
        (0, 1, 0),
        (1, 0, 1),
    ]
    assert page["whole_draft_outcome"] is None
    status = get(cycle, f"/workflow/v1/public/consultations/opinions/{duplicate}").get_json()
    assert (status["state"], status["adoption"]) == ("merged", "fully")

    # Figures, by hand: 7 received (3 public page, 3 at a forum or visit, 1 deputy), one
    # merged, 6 submitted; 2 adopted fully, 1 partly; people 12 + 5 + 3 + 1.
    figures = get(cycle, "/workflow/v1/consultations/figures?year=2026", committee).get_json()
    total = figures["total"]
    assert total == {
        "drafts": 1,
        "received": 7,
        "merged": 1,
        "submitted": 6,
        "adopted_fully": 2,
        "adopted_partly": 1,
        "not_adopted": 1,
        "forums": 1,
        "visits": 1,
        "people": 21,
    }
    assert figures["counties"][COUNTY] == total
    points = figures["contact_points"]
    assert (points[S1]["received"], points[S1]["submitted"], points[S1]["adopted_fully"]) == (
        4,
        3,
        1,
    )
    assert (points[S2]["received"], points[S2]["people"], points[S2]["visits"]) == (3, 7, 1)

    # The phone rule: never on the bus, in intake's log of requests, notify's log or logs.
    events = _rows(cycle, ("intake", "workflow"), "SELECT payload FROM outbox")
    assert any("phone_encrypted" in e for e in events)
    assert not [e for e in events if PHONE in e or "张三" in e or OTHER_PHONE in e]
    assert not [
        p for p in _rows(cycle, ("intake",), "SELECT payload FROM submissions") if PHONE in p
    ]
    with cycle.system.runtime("notify").db.session() as session:
        addresses = [d.address for d in session.query(Delivery).filter(Delivery.channel == "sms")]
    assert addresses and not [a for a in addresses if PHONE in a or OTHER_PHONE in a]
    assert PHONE not in caplog.text and OTHER_PHONE not in caplog.text


def _rows(cycle: Cycle, services: tuple[str, ...], sql: str) -> list[str]:
    found = []
    for name in services:
        with cycle.system.runtime(name).db.engine.connect() as connection:
            found += [str(row[0]) for row in connection.exec_driver_sql(sql)]
    return found


def test_after_the_deadline_the_page_refuses_opinions(cycle: Cycle) -> None:
    cid = plan(cycle)
    assert leave(cycle, cid, station_id=S1, text="赞同")
    cycle.advance(15)  # 17 March: the day after the deadline
    answer = post_public(cycle, cid, {"station_id": S1, "text": "还想补充"})
    assert answer.status_code == 422
    problem = answer.get_json()
    assert problem["errors"][0]["field"] == "deadline"
    assert "closed on 2026-03-16" in problem["detail"]
    assert get(cycle, f"/workflow/v1/public/consultations/{cid}").get_json()["open"] is False
    late = act(
        cycle,
        cid,
        "record-opinion",
        {"station_id": S1, "text": "迟到的意见", "deputy_id": "D450102001-001"},
        cycle.key("system", node=S1),
    )
    assert (late["status"], late["field"]) == ("rejected", "deadline")


def test_a_contact_point_reads_only_its_own_districts_consultations(cycle: Cycle) -> None:
    cid = plan(cycle)
    for node in (OTHER_DISTRICT_STATION, NOT_TAKING_PART):
        other = cycle.key("system", node=node)
        assert get(cycle, f"/workflow/v1/consultations/{cid}", other).status_code == 404
        assert get(cycle, f"/workflow/v1/consultations/{cid}/reports", other).status_code == 404
        assert get(cycle, "/workflow/v1/consultations", other).get_json()["items"] == []
        refused = act(cycle, cid, "report", {"station_id": S1, "summary": "x"}, other)
        assert (refused["status"], refused["field"]) == ("rejected", "consultation_id")
    own = cycle.key("system", node=S1)
    listed = get(cycle, "/workflow/v1/consultations", own).get_json()["items"]
    assert [c["id"] for c in listed] == [cid]
    # The public form cannot leave an opinion with a contact point not taking part.
    answer = post_public(cycle, cid, {"station_id": OTHER_DISTRICT_STATION, "text": "x"})
    assert (answer.status_code, answer.get_json()["errors"][0]["field"]) == (422, "station_id")


PUBLIC_HOSTILE = [
    ({"text": "   "}, "text"),
    ({"text": "长" * 5001}, "text"),
    ({"phone": "12345"}, "phone"),
    ({"article": 0}, "article"),
    ({"article": "一"}, "article"),
    ({"station_id": None}, "station_id"),
    ({"extra": 1}, "extra"),
]
PLAN_HOSTILE = [
    ({"articles": []}, "articles"),
    ({"deadline": "16/03/2026"}, "deadline"),
    ({"contact_points": [{"station_id": S1, "deputy_ids": "D1"}]}, "contact_points.0.deputy_ids"),
    ({"title": ""}, "title"),
]


def test_hostile_input_names_the_field(cycle: Cycle) -> None:
    committee = cycle.key("committee", node=COUNTY)
    for changes, field in PUBLIC_HOSTILE:
        body = {"station_id": S1, "text": "意见", **changes}
        answer = cycle.system.client.post("/intake/v1/public/consultations/any/opinions", json=body)
        assert answer.status_code == 422, changes
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.get_json()["errors"][0]["field"] == field, changes
    for n, (changes, field) in enumerate(PLAN_HOSTILE):
        answer = cycle.system.client.post(
            "/intake/v1/consultations",
            json={**PLAN, **changes},
            headers=cycle.system.headers(committee, **{"Idempotency-Key": f"k{n}"}),
        )
        assert answer.status_code == 422, changes
        assert answer.get_json()["errors"][0]["field"] == field, changes
    # The plan's rules are workflow's, by the tenant's settings: a receipt names the field.
    soon = _post(cycle, "/intake/v1/consultations", {**PLAN, "deadline": "2026-03-05"}, committee)
    assert (soon["status"], soon["field"]) == ("rejected", "deadline")
    elsewhere = {**PLAN, "contact_points": [{"station_id": OTHER_DISTRICT_STATION}]}
    refused = _post(cycle, "/intake/v1/consultations", elsewhere, committee)
    assert (refused["status"], refused["field"]) == ("rejected", "contact_points.0.station_id")
