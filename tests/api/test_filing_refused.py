"""POST /intake/v1/suggestions refused: a problem+json naming the field, and nothing stored.

Every test counts intake's submissions and outbox rows before and after its request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.helpers import (
    assert_problem,
    bearer,
    idem,
    new_key,
    stored,
    submissions_with_key,
    suggestion,
)
from tests.support.system import GOOD_SUGGESTION, InProcessSystem

URL = "/intake/v1/suggestions"


def post(system: InProcessSystem, body: Any, key: str | None = None, **kwargs: Any) -> Any:
    key = key or idem()
    headers = system.headers(**{"Idempotency-Key": key})
    return system.client.post(URL, json=body, headers=headers, **kwargs)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (suggestion(title=None), "title"),
        (suggestion(lead_deputy_id=None), "lead_deputy_id"),
        (suggestion(category=None), "category"),
        (suggestion(title=""), "title"),
        (suggestion(title="长" * 201), "title"),
        (suggestion(title=5), "title"),
        (suggestion(lead_deputy_id=None) | {"lead_deputy_id": None}, "lead_deputy_id"),
        (suggestion(urgent=[True]), "urgent"),
        (suggestion(cosigner_ids="D450102-002"), "cosigner_ids"),
        (suggestion(cosigner_ids=["D450102-002", 7]), "cosigner_ids.1"),
        (suggestion(category="space_travel"), "category"),
        (suggestion(occasion="party"), "occasion"),
        (suggestion(priority="high"), "priority"),
        (suggestion(attachments=[{"name": "a.pdf", "uri": "ftp://x/a.pdf"}]), "attachments.0.uri"),
        (suggestion(attachments=[{"uri": "https://x.cn/a.pdf"}]), "attachments.0.name"),
        (
            suggestion(attachments=[{"name": "a", "uri": "https://x.cn/a", "sha256": "abc"}]),
            "attachments.0.sha256",
        ),
        (suggestion(attachments=[{"name": "a", "uri": "https://x.cn/a"}] * 21), "attachments"),
    ],
    ids=[
        "missing title",
        "missing lead deputy",
        "missing category",
        "empty title",
        "title too long",
        "title is a number",
        "lead deputy null",
        "urgent is a list",
        "co-signers not a list",
        "co-signer not a string",
        "unknown category",
        "unknown occasion",
        "unknown extra field",
        "attachment not on http(s)",
        "attachment without a name",
        "attachment with a bad sha256",
        "too many attachments",
    ],
)
def test_a_bad_field_is_named_and_nothing_is_stored(
    shared_api: InProcessSystem, body: dict[str, Any], field: str
) -> None:
    before = stored(shared_api)
    key = idem()
    assert_problem(post(shared_api, body, key), 422, field)
    assert stored(shared_api) == before
    assert submissions_with_key(shared_api, key) == 0


def test_urgent_as_a_string_is_a_wrong_type(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    assert_problem(post(shared_api, suggestion(urgent="yes")), 422, "urgent")
    assert stored(shared_api) == before


@pytest.mark.parametrize(
    ("body", "field", "deputy"),
    [
        (suggestion(lead_deputy_id="D450103-001"), "lead_deputy_id", "D450103-001"),
        (suggestion(cosigner_ids=["D450103-002"]), "cosigner_ids", "D450103-002"),
        (suggestion(cosigner_ids=["D450102-002", "D450103-002"]), "cosigner_ids", "D450103-002"),
        (suggestion(lead_deputy_id="D999999-001"), "lead_deputy_id", "D999999-001"),
    ],
    ids=["lead of another county", "co-signer of another county", "one of two", "no such"],
)
def test_a_deputy_beyond_the_keys_county_is_refused(
    shared_api: InProcessSystem, body: dict[str, Any], field: str, deputy: str
) -> None:
    before = stored(shared_api)
    problem = assert_problem(post(shared_api, body), 422, field)
    assert deputy in problem["detail"]
    assert stored(shared_api) == before


def test_another_countys_deputy_looks_like_no_deputy_at_all(shared_api: InProcessSystem) -> None:
    beside = post(shared_api, suggestion(lead_deputy_id="D450103-001")).get_json()
    missing = post(shared_api, suggestion(lead_deputy_id="D450199-001")).get_json()
    assert beside["detail"].replace("D450103-001", "X") == missing["detail"].replace(
        "D450199-001", "X"
    )


def test_a_body_over_the_size_limit_is_413_and_nothing_is_stored(
    shared_api: InProcessSystem,
) -> None:
    before = stored(shared_api)
    huge = json.dumps(suggestion(body="学" * (2 * 1024 * 1024 // 3)))
    assert len(huge.encode()) > 2 * 1024 * 1024 - 100
    answer = shared_api.client.post(
        URL,
        data=huge,
        content_type="application/json",
        headers=shared_api.headers(**{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 413)
    assert stored(shared_api) == before


def test_a_missing_idempotency_key_is_named(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(URL, json=GOOD_SUGGESTION, headers=shared_api.headers())
    assert_problem(answer, 422, "Idempotency-Key")
    assert stored(shared_api) == before


def test_an_overlong_idempotency_key_is_named(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    assert_problem(post(shared_api, GOOD_SUGGESTION, key="k" * 201), 422, "Idempotency-Key")
    assert stored(shared_api) == before


def test_a_body_that_is_not_json_is_refused(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL,
        data='{"title": "unterminated',
        content_type="application/json",
        headers=shared_api.headers(**{"Idempotency-Key": idem()}),
    )
    problem = assert_problem(answer, 400)
    assert problem["errors"], problem
    assert stored(shared_api) == before


def test_a_body_of_another_media_type_is_refused(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL,
        data="title=hello",
        content_type="application/x-www-form-urlencoded",
        headers=shared_api.headers(**{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 415, "Content-Type")
    assert stored(shared_api) == before


def test_a_json_array_is_refused(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    assert_problem(post(shared_api, [GOOD_SUGGESTION]), 422)
    assert stored(shared_api) == before


# -- who may file -------------------------------------------------------------------------


def test_no_api_key_is_401(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(URL, json=GOOD_SUGGESTION, headers={"Idempotency-Key": idem()})
    assert_problem(answer, 401)
    assert stored(shared_api) == before


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer nonsense",
        "Bearer renda_000000000000_not-the-secret",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ],
)
def test_a_bad_api_key_is_401(shared_api: InProcessSystem, authorization: str) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL,
        json=GOOD_SUGGESTION,
        headers={"Authorization": authorization, "Idempotency-Key": idem()},
    )
    assert_problem(answer, 401)
    assert stored(shared_api) == before


def test_a_real_key_id_with_a_wrong_secret_is_401(shared_api: InProcessSystem) -> None:
    prefix, key_id, _secret = shared_api.keys["county_system_450102"].split("_", 2)
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL,
        json=GOOD_SUGGESTION,
        headers=bearer(f"{prefix}_{key_id}_guessed", **{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 401)
    assert stored(shared_api) == before


@pytest.mark.parametrize("key_name", ["city_reader", "unit_450102_EDU"])
def test_a_key_that_may_only_read_is_403(shared_api: InProcessSystem, key_name: str) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL,
        json=GOOD_SUGGESTION,
        headers=shared_api.headers(key_name, **{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 403)
    assert stored(shared_api) == before


def test_a_reader_is_refused_before_its_body_is_validated(shared_api: InProcessSystem) -> None:
    answer = shared_api.client.post(
        URL,
        json=suggestion(title=5),
        headers=shared_api.headers("city_reader", **{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 403)


def _key_id(token: str) -> str:
    return token.split("_", 2)[1]


def test_a_revoked_key_is_401(shared_api: InProcessSystem) -> None:
    directory = shared_api.runtime("intake").directory
    token = new_key(shared_api, "450102", "system")
    directory.revoke_key(_key_id(token))  # before its first use: no cached principal
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL, json=GOOD_SUGGESTION, headers=bearer(token, **{"Idempotency-Key": idem()})
    )
    assert_problem(answer, 401)
    assert stored(shared_api) == before


def test_revoking_a_key_in_use_takes_effect_in_the_revoking_process(
    shared_api: InProcessSystem,
) -> None:
    directory = shared_api.runtime("intake").directory
    token = new_key(shared_api, "450102", "system")
    first = shared_api.client.post(
        URL, json=GOOD_SUGGESTION, headers=bearer(token, **{"Idempotency-Key": idem()})
    )
    assert first.status_code == 202
    directory.revoke_key(_key_id(token))
    before = stored(shared_api)
    answer = shared_api.client.post(
        URL, json=GOOD_SUGGESTION, headers=bearer(token, **{"Idempotency-Key": idem()})
    )
    assert_problem(answer, 401)
    assert stored(shared_api) == before


def test_the_key_may_come_in_x_api_key(shared_api: InProcessSystem) -> None:
    answer = shared_api.client.post(
        URL,
        json=GOOD_SUGGESTION,
        headers={"X-API-Key": shared_api.keys["county_system_450102"], "Idempotency-Key": idem()},
    )
    assert answer.status_code == 202, answer.get_json()


def test_a_401_says_how_to_authenticate(shared_api: InProcessSystem) -> None:
    answer = shared_api.client.post(URL, json=GOOD_SUGGESTION, headers={"Idempotency-Key": idem()})
    assert answer.status_code == 401
    assert answer.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_a_405_says_which_methods_are_allowed(shared_api: InProcessSystem) -> None:
    answer = shared_api.client.get(URL, headers=shared_api.headers())
    assert_problem(answer, 405)
    assert "POST" in answer.headers.get("Allow", "")


# -- actions on a suggestion: the same door, the same refusals ------------------------------

SOME_ID = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("screen", {}, "decision"),
        ("screen", {"decision": "approve"}, "decision"),
        ("screen", {"decision": "return"}, "reason"),
        ("screen", {"decision": "merge"}, "into"),
        ("screen", {"decision": "accept", "by": "me"}, "by"),
        ("assign", {"co_unit_ids": []}, "lead_unit_id"),
        ("reply", {"reply_class": "D", "text": "已办理"}, "reply_class"),
        ("record", {"kind": "contact", "text": "电话沟通"}, "stage"),
        ("evaluate", {"attitude": "happy", "result": "satisfied"}, "attitude"),
        ("mark-key", {"leading_official": "分管副市长"}, "supervisor"),
    ],
)
def test_a_bad_action_body_is_named_and_nothing_is_stored(
    shared_api: InProcessSystem, action: str, body: dict[str, Any], field: str
) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        f"{URL}/{SOME_ID}/{action}",
        json=body,
        headers=shared_api.headers(**{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 422, field)
    assert stored(shared_api) == before


def test_an_unknown_action_is_404(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        f"{URL}/{SOME_ID}/approve-everything",
        json={},
        headers=shared_api.headers(**{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 404)
    assert stored(shared_api) == before


@pytest.mark.parametrize(
    ("action", "key_name", "body"),
    [
        ("screen", "unit_450102_EDU", {"decision": "accept"}),
        ("evaluate", "unit_450102_EDU", {"attitude": "satisfied", "result": "satisfied"}),
        ("reply", "city_reader", {"reply_class": "A", "text": "已办理"}),
    ],
)
def test_an_action_outside_the_keys_role_is_403(
    shared_api: InProcessSystem, action: str, key_name: str, body: dict[str, Any]
) -> None:
    before = stored(shared_api)
    answer = shared_api.client.post(
        f"{URL}/{SOME_ID}/{action}",
        json=body,
        headers=shared_api.headers(key_name, **{"Idempotency-Key": idem()}),
    )
    assert_problem(answer, 403)
    assert stored(shared_api) == before
