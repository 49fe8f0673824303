"""Idempotency-Key: the same request twice is one submission; a reused key is refused."""

from __future__ import annotations

import json

from sqlalchemy import select

from contracts import REGISTRY
from services.intake.store import Submission
from tests.api.helpers import (
    assert_problem,
    bearer,
    new_key,
    settled_suggestion,
    stored,
    suggestion,
)
from tests.support.system import GOOD_SUGGESTION, InProcessSystem

URL = "/intake/v1/suggestions"


def test_the_same_key_and_body_replay_the_same_receipt(api_only: InProcessSystem) -> None:
    first = api_only.file(idempotency_key="order-1")
    again = api_only.file(idempotency_key="order-1")
    assert first.status_code == again.status_code == 202
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Location"] == first.headers["Location"] == first.get_json()["href"]
    assert stored(api_only) == (1, 1)


def test_the_same_json_with_other_key_order_and_spacing_is_a_replay(
    api_only: InProcessSystem,
) -> None:
    first = api_only.file(idempotency_key="order-2")
    reordered = json.dumps(dict(reversed(list(GOOD_SUGGESTION.items()))), indent=4)
    again = api_only.client.post(
        URL,
        data=reordered,
        content_type="application/json",
        headers=api_only.headers(**{"Idempotency-Key": "order-2"}),
    )
    assert again.status_code == 202
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert stored(api_only) == (1, 1)


def test_the_same_key_with_another_body_is_refused(api_only: InProcessSystem) -> None:
    first = api_only.file(idempotency_key="order-3")
    assert first.status_code == 202
    other = api_only.file(suggestion(title="另一条建议"), idempotency_key="order-3")
    assert_problem(other, 422, "Idempotency-Key")
    assert stored(api_only) == (1, 1)
    with api_only.runtime("intake").db.session() as session:
        [row] = session.scalars(select(Submission))
    assert row.payload["title"] == GOOD_SUGGESTION["title"]


def test_the_same_body_with_another_key_is_a_second_submission(api_only: InProcessSystem) -> None:
    first = api_only.file(idempotency_key="order-4")
    second = api_only.file(idempotency_key="order-5")
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] != second.get_json()["id"]
    assert "Idempotent-Replayed" not in second.headers
    assert stored(api_only) == (2, 2)


def test_keys_are_scoped_to_the_filing_county(api_only: InProcessSystem) -> None:
    qingxiu = new_key(api_only, "450103", "system")
    mine = api_only.file(idempotency_key="shared-key")
    theirs = api_only.client.post(
        URL,
        json=suggestion(lead_deputy_id="D450103-001", cosigner_ids=[]),
        headers=bearer(qingxiu, **{"Idempotency-Key": "shared-key"}),
    )
    assert mine.status_code == theirs.status_code == 202
    assert theirs.get_json()["id"] != mine.get_json()["id"]
    assert theirs.get_json()["tenant"] == "450103"
    assert stored(api_only) == (2, 2)


def test_a_key_reused_on_another_path_is_refused(api_only: InProcessSystem) -> None:
    first = api_only.file(idempotency_key="order-9")
    assert first.status_code == 202
    elsewhere = api_only.client.post(
        "/intake/v1/suggestions/00000000-0000-0000-0000-000000000001/screen",
        json={"decision": "accept"},
        headers=api_only.headers(**{"Idempotency-Key": "order-9"}),
    )
    assert_problem(elsewhere, 422, "Idempotency-Key")
    assert stored(api_only) == (1, 1)


def test_a_pending_receipt_and_its_outbox_event_are_stored_together(
    api_only: InProcessSystem,
) -> None:
    answer = api_only.client.post(
        URL,
        json=GOOD_SUGGESTION,
        headers=api_only.headers(**{"Idempotency-Key": "order-6", "X-Correlation-Id": "trace-6"}),
    )
    receipt = answer.get_json()
    assert receipt["status"] == "pending"
    assert receipt["resource"] is None
    assert receipt["tenant"] == "450102"
    assert answer.headers["Location"] == f"/intake/v1/receipts/{receipt['id']}"
    rt = api_only.runtime("intake")
    with rt.db.session() as session:
        [row] = session.execute(select(rt.outbox.table)).all()
    assert row.routing_key == "suggestion.submitted"
    assert row.type == REGISTRY.latest("suggestion.submitted").type  # the newest version
    assert row.published_at is None  # no worker here: it waits for the relay
    assert row.payload["submission_id"] == receipt["id"]
    assert row.payload["tenant"] == "450102"
    assert row.headers["tenant"] == "450102"
    assert row.headers["correlation_id"] == "trace-6"  # the caller's trace follows the event
    assert row.payload["title"] == GOOD_SUGGESTION["title"]


def test_a_replay_after_settling_shows_the_settled_receipt(system: InProcessSystem) -> None:
    first = system.file(idempotency_key="order-7")
    receipt, _ = settled_suggestion(system, first)
    again = system.file(idempotency_key="order-7")
    assert again.status_code == 202
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["id"] == receipt["id"]
    assert again.get_json()["status"] == "accepted"
    assert again.get_json()["resource"] == receipt["resource"]


def test_attachments_travel_by_reference_in_the_event(api_only: InProcessSystem) -> None:
    attachment = {
        "name": "现场照片.jpg",
        "uri": "https://county.example.cn/files/42",
        "media_type": "image/jpeg",
        "size": 204800,
    }
    answer = api_only.file(suggestion(attachments=[attachment]), idempotency_key="order-8")
    assert answer.status_code == 202, answer.get_json()
    rt = api_only.runtime("intake")
    with rt.db.session() as session:
        [row] = session.execute(select(rt.outbox.table)).all()
    [sent] = row.payload["attachments"]
    assert {k: sent[k] for k in attachment} == attachment
