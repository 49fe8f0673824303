"""What no view should see is refused at the door with a problem naming the field.

Found by fuzzing: each of these gave a 500, or (a NUL in a title) a 202 whose event then
failed forever in workflow on PostgreSQL. Nothing refused is stored.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.api.helpers import assert_problem, bearer, idem, new_key, stored, suggestion
from tests.support.system import GOOD_SUGGESTION, InProcessSystem

URL = "/intake/v1/suggestions"
RECORD = "/intake/v1/suggestions/any-suggestion/record"


def post_raw(
    system: InProcessSystem,
    data: str | bytes,
    url: str = URL,
    content_type: str | None = "application/json",
    key_name: str = "county_system_450102",
) -> Any:
    headers = system.headers(key_name, **{"Idempotency-Key": idem()})
    if content_type:
        headers["Content-Type"] = content_type
    return system.client.post(url, data=data, headers=headers)


def refused(system: InProcessSystem, answer: Any, status: int, field: str) -> dict[str, Any]:
    return assert_problem(answer, status, field)


# -- JSON the parser or the database cannot take ---------------------------------------


def test_a_body_nested_10000_deep_is_400_naming_the_body(shared_api: InProcessSystem) -> None:
    before = stored(shared_api)
    for deep in ("[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000):
        problem = refused(shared_api, post_raw(shared_api, deep), 400, "body")
        assert "nested deeper" in problem["detail"]
    assert stored(shared_api) == before


def test_a_body_nested_past_the_limit_inside_a_field_is_400(shared_api: InProcessSystem) -> None:
    body = json.dumps(
        suggestion(attachments=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])
    )
    refused(shared_api, post_raw(shared_api, body), 400, "body")


@pytest.mark.parametrize(
    "literal", ["9" * 5000, "-" + "9" * 5000, "1." + "5" * 5000, "1e999", "NaN", "Infinity"]
)
def test_a_number_literal_json_cannot_mean_is_400(
    shared_api: InProcessSystem, literal: str
) -> None:
    before = stored(shared_api)
    body = json.dumps(suggestion()).replace('"session"', '"session", "size": ' + literal)
    problem = refused(shared_api, post_raw(shared_api, body), 400, "body")
    assert "Traceback" not in problem["detail"]
    assert stored(shared_api) == before


@pytest.mark.parametrize(
    ("raw_title", "reason"),
    [('"a\\u0000b"', "NUL"), ('"\\ud800"', "surrogate"), ('"x\\udfffy"', "surrogate")],
    ids=["NUL", "lone high surrogate", "lone low surrogate"],
)
def test_text_the_database_cannot_store_is_422_naming_the_field(
    shared_api: InProcessSystem, raw_title: str, reason: str
) -> None:
    before = stored(shared_api)
    body = json.dumps(suggestion(title="PLACEHOLDER")).replace('"PLACEHOLDER"', raw_title)
    problem = refused(shared_api, post_raw(shared_api, body), 422, "title")
    assert reason in problem["errors"][0]["reason"]
    assert stored(shared_api) == before


def test_a_nul_deep_in_the_body_is_named_by_its_dotted_path(shared_api: InProcessSystem) -> None:
    body = suggestion(attachments=[{"name": "a\x00.pdf", "uri": "https://x.cn/a.pdf"}])
    refused(shared_api, post_raw(shared_api, json.dumps(body)), 422, "attachments.0.name")


def test_a_nul_in_a_field_name_is_refused(shared_api: InProcessSystem) -> None:
    body = json.dumps({**GOOD_SUGGESTION, "ti\x00tle": "x"})
    refused(shared_api, post_raw(shared_api, body), 422, "ti\x00tle")


def test_a_body_that_is_not_utf8_is_400(shared_api: InProcessSystem) -> None:
    refused(shared_api, post_raw(shared_api, b'{"title": "\xff\xfe"}'), 400, "body")


def test_a_surrogate_pair_is_one_character_and_accepted(shared_api: InProcessSystem) -> None:
    body = json.dumps(suggestion(title="emoji \U0001f600"))  # escaped as \ud83d\ude00
    assert "\\ud83d\\ude00" in body
    assert post_raw(shared_api, body).status_code == 202


# -- query and path parameters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/workflow/v1/suggestions?year=99999999999999999999", "year"),
        ("/workflow/v1/suggestions?year=1999", "year"),
        ("/workflow/v1/suggestions?offset=9223372036854775808", "offset"),
        ("/workflow/v1/suggestions?offset=1000001", "offset"),
        ("/workflow/v1/suggestions?limit=-1", "limit"),
        ("/workflow/v1/suggestions?year=" + "9" * 5000, "year"),
        ("/workflow/v1/public/suggestions?tenant=450102&year=2147483648", "year"),
        ("/workflow/v1/public/suggestions?tenant=450102&offset=99999999999999999999", "offset"),
        ("/workflow/v1/figures?year=2147483648", "year"),
        ("/workflow/v1/figures/best-units?n=2147483648", "n"),
        ("/notify/v1/inbox?recipient=unit:U450102-EDU&limit=9223372036854775808", "limit"),
        ("/workflow/v1/suggestions?tenant=45%000102", "tenant"),
        ("/workflow/v1/figures?session_name=%00", "session_name"),
        ("/intake/v1/receipts/ab%00c", "receipt_id"),
        ("/scoring/v1/deputies/D%00/points", "deputy_id"),
    ],
)
def test_a_parameter_out_of_range_or_unstorable_is_422_naming_it(
    shared_api: InProcessSystem, path: str, field: str
) -> None:
    refused(shared_api, shared_api.client.get(path, headers=shared_api.headers()), 422, field)


def test_the_edges_of_the_ranges_are_accepted(shared_api: InProcessSystem) -> None:
    for path in (
        "/workflow/v1/suggestions?year=2000&offset=1000000&limit=500",
        "/workflow/v1/suggestions?year=2100&offset=0&limit=1",
        "/workflow/v1/public/suggestions?tenant=450102&year=2026",
    ):
        assert shared_api.client.get(path, headers=shared_api.headers()).status_code == 200


# -- bodies, media types, sizes ----------------------------------------------------------


@pytest.mark.parametrize("url", [URL, RECORD])
@pytest.mark.parametrize("data", ["", "   "])
def test_an_empty_body_is_422_naming_the_body(
    shared_api: InProcessSystem, url: str, data: str
) -> None:
    before = stored(shared_api)
    refused(shared_api, post_raw(shared_api, data, url), 422, "body")
    assert stored(shared_api) == before


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_post_that_is_not_json_is_415_saying_so(
    shared_api: InProcessSystem, content_type: str | None
) -> None:
    before = stored(shared_api)
    answer = post_raw(shared_api, json.dumps(GOOD_SUGGESTION), content_type=content_type)
    problem = refused(shared_api, answer, 415, "Content-Type")
    assert "application/json" in problem["detail"]
    assert stored(shared_api) == before


def test_a_chunked_body_over_the_limit_is_413(shared_api: InProcessSystem) -> None:
    """No Content-Length: the body is read only up to RENDA_MAX_REQUEST_BYTES."""
    before = stored(shared_api)
    huge = json.dumps(suggestion(body="学" * (2 * 1024 * 1024 // 3))).encode()
    answer = shared_api.client.post(
        URL,
        input_stream=io.BytesIO(huge),
        headers=shared_api.headers(
            **{
                "Idempotency-Key": idem(),
                "Content-Type": "application/json",
                "Transfer-Encoding": "chunked",
            }
        ),
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(answer, 413)
    assert stored(shared_api) == before


# -- booleans are booleans ---------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 0, "true", "false", "yes", None])
def test_urgent_must_be_a_json_boolean(shared_api: InProcessSystem, value: Any) -> None:
    before = stored(shared_api)
    body = json.dumps({**GOOD_SUGGESTION, "urgent": value})
    refused(shared_api, post_raw(shared_api, body), 422, "urgent")
    assert stored(shared_api) == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("set-publication", {"publish": 1}, "publish"),
        ("set-publication", {"publish": "true"}, "publish"),
        ("reply", {"reply_class": "A", "text": "ok", "public": 0, "unit_id": "U"}, "public"),
    ],
)
def test_action_booleans_must_be_json_booleans(
    shared_api: InProcessSystem, action: str, body: dict[str, Any], field: str
) -> None:
    url = f"/intake/v1/suggestions/any-suggestion/{action}"
    refused(shared_api, post_raw(shared_api, json.dumps(body), url), 422, field)


def test_json_booleans_are_accepted(shared_api: InProcessSystem) -> None:
    assert post_raw(shared_api, json.dumps({**GOOD_SUGGESTION, "urgent": True})).status_code == 202
    url = "/intake/v1/suggestions/any-suggestion/set-publication"
    assert post_raw(shared_api, json.dumps({"publish": False}), url).status_code == 202


# -- the Bearer scheme ------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(shared_api: InProcessSystem, scheme: str) -> None:
    token = shared_api.keys["county_system_450102"]
    answer = shared_api.client.get(
        "/workflow/v1/suggestions", headers={"Authorization": f"{scheme} {token}"}
    )
    assert answer.status_code == 200, answer.get_json()


def test_another_scheme_is_still_401(shared_api: InProcessSystem) -> None:
    token = shared_api.keys["county_system_450102"]
    answer = shared_api.client.get(
        "/workflow/v1/suggestions", headers={"Authorization": f"Token {token}"}
    )
    assert_problem(answer, 401)
    assert bearer(token)["Authorization"].startswith("Bearer ")


# -- a deputy's supervision task done ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "report"),
        ({"report": ""}, 422, "report"),
        ({"report": "长" * 2001}, 422, "report"),
        ({"report": "已督办", "deputy_id": "D450102-002"}, 403, "deputy_id"),
        ({"report": "已督办", "score": 5}, 422, "score"),
    ],
)
def test_a_task_done_is_refused_at_the_door_naming_the_field(
    shared_api: InProcessSystem, body: dict[str, Any], status: int, field: str
) -> None:
    token = new_key(shared_api, "450102", "deputy", "D450102-001")
    answer = shared_api.client.post(
        "/intake/v1/projects/any-project/task_done",
        json=body,
        headers=bearer(token, **{"Idempotency-Key": idem()}),
    )
    refused(shared_api, answer, status, field)


def test_brackets_inside_text_count_for_nothing_and_the_body_is_accepted(
    shared_api: InProcessSystem,
) -> None:
    body = json.dumps(suggestion(title="[" * 40 + "建议" + "}" * 40), ensure_ascii=False)
    answer = post_raw(shared_api, body)
    assert answer.status_code == 202, answer.get_json()
