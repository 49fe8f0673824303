"""A filing on PostgreSQL: the submission and its event are written by one statement in
autocommit (services/intake/api/submissions.py), so they must still be kept together or
not at all, a repeated Idempotency-Key must still be answered with the first receipt (also
when the repeats race), and an event its contract refuses must still never be written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from marshmallow import fields, validate
from sqlalchemy import select

from contracts.events.suggestion import SuggestionSubmittedV2
from contracts.registry import REGISTRY, EventType, Registry
from services.intake.store import Submission
from tests.support.browser import serving
from tests.support.infra import PostgresDatabases, run_id
from tests.support.system import GOOD_SUGGESTION, InProcessSystem, start_in_process

pytestmark = pytest.mark.integration


@pytest.fixture
def on_postgres(infrastructure: None, tmp_path: Path) -> Iterator[InProcessSystem]:
    databases = PostgresDatabases(f"ip{run_id()}")
    databases.create()
    system = start_in_process(tmp_path / "var", database_url=databases.url, with_worker=False)
    try:
        yield system
    finally:
        system.stop()
        databases.drop()


def _stored(system: InProcessSystem) -> tuple[list[Submission], list[Any]]:
    intake = system.runtime("intake")
    with intake.db.session() as session:
        submissions = list(session.scalars(select(Submission)))
        events = list(session.execute(select(intake.outbox.table)).mappings())
    return submissions, events


def test_a_filing_keeps_its_submission_and_event_together_and_wakes_the_relays(
    on_postgres: InProcessSystem,
) -> None:
    intake = on_postgres.runtime("intake")
    conninfo = intake.db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as listener:
        listener.execute(f'LISTEN "{intake.outbox.channel}"')
        answer = on_postgres.file(idempotency_key="k-1")
        woken = list(listener.notifies(timeout=5, stop_after=1))
    assert answer.status_code == 202, answer.get_json()
    receipt = answer.get_json()
    assert answer.headers["Location"] == receipt["href"] == f"/intake/v1/receipts/{receipt['id']}"
    assert receipt["status"] == "pending" and receipt["resource"] is None
    assert [n.channel for n in woken] == [intake.outbox.channel]

    (submission,), (event,) = _stored(on_postgres)
    assert submission.id == receipt["id"] and submission.idempotency_key == "k-1"
    assert submission.payload == GOOD_SUGGESTION
    assert event["type"] == "renda.suggestion.submitted.v2"
    assert event["routing_key"] == "suggestion.submitted"
    assert event["published_at"] is None
    assert event["payload"]["submission_id"] == receipt["id"]
    assert event["payload"]["title"] == GOOD_SUGGESTION["title"]
    assert event["headers"]["cloudEvents_id"] == event["event_id"]
    assert event["headers"]["tenant"] == receipt["tenant"]

    again = on_postgres.file(idempotency_key="k-1")
    assert again.status_code == 202 and again.get_json()["id"] == receipt["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = on_postgres.file({**GOOD_SUGGESTION, "title": "another"}, idempotency_key="k-1")
    assert other.status_code == 422, other.get_json()
    assert [len(rows) for rows in _stored(on_postgres)] == [1, 1]


def test_racing_repeats_of_a_key_make_one_submission_and_one_event(
    on_postgres: InProcessSystem,
) -> None:
    headers = on_postgres.headers(**{"Idempotency-Key": f"race-{uuid.uuid4()}"})
    with serving(on_postgres.client.application) as base, ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(
                    f"{base}/intake/v1/suggestions",
                    json=GOOD_SUGGESTION,
                    headers=headers,
                    timeout=60,
                ),
                range(6),
            )
        )
    assert {a.status_code for a in answers} == {202}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert [len(rows) for rows in _stored(on_postgres)] == [1, 1]


class _StricterSubmitted(SuggestionSubmittedV2):
    title = fields.String(required=True, validate=validate.Length(max=3))


def test_an_event_its_contract_refuses_is_not_written_nor_its_submission(
    on_postgres: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's schema lets the title through; the event's contract (here made
    stricter than the request's schema) is still checked before anything is written."""
    stricter = [t for t in REGISTRY.all() if t.name != "suggestion.submitted"]
    stricter.append(EventType("suggestion.submitted", 2, _StricterSubmitted, "stricter"))
    monkeypatch.setattr(on_postgres.runtime("intake").outbox, "registry", Registry(stricter))
    answer = on_postgres.file()
    assert answer.status_code == 500, answer.get_json()
    assert [len(rows) for rows in _stored(on_postgres)] == [0, 0]


def _end_intake_connections(system: InProcessSystem, *, refuse_new: bool = False) -> None:
    """What a PostgreSQL restart does to the API's pooled connections: each is ended under
    it; with `refuse_new`, the database also takes no new ones until allowed again."""
    from tests.support.infra import PG_ADMIN_URL

    database = system.runtime("intake").db.url.database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        if refuse_new:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )


def _allow_intake_connections(system: InProcessSystem) -> None:
    from tests.support.infra import PG_ADMIN_URL

    database = system.runtime("intake").db.url.database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def test_a_filing_on_a_connection_the_database_ended_is_503_and_kept_once_when_sent_again(
    on_postgres: InProcessSystem,
) -> None:
    """The filing's statement goes out on the pooled driver connection (Database.
    execute_alone): a connection ended under it is answered 503 with Retry-After, as any
    statement's, and dropped from the pool; the client's retry with the same key is
    stored once."""
    assert on_postgres.file().status_code == 202  # the pool holds a connection now
    _end_intake_connections(on_postgres)
    first = on_postgres.file(idempotency_key="after-restart")
    assert first.status_code == 503, first.get_json()
    assert first.headers["Retry-After"] == "1"
    assert first.mimetype == "application/problem+json"
    assert "Idempotency-Key" in first.get_json()["detail"]
    again = on_postgres.file(idempotency_key="after-restart")
    assert again.status_code == 202, again.get_json()
    submissions, events = _stored(on_postgres)
    assert [s.idempotency_key for s in submissions].count("after-restart") == 1
    assert len(submissions) == len(events) == 2


def test_a_filing_while_the_database_refuses_connections_is_503_then_stored_once(
    on_postgres: InProcessSystem,
) -> None:
    assert on_postgres.file().status_code == 202
    _end_intake_connections(on_postgres, refuse_new=True)
    try:
        for _ in range(2):  # the ended connection, then a new one the database refuses
            answer = on_postgres.file(idempotency_key="during-outage")
            assert answer.status_code == 503, answer.get_json()
            assert answer.headers["Retry-After"] == "1"
    finally:
        _allow_intake_connections(on_postgres)
    answer = on_postgres.file(idempotency_key="during-outage")
    assert answer.status_code == 202, answer.get_json()
    submissions, events = _stored(on_postgres)
    assert [s.idempotency_key for s in submissions].count("during-outage") == 1
    assert len(submissions) == len(events) == 2
