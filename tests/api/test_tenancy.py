"""A key sees its node and what lies below it; another county's things look missing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.helpers import (
    assert_problem,
    bearer,
    file_with,
    inbox,
    new_key,
    points,
    settled_suggestion,
    suggestion,
    wait_for,
)
from tests.support.system import InProcessSystem

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def filed(shared_system: InProcessSystem) -> dict[str, Any]:
    """One settled, assigned suggestion of 兴宁区 (450102), and keys around it."""
    s = shared_system
    receipt, found = settled_suggestion(s, s.file())
    # wait until the unit's inbox and the deputy's points show it
    wait_for(lambda: inbox(s, "unit:U450102-EDU").get_json()["items"])
    wait_for(lambda: points(s, "D450102-001").get_json()["total"])
    return {
        "receipt": receipt,
        "suggestion": found,
        "qingxiu": bearer(new_key(s, "450103", "system")),
        "township": bearer(new_key(s, "450102001", "system")),
        "deputy": bearer(new_key(s, "450102", "deputy", subject="D450102-001")),
        "health": bearer(new_key(s, "450102", "unit", subject="U450102-HEALTH")),
    }


def _get(s: InProcessSystem, path: str, headers: dict[str, str]) -> Any:
    return s.client.get(path, headers=headers)


def test_another_countys_receipt_answers_like_a_missing_one(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    theirs = _get(shared_system, f"/intake/v1/receipts/{filed['receipt']['id']}", filed["qingxiu"])
    missing = _get(shared_system, f"/intake/v1/receipts/{MISSING}", filed["qingxiu"])
    assert_problem(theirs, 404)
    assert theirs.get_json() == missing.get_json()


def test_another_countys_suggestion_answers_like_a_missing_one(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    href = filed["receipt"]["resource"]["href"]
    theirs = _get(shared_system, href, filed["qingxiu"])
    missing = _get(shared_system, f"/workflow/v1/suggestions/{MISSING}", filed["qingxiu"])
    assert_problem(theirs, 404)
    assert theirs.get_json() == missing.get_json()


def test_a_township_key_does_not_see_its_countys_suggestion(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    assert_problem(
        _get(shared_system, filed["receipt"]["resource"]["href"], filed["township"]), 404
    )
    assert_problem(_get(shared_system, filed["receipt"]["href"], filed["township"]), 404)


def test_the_city_reader_sees_every_county(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    city = shared_system.headers("city_reader")
    receipt = _get(shared_system, filed["receipt"]["href"], city)
    assert receipt.status_code == 200
    assert receipt.get_json()["id"] == filed["receipt"]["id"]
    found = _get(shared_system, filed["receipt"]["resource"]["href"], city)
    assert found.status_code == 200
    assert found.get_json()["number"] == filed["suggestion"]["number"]
    assert inbox(shared_system, "unit:U450102-EDU", city).status_code == 200
    assert points(shared_system, "D450102-001", city).get_json()["total"] == 2


def test_the_suggestion_list_is_scoped(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    theirs = _get(shared_system, "/workflow/v1/suggestions", filed["qingxiu"]).get_json()
    assert filed["suggestion"]["id"] not in [item["id"] for item in theirs["items"]]
    asked = _get(shared_system, "/workflow/v1/suggestions?tenant=450102", filed["qingxiu"])
    assert asked.status_code == 200
    assert asked.get_json() == {"total": 0, "items": []}
    mine = _get(shared_system, "/workflow/v1/suggestions", shared_system.headers()).get_json()
    assert filed["suggestion"]["id"] in [item["id"] for item in mine["items"]]


def test_a_unit_key_sees_only_its_own_inbox(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    edu = shared_system.headers("unit_450102_EDU")
    own = inbox(shared_system, "unit:U450102-EDU", edu)
    assert own.status_code == 200
    assert [m["recipient"] for m in own.get_json()["items"]] == ["unit:U450102-EDU"]
    assert filed["suggestion"]["number"] in own.get_json()["items"][0]["subject"]
    assert_problem(inbox(shared_system, "unit:U450102-HEALTH", edu), 404)
    assert_problem(inbox(shared_system, "deputy:D450102-001", edu), 404)
    other = inbox(shared_system, "unit:U450102-EDU", filed["health"])
    assert_problem(other, 404)
    assert other.get_json() == inbox(shared_system, "unit:U450102-NOPE", filed["health"]).get_json()


def test_another_countys_inbox_is_missing(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    assert_problem(inbox(shared_system, "unit:U450102-EDU", filed["qingxiu"]), 404)
    assert_problem(inbox(shared_system, "deputy:D450102-001", filed["qingxiu"]), 404)
    assert inbox(shared_system, "unit:U450103-EDU", filed["qingxiu"]).status_code == 200


def test_another_countys_deputys_points_are_missing(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    theirs = points(shared_system, "D450103-001")
    assert_problem(theirs, 404)
    assert theirs.get_json() == points(shared_system, "D450199-001").get_json()
    assert_problem(points(shared_system, "D450102-001", filed["qingxiu"]), 404)


def test_a_deputy_key_sees_only_its_own_points(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    own = points(shared_system, "D450102-001", filed["deputy"])
    assert own.status_code == 200
    assert own.get_json()["total"] == 2
    assert_problem(points(shared_system, "D450102-002", filed["deputy"]), 404)


def test_a_county_key_files_only_for_its_own_deputies(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    theirs = file_with(
        shared_system,
        filed["qingxiu"]["Authorization"].removeprefix("Bearer "),
        suggestion(),  # 兴宁区's deputies
    )
    assert_problem(theirs, 422, "lead_deputy_id")


def test_a_unit_key_reads_only_suggestions_assigned_to_it(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    href = filed["receipt"]["resource"]["href"]
    edu = shared_system.headers("unit_450102_EDU")
    assert _get(shared_system, href, edu).status_code == 200
    assert_problem(_get(shared_system, href, filed["health"]), 404)
    listed = _get(shared_system, "/workflow/v1/suggestions", filed["health"]).get_json()
    assert filed["suggestion"]["id"] not in [item["id"] for item in listed["items"]]
    listed = _get(shared_system, "/workflow/v1/suggestions", edu).get_json()
    assert filed["suggestion"]["id"] in [item["id"] for item in listed["items"]]


def test_a_deputy_key_reads_only_its_own_suggestions(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    href = filed["receipt"]["resource"]["href"]
    assert _get(shared_system, href, filed["deputy"]).status_code == 200
    cosigner = bearer(new_key(shared_system, "450102", "deputy", subject="D450102-002"))
    assert _get(shared_system, href, cosigner).status_code == 200  # a proposer too
    stranger = bearer(new_key(shared_system, "450102", "deputy", subject="D450102-008"))
    assert_problem(_get(shared_system, href, stranger), 404)
    listed = _get(shared_system, "/workflow/v1/suggestions", stranger).get_json()
    assert listed == {"total": 0, "items": []}


def test_a_cosigner_finds_the_suggestion_in_the_list(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    cosigner = bearer(new_key(shared_system, "450102", "deputy", subject="D450102-002"))
    listed = _get(shared_system, "/workflow/v1/suggestions", cosigner).get_json()
    assert filed["suggestion"]["id"] in [item["id"] for item in listed["items"]]


def test_acting_on_another_countys_suggestion_is_refused_like_a_missing_one(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    def screen(suggestion_id: str) -> dict[str, Any]:
        answer = shared_system.client.post(
            f"/intake/v1/suggestions/{suggestion_id}/screen",
            json={"decision": "return", "reason": "不属于本级"},
            headers={**filed["qingxiu"], "Idempotency-Key": uuid.uuid4().hex},
        )
        assert answer.status_code == 202, answer.get_json()
        href = answer.get_json()["href"]
        return wait_for(
            lambda: (
                (r := _get(shared_system, href, filed["qingxiu"]).get_json())["status"] != "pending"
                and r
            )
        )

    theirs = screen(filed["suggestion"]["id"])
    missing = screen(MISSING)
    assert theirs["status"] == missing["status"] == "rejected"
    assert (theirs["reason"], theirs["field"]) == (missing["reason"], missing["field"])
    still = _get(shared_system, filed["receipt"]["resource"]["href"], shared_system.headers())
    assert still.get_json()["state"] == "assigned"


def test_a_reader_may_not_act_on_a_suggestion(
    shared_system: InProcessSystem, filed: dict[str, Any]
) -> None:
    answer = shared_system.client.post(
        f"/intake/v1/suggestions/{filed['suggestion']['id']}/screen",
        json={"decision": "return", "reason": "x"},
        headers=shared_system.headers("city_reader", **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    assert_problem(answer, 403)
