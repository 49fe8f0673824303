"""Opinions (docs/domain.md §2): a QR code at the station, up to the township and the
county, adopted as a suggestion, and what the constituent and the other offices see."""

from __future__ import annotations

import json
import logging
import time
import uuid

import pytest

from tests.support.cycle import Cycle

STATION, TOWNSHIP, COUNTY = "450102001-S1", "450102001", "450102"
OTHER_STATION, OTHER_TOWNSHIP = "450102002-S1", "450102002"
PHONE = "13812341234"


def new_code(cycle: Cycle, station: str = STATION, as_: str | None = None) -> dict:
    answer = cycle.system.client.post(
        "/intake/v1/opinion-codes",
        json={"station_id": station, "label": "一楼公告栏"},
        headers=cycle.system.headers(as_ or cycle.key("system", node=COUNTY)),
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def post_public(cycle: Cycle, token: str, text: str, **contact: str):
    return cycle.system.client.post(
        "/intake/v1/public/opinions", json={"code": token, "text": text, **contact}
    )


def leave(cycle: Cycle, token: str, text: str = "小区路灯坏了一个月", **contact: str) -> dict:
    answer = post_public(cycle, token, text, **contact)
    assert answer.status_code == 202, answer.get_json()
    receipt = cycle.system.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "accepted", receipt
    return {**answer.get_json(), "opinion_id": receipt["resource"]["id"]}


def act(cycle: Cycle, opinion_id: str, action: str, body: dict, *, as_: str) -> dict:
    answer = cycle.system.client.post(
        f"/intake/v1/opinions/{opinion_id}/{action}",
        json=body,
        headers=cycle.system.headers(as_, **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert answer.status_code == 202, answer.get_json()
    return cycle.system.settled_receipt(answer.get_json()["id"], key_name=as_)


def read(cycle: Cycle, opinion_id: str, as_: str) -> tuple[int, dict]:
    answer = cycle.system.client.get(
        f"/workflow/v1/opinions/{opinion_id}", headers=cycle.system.headers(as_)
    )
    return answer.status_code, answer.get_json()


def status(cycle: Cycle, code: str) -> dict:
    answer = cycle.system.client.get(f"/workflow/v1/public/opinions/{code}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_station_to_township_by_hand_then_county_by_the_clock(
    cycle: Cycle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    station, township = cycle.key("system", node=STATION), cycle.key("system", node=TOWNSHIP)
    county = cycle.key("system", node=COUNTY)
    code = new_code(cycle)
    opinion = leave(cycle, code["token"], name="张三", phone=PHONE)
    oid = opinion["opinion_id"]

    _, held = read(cycle, oid, station)
    assert (held["level"], held["state"], held["phone"], held["name"]) == (
        "station",
        "open",
        PHONE,
        "张三",
    )
    _, above = read(cycle, oid, county)
    assert (above["phone"], above["name"]) == ("138****1234", None)

    assert act(cycle, oid, "escalate", {"reason": "需街道协调"}, as_=station)["status"] == (
        "accepted"
    )
    _, record = read(cycle, oid, township)
    assert (record["level"], record["holder_node_id"], record["phone"]) == (
        "township",
        TOWNSHIP,
        PHONE,
    )
    # The station no longer holds it: it sees the phone masked and may not decide.
    assert read(cycle, oid, station)[1]["phone"] == "138****1234"
    refused = act(cycle, oid, "resolve", {"reply": "已修好"}, as_=station)
    assert refused["status"] == "rejected"

    cycle.advance(30)  # the township's 10 working days pass
    cycle.tick()
    _, record = read(cycle, oid, county)
    assert (record["level"], record["holder_node_id"]) == ("county", COUNTY)
    automatic = [s for s in record["route"] if s["kind"] == "escalated"]
    assert [s["details"]["automatic"] for s in automatic] == [False, True]
    assert status(cycle, opinion["public_code"])["level"] == "county"

    assert act(cycle, oid, "resolve", {"reply": "路灯已修复"}, as_=county)["status"] == ("accepted")
    public = status(cycle, opinion["public_code"])
    assert (public["state"], public["outcome"], public["reply"]) == (
        "closed",
        "resolved",
        "路灯已修复",
    )
    assert PHONE not in json.dumps(public) and "张三" not in json.dumps(public)

    figures = cycle.system.client.get(
        f"/workflow/v1/opinions/figures?node={TOWNSHIP}&year=2026",
        headers=cycle.system.headers(county),
    ).get_json()
    (march,) = [m for m in figures["months"] if m["received"]]
    (april,) = [m for m in figures["months"] if m["closed"]]
    assert (march["received"], march["escalated"]) == (1, 1)
    assert (april["resolved"]["county"], april["escalated_automatically"]) == (1, 1)
    assert april["median_working_days"] > 10

    # The offices were told as it climbed.
    time.sleep(0.6)
    township_inbox = [m["subject"] for m in cycle.inbox(f"committee:{TOWNSHIP}")]
    county_inbox = [m["subject"] for m in cycle.inbox(f"committee:{COUNTY}")]
    assert any("上交至本级" in s for s in township_inbox)
    assert any("自动上交" in s for s in county_inbox)

    # The phone in clear: only in the holder's handling record, never on the bus or in logs.
    events = _outbox_events(cycle)
    assert any(e.startswith('{"') for e in events)
    assert not [e for e in events if PHONE in e or "张三" in e]
    assert PHONE not in caplog.text
    intake_rows = _submission_payloads(cycle)
    assert not [p for p in intake_rows if PHONE in p]


def test_adopted_opinion_closes_when_its_suggestion_closes(cycle: Cycle) -> None:
    code = new_code(cycle)
    oid = leave(cycle, code["token"], "建议学校门口设置护学岗", phone=PHONE)["opinion_id"]
    sid = cycle.file(source_opinion_id=oid, category="education")
    deputy = cycle.key("deputy", "D450102-001")
    assert act(cycle, oid, "adopt", {"suggestion_id": sid}, as_=deputy)["status"] == "accepted"
    county = cycle.key("system", node=COUNTY)
    assert read(cycle, oid, county)[1]["state"] == "adopted"

    cycle.handle_and_reply(sid, "U450102-EDU")
    for deputy_id in ("D450102-001", "D450102-002"):
        cycle.rate(sid, deputy_id, "satisfied", "satisfied")
    assert cycle.get(sid)["state"] == "closed"
    cycle.tick()
    _, record = read(cycle, oid, county)
    assert (record["state"], record["outcome"], record["adopted_by"]) == (
        "closed",
        "suggestion_closed",
        "D450102-001",
    )
    adopted = [e for e in _outbox_events(cycle) if '"suggestion_id"' in e and '"deputy_id"' in e]
    assert adopted, "opinion.adopted carries the deputy for scoring"
    published = cycle.system.client.get(
        f"/workflow/v1/public/opinions/stations/{STATION}/adopted"
    ).get_json()
    assert (published["adopted"], published["closed"]) == (1, 1)
    (item,) = published["items"]
    assert (item["suggestion_state"], item["outcome"]) == ("closed", "suggestion_closed")
    assert "护学岗" not in json.dumps(published, ensure_ascii=False)
    assert PHONE not in json.dumps(published)


def test_township_sees_only_its_own_and_tokens_are_bound(cycle: Cycle) -> None:
    code = new_code(cycle)
    oid = leave(cycle, code["token"])["opinion_id"]
    other_township = cycle.key("system", node=OTHER_TOWNSHIP)
    assert read(cycle, oid, other_township)[0] == 404
    listed = cycle.system.client.get(
        "/workflow/v1/opinions", headers=cycle.system.headers(other_township)
    ).get_json()
    assert listed["total"] == 0
    # A township cannot make codes for another township's station.
    answer = cycle.system.client.post(
        "/intake/v1/opinion-codes",
        json={"station_id": STATION},
        headers=cycle.system.headers(other_township),
    )
    assert answer.status_code == 422
    # A station's code posts for its station only: the body cannot name another.
    answer = cycle.system.client.post(
        "/intake/v1/public/opinions",
        json={"code": code["token"], "text": "x", "station_id": OTHER_STATION},
    )
    assert answer.status_code == 422
    # A station's key cannot record for another station.
    answer = cycle.system.client.post(
        "/intake/v1/opinions",
        json={"station_id": OTHER_STATION, "channel": "reception_day", "text": "x"},
        headers=cycle.system.headers(
            cycle.key("system", node=STATION), **{"Idempotency-Key": "k1"}
        ),
    )
    assert answer.status_code == 422


def test_revoked_unknown_and_forged_codes_are_refused(cycle: Cycle) -> None:
    code = new_code(cycle)
    township = cycle.key("system", node=TOWNSHIP)
    revoked = cycle.system.client.post(
        f"/intake/v1/opinion-codes/{code['id']}/revoke",
        json={"reason": "海报被撕"},
        headers=cycle.system.headers(township),
    )
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert revoked.get_json()["revoked_reason"] == "海报被撕"
    for token in (code["token"], code["token"][:-2] + "xx", "not-a-token"):
        answer = post_public(cycle, token, "路灯坏了")
        assert answer.status_code == 422
        assert answer.get_json()["errors"][0]["field"] == "code"
    assert _submission_payloads(cycle) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "长" * 10_000}, "text"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "1381234123x"}, "phone"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(cycle: Cycle, changes: dict, field: str) -> None:
    code = new_code(cycle)
    answer = cycle.system.client.post(
        "/intake/v1/public/opinions", json={"code": code["token"], "text": "路灯", **changes}
    )
    assert answer.status_code == 422
    problem = answer.get_json()
    assert problem["errors"][0]["field"] == field
    assert _submission_payloads(cycle) == []


def test_an_oversized_body_is_refused_at_the_door(cycle: Cycle) -> None:
    code = new_code(cycle)
    answer = post_public(cycle, code["token"], "照片" + "x" * (2 * 1024 * 1024))
    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert _submission_payloads(cycle) == []


def test_same_text_folds_and_a_flood_gets_429(cycle: Cycle) -> None:
    code = new_code(cycle)
    first = post_public(cycle, code["token"], "垃圾清运不及时")
    again = post_public(cycle, code["token"], "垃圾清运  不及时")
    assert first.status_code == again.status_code == 202
    assert first.get_json()["public_code"] == again.get_json()["public_code"]
    assert len(_submission_payloads(cycle)) == 1

    limit = cycle.system.runtime("intake").settings.opinion_rate_per_address
    answers = [post_public(cycle, code["token"], f"意见{n}") for n in range(limit)]
    assert answers[-1].status_code == 429
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert {a.status_code for a in answers[:-2]} == {202}


def test_qr_code_images_print(cycle: Cycle) -> None:
    code = new_code(cycle)
    county = cycle.key("system", node=COUNTY)
    svg = cycle.system.client.get(
        f"/intake/v1/opinion-codes/{code['id']}/qr.svg", headers=cycle.system.headers(county)
    )
    png = cycle.system.client.get(
        f"/intake/v1/opinion-codes/{code['id']}/qr.png", headers=cycle.system.headers(county)
    )
    assert svg.status_code == 200 and b"<svg" in svg.data
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    listed = cycle.system.client.get(
        f"/intake/v1/opinion-codes?station_id={STATION}", headers=cycle.system.headers(county)
    ).get_json()
    assert code["id"] in [c["id"] for c in listed["items"]]
    assert {c["station_id"] for c in listed["items"]} == {STATION}


def _outbox_events(cycle: Cycle) -> list[str]:
    found = []
    for name in ("intake", "workflow"):
        rt = cycle.system.runtime(name)
        with rt.db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT payload FROM outbox").all()
        found += [json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows]
    return found


def _submission_payloads(cycle: Cycle) -> list[str]:
    rt = cycle.system.runtime("intake")
    with rt.db.engine.connect() as connection:
        return [
            str(row[0])
            for row in connection.exec_driver_sql(
                "SELECT payload FROM submissions WHERE kind = 'opinion'"
            )
        ]


def test_the_demo_stations_have_codes_that_open_the_form(cycle: Cycle) -> None:
    token = cycle.system.keys[f"qr_{STATION}"]
    station = cycle.system.client.get(f"/intake/v1/public/opinions/codes/{token}").get_json()
    assert station == {
        "station_id": STATION,
        "station_name": "民生街道代表联络站",
        "contact_point_kind": "liaison_station",
        "deputies": [
            {"id": "D450102-001", "name": "刘秀英"},
            {"id": "D450102001-001", "name": "民生街道代表"},
        ],
    }
    assert leave(cycle, token)["public_code"]
