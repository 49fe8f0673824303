"""The door's refusals through gunicorn and on PostgreSQL, where they first showed."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.support.cluster import Cluster
from tests.support.system import GOOD_SUGGESTION

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


def _post(cluster: Cluster, data: bytes | Iterator[bytes]) -> requests.Response:
    return requests.post(
        cluster.url("intake-api", "/intake/v1/suggestions"),
        data=data,
        headers={
            **cluster.headers(),
            "Idempotency-Key": uuid.uuid4().hex,
            "Content-Type": "application/json",
        },
        timeout=30,
    )


def _submissions(cluster: Cluster) -> int:
    return cluster.count("intake", "select count(*) from submissions")


def test_a_chunked_body_over_the_limit_is_413(apis_on_postgres: Cluster) -> None:
    before = _submissions(apis_on_postgres)
    body = json.dumps({**GOOD_SUGGESTION, "body": "学" * 700_000}).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    answer = _post(apis_on_postgres, chunks())
    assert answer.status_code == 413, answer.text
    assert answer.headers["Content-Type"] == PROBLEM
    assert _submissions(apis_on_postgres) == before


def test_a_small_chunked_body_is_taken(apis_on_postgres: Cluster) -> None:
    body = json.dumps(GOOD_SUGGESTION).encode()
    assert _post(apis_on_postgres, iter([body[:10], body[10:]])).status_code == 202


def test_a_nul_in_a_title_is_refused_before_postgresql_sees_it(apis_on_postgres: Cluster) -> None:
    before = _submissions(apis_on_postgres)
    answer = _post(apis_on_postgres, json.dumps({**GOOD_SUGGESTION, "title": "a\x00b"}).encode())
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "title"
    assert _submissions(apis_on_postgres) == before


@pytest.mark.parametrize(
    "query", ["year=2147483648", "offset=9223372036854775808", "limit=99999999999", "tenant=%00"]
)
def test_a_parameter_postgresql_cannot_take_is_422(apis_on_postgres: Cluster, query: str) -> None:
    answer = apis_on_postgres.get("workflow", f"/workflow/v1/suggestions?{query}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == query.split("=")[0]
