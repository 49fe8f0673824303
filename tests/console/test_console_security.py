"""Who sees what in the console, and what it refuses (issue 9's acceptance)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import Client

from tests.console.conftest import Console, csrf, start_console
from tests.support.system import GOOD_SUGGESTION


def filed(console: Console, **changes: object) -> str:
    answer = console.system.file({**GOOD_SUGGESTION, **changes})
    receipt = console.system.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "accepted", receipt
    return receipt["resource"]["id"]


def act_by_key(console: Console, sid: str, action: str, body: dict, key: str) -> None:
    system = console.system
    answer = system.client.post(
        f"/intake/v1/suggestions/{sid}/{action}",
        json=body,
        headers=system.headers(key, **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    receipt = system.settled_receipt(answer.get_json()["id"], key_name=key)
    assert receipt["status"] == "accepted", receipt


def page(client: Client, path: str) -> tuple[int, str]:
    answer = client.get(path)
    return answer.status_code, answer.get_data(as_text=True)


@pytest.fixture(scope="module")
def replied(console: Console) -> str:
    """A suggestion of 兴宁区, led by its education bureau, replied and rated by D001."""
    sid = filed(console, title="关于延长社区图书馆开放时间的建议")
    unit = "unit_450102_EDU"
    act_by_key(console, sid, "record", {"kind": "contact", "stage": "before", "text": "面谈"}, unit)
    act_by_key(console, sid, "reply", {"reply_class": "A", "text": "已延长至晚九点。"}, unit)
    act_by_key(
        console,
        sid,
        "evaluate",
        {"deputy_id": "D450102-001", "attitude": "satisfied", "result": "dissatisfied"},
        "county_system_450102",
    )
    return sid


def test_a_unit_cannot_open_another_units_assignment_by_its_url(
    console: Console, replied: str
) -> None:
    status, body = page(console.client("xn.edu"), f"/console/suggestions/{replied}")
    assert status == 200 and "关于延长社区图书馆开放时间的建议" in body

    housing = console.client("xn.housing")
    status, body = page(housing, f"/console/suggestions/{replied}")
    assert status == 404
    assert "图书馆" not in body
    answer = housing.post(
        f"/console/suggestions/{replied}/act/record",
        data={
            "csrf_token": csrf(housing, "/console/suggestions"),
            "kind": "ledger",
            "text": "越权写入",
        },
    )
    assert answer.status_code == 404
    assert "越权写入" not in page(console.client("xn.edu"), f"/console/suggestions/{replied}")[1]


def test_a_deputy_does_not_see_another_proposers_evaluation(console: Console, replied: str) -> None:
    status, own = page(console.client("xn.d001"), f"/console/suggestions/{replied}")
    assert status == 200 and "结果不满意" in own

    status, other = page(console.client("xn.d002"), f"/console/suggestions/{replied}")
    assert status == 200
    assert "结果不满意" not in other and "评价：" not in other
    assert 'id="form-evaluate"' in other  # and may still rate it, back to back


def test_a_county_committee_cannot_see_another_county(console: Console, replied: str) -> None:
    qingxiu = console.client("qx.committee")
    status, body = page(qingxiu, f"/console/suggestions/{replied}")
    assert status == 404 and "图书馆" not in body
    assert page(qingxiu, "/console/dashboard?tenant=450102")[0] == 404
    status, listing = page(qingxiu, "/console/suggestions")
    assert status == 200 and "图书馆" not in listing
    status, export = page(qingxiu, "/console/suggestions.csv")
    assert status == 200 and "图书馆" not in export
    # The city's committee sees every county, and 兴宁区's own.
    assert "图书馆" in page(console.client("city.committee"), "/console/suggestions")[1]
    assert "图书馆" in page(console.client("xn.committee"), "/console/suggestions.csv")[1]


def test_a_form_without_its_csrf_token_is_refused(console: Console) -> None:
    sid = filed(console, body="涉法涉诉的个人私事。", title="待审查的建议")
    committee = console.client("xn.committee")
    answer = committee.post(f"/console/suggestions/{sid}/act/screen", data={"decision": "accept"})
    assert answer.status_code == 400
    assert "CSRF" in answer.get_data(as_text=True)
    assert "待审查" in page(committee, f"/console/suggestions/{sid}")[1]
    signing_in = Client(console.app).post(
        "/console/sign-in",
        data={"account": "xn.committee", "password": console.passwords["xn.committee"]},
    )
    assert signing_in.status_code == 400


def test_a_refused_action_says_why_beside_the_field(console: Console) -> None:
    sid = filed(console, body="涉法涉诉的个人私事。", title="要退回的建议")
    committee = console.client("xn.committee")
    answer = committee.post(
        f"/console/suggestions/{sid}/act/screen",
        data={
            "csrf_token": csrf(committee, f"/console/suggestions/{sid}"),
            "idempotency_key": uuid.uuid4().hex,
            "decision": "return",
        },
    )
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="screen-reason-error"' in body and "give a reason" in body
    assert 'aria-describedby="screen-reason-error"' in body


def test_the_public_sees_progress_without_personal_data(console: Console, replied: str) -> None:
    status, body = page(Client(console.app), "/console/public?tenant=450102")
    assert status == 200
    assert "关于延长社区图书馆开放时间的建议" in body and "已延长至晚九点。" in body
    assert "D450102-001" not in body and "刘秀英" not in body
    hidden = filed(console, title="标记为不公开的测试建议")
    act_by_key(console, hidden, "set-publication", {"publish": False}, "county_system_450102")
    assert "标记为不公开的测试建议" not in page(Client(console.app), "/console/public")[1]


def test_sign_in_attempts_are_limited(console: Console) -> None:
    client = Client(console.app)
    for _ in range(5):
        answer = client.post(
            "/console/sign-in",
            data={
                "csrf_token": csrf(client, "/console/sign-in"),
                "account": "xn.housing",
                "password": "wrong password",
            },
        )
        assert answer.status_code == 422
        assert "账号或密码不正确" in answer.get_data(as_text=True)
    answer = client.post(
        "/console/sign-in",
        data={
            "csrf_token": csrf(client, "/console/sign-in"),
            "account": "xn.housing",
            "password": console.passwords["xn.housing"],
        },
    )
    assert answer.status_code == 429


@pytest.fixture
def short_sessions(tmp_path: Path) -> Iterator[Console]:
    started = start_console(tmp_path, session_idle_seconds=1.0)
    yield started
    started.system.stop()


def test_a_session_expires_after_its_idle_time(short_sessions: Console) -> None:
    client = short_sessions.client("xn.committee")
    assert page(client, "/console/dashboard")[0] == 200
    time.sleep(1.5)
    answer = client.get("/console/dashboard")
    assert answer.status_code == 302
    assert "/console/sign-in?expired=1" in answer.headers["Location"]
    assert "会话已超时" in page(client, "/console/sign-in?expired=1")[1]


def test_a_disabled_account_is_refused_and_its_session_ends(short_sessions: Console) -> None:
    client = short_sessions.client("xn.edu")
    assert page(client, "/console/suggestions")[0] == 200
    short_sessions.system.runtimes[0].directory.accounts.disable("xn.edu")
    answer = client.get("/console/suggestions")
    assert answer.status_code == 302 and "sign-in" in answer.headers["Location"]
    with pytest.raises(AssertionError):
        short_sessions.client("xn.edu")


def test_a_reply_awaits_only_the_proposers_who_have_not_rated_it(
    console: Console, replied: str
) -> None:
    def awaiting(account: str) -> str:
        body = page(console.client(account), "/console/mine")[1]
        return body.split('id="awaiting-h"')[1].split("</section>")[0]

    assert "图书馆" not in awaiting("xn.d001")
    assert "图书馆" in awaiting("xn.d002")
