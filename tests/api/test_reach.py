"""A unit's or deputy's key acts as itself and reads only what is its own (ADR 0005)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import assert_problem, bearer, idem, new_key, points, stored
from tests.support.system import InProcessSystem

ACT = "/intake/v1/suggestions/any-suggestion"


def act(system: InProcessSystem, headers: dict[str, str], action: str, body: dict) -> Any:
    return system.client.post(
        f"{ACT}/{action}", json=body, headers={**headers, "Idempotency-Key": idem()}
    )


@pytest.fixture(scope="module")
def keys(shared_api: InProcessSystem) -> dict[str, dict[str, str]]:
    s = shared_api
    return {
        "edu": s.headers("unit_450102_EDU"),
        "edu2": bearer(new_key(s, "450102", "unit", subject="U450102-EDU")),
        "health": bearer(new_key(s, "450102", "unit", subject="U450102-HEALTH")),
        "deputy": bearer(new_key(s, "450102", "deputy", subject="D450102-001")),
        "deputy2": bearer(new_key(s, "450102", "deputy", subject="D450102-002")),
        "county": s.headers(),
        "committee": bearer(new_key(s, "450102", "committee")),
        "reader": s.headers("city_reader"),
        "other_county": bearer(new_key(s, "450103", "system")),
    }


# -- acting as another subject -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "action", "body", "field"),
    [
        ("edu", "record", {"kind": "ledger", "text": "x", "unit_id": "U450102-HEALTH"}, "unit_id"),
        ("edu", "reply", {"reply_class": "A", "text": "x", "unit_id": "U450102-HEALTH"}, "unit_id"),
        ("edu", "co-input", {"text": "x", "unit_id": "U450103-EDU"}, "unit_id"),
        ("edu", "request-extension", {"reason": "x", "unit_id": "U450102-HEALTH"}, "unit_id"),
        (
            "deputy",
            "evaluate",
            {"attitude": "satisfied", "result": "satisfied", "deputy_id": "D450102-002"},
            "deputy_id",
        ),
    ],
)
def test_a_key_naming_another_subject_is_403_and_no_receipt_is_made(
    shared_api: InProcessSystem,
    keys: dict[str, dict[str, str]],
    key: str,
    action: str,
    body: dict,
    field: str,
) -> None:
    before = stored(shared_api)
    problem = assert_problem(act(shared_api, keys[key], action, body), 403, field)
    assert body[field] in problem["detail"]
    assert stored(shared_api) == before


def test_a_key_naming_itself_or_nobody_acts(
    shared_api: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    ledger = {"kind": "ledger", "text": "x"}
    assert act(shared_api, keys["edu"], "record", ledger).status_code == 202
    named = {**ledger, "unit_id": "U450102-EDU"}
    assert act(shared_api, keys["edu"], "record", named).status_code == 202
    rating = {"attitude": "satisfied", "result": "satisfied", "deputy_id": "D450102-001"}
    assert act(shared_api, keys["deputy"], "evaluate", rating).status_code == 202


def test_the_county_system_still_names_the_unit(
    shared_api: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    body = {"kind": "ledger", "text": "x", "unit_id": "U450102-HEALTH"}
    assert act(shared_api, keys["county"], "record", body).status_code == 202


# -- who reads a receipt -------------------------------------------------------------------


@pytest.fixture(scope="module")
def unit_receipt(shared_api: InProcessSystem, keys: dict[str, dict[str, str]]) -> str:
    answer = act(shared_api, keys["edu"], "record", {"kind": "ledger", "text": "x"})
    assert answer.status_code == 202
    return answer.get_json()["href"]


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("edu", 200),
        ("edu2", 200),
        ("county", 200),
        ("committee", 200),
        ("reader", 200),
        ("health", 404),
        ("deputy", 404),
        ("other_county", 404),
    ],
)
def test_a_receipt_is_read_by_its_filer_its_subject_and_the_committee(
    shared_api: InProcessSystem,
    keys: dict[str, dict[str, str]],
    unit_receipt: str,
    key: str,
    status: int,
) -> None:
    answer = shared_api.client.get(unit_receipt, headers=keys[key])
    if status == 404:
        missing = shared_api.client.get(
            "/intake/v1/receipts/00000000-0000-0000-0000-000000000000", headers=keys[key]
        )
        assert_problem(answer, 404)
        assert answer.get_json() == missing.get_json()
    else:
        assert answer.status_code == 200, answer.get_json()


def test_a_county_systems_receipt_is_not_a_units(
    shared_api: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    answer = act(
        shared_api,
        keys["county"],
        "record",
        {"kind": "ledger", "text": "x", "unit_id": "U450102-EDU"},
    )
    href = answer.get_json()["href"]
    assert_problem(shared_api.client.get(href, headers=keys["edu"]), 404)
    assert shared_api.client.get(href, headers=keys["committee"]).status_code == 200


# -- who reads a deputy's points -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("deputy", 200),
        ("county", 200),
        ("committee", 200),
        ("reader", 200),
        ("deputy2", 404),
        ("edu", 404),
        ("other_county", 404),
    ],
)
def test_points_are_read_by_the_deputy_and_the_committee_only(
    shared_api: InProcessSystem, keys: dict[str, dict[str, str]], key: str, status: int
) -> None:
    answer = points(shared_api, "D450102-001", keys[key])
    if status == 404:
        assert_problem(answer, 404)
        assert answer.get_json() == points(shared_api, "D450199-999", keys[key]).get_json()
    else:
        assert answer.status_code == 200, answer.get_json()
