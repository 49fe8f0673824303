"""Webhook endpoints in the whole in-process system: an endpoint answering 410 is disabled
and its tenant's committee told; its owner sees why; rotation signs with both secrets."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from standardwebhooks import Webhook

from services.notify.store import InboxMessage
from tests.support.fakes.http import scripted
from tests.support.fakes.webhooks import WebhookReceiver
from tests.support.system import InProcessSystem

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEW_SECRET = "whsec_" + "c2VjcmV0LXR3by1pcy1sb25nLWVub3VnaC1vaw=="


def _wait(check: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDA_WEBHOOK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("RENDA_NOTIFY_POLL_SECONDS", "0.05")


def _register(system: InProcessSystem, url: str, secret: str = SECRET) -> dict:
    answer = system.client.post(
        "/notify/v1/webhooks",
        json={"url": url, "event_types": ["suggestion.assigned"], "secret": secret},
        headers=system.headers(),
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _endpoint(system: InProcessSystem, endpoint_id: str) -> dict:
    items = system.client.get("/notify/v1/webhooks", headers=system.headers()).get_json()["items"]
    return next(e for e in items if e["id"] == endpoint_id)


def test_an_endpoint_answering_410_is_disabled_and_its_owner_told(system: InProcessSystem) -> None:
    gone = WebhookReceiver(SECRET, scripted(then=410))
    try:
        endpoint = _register(system, gone.url)
        assert "secret" not in _endpoint(system, endpoint["id"])
        system.file()
        _wait(lambda: _endpoint(system, endpoint["id"])["disabled_at"] is not None)
        assert _endpoint(system, endpoint["id"])["disabled_reason"] == "HTTP 410 Gone"
        with system.runtime("notify").db.session() as session:
            kinds = [
                m.kind for m in session.query(InboxMessage).filter_by(recipient="committee:450102")
            ]
        assert "webhook.disabled" in kinds
        system.file(idempotency_key="second")
        time.sleep(1)
        assert gone.attempts == 1
        enabled = system.client.post(
            f"/notify/v1/webhooks/{endpoint['id']}/enable", headers=system.headers()
        )
        assert enabled.get_json()["disabled_at"] is None
    finally:
        gone.stop()


def test_a_rotated_secret_overlaps_the_old_one(system: InProcessSystem) -> None:
    receiver = WebhookReceiver(SECRET)
    try:
        endpoint = _register(system, receiver.url)
        rotated = system.client.post(
            f"/notify/v1/webhooks/{endpoint['id']}/rotate-secret",
            json={"secret": NEW_SECRET, "overlap_hours": 1},
            headers=system.headers(),
        )
        assert rotated.status_code == 200, rotated.get_json()
        assert rotated.get_json()["secret"] == NEW_SECRET
        system.file()
        _wait(lambda: len(receiver.verified) == 1)
        (request,) = receiver.server.requests
        # Both the old secret (the receiver's) and the new one verify the same request.
        Webhook(NEW_SECRET).verify(request.body, request.headers)
        assert len(request.headers["webhook-signature"].split(" ")) == 2
    finally:
        receiver.stop()


def test_another_keys_endpoint_is_not_found(system: InProcessSystem) -> None:
    receiver = WebhookReceiver(SECRET)
    try:
        endpoint = _register(system, receiver.url)
        reader = system.client.delete(
            f"/notify/v1/webhooks/{endpoint['id']}", headers=system.headers("unit_450102_EDU")
        )
        assert reader.status_code == 403
        deleted = system.client.delete(
            f"/notify/v1/webhooks/{endpoint['id']}", headers=system.headers()
        )
        assert deleted.status_code == 204
        again = system.client.delete(
            f"/notify/v1/webhooks/{endpoint['id']}", headers=system.headers()
        )
        assert again.status_code == 404
        assert again.mimetype == "application/problem+json"
    finally:
        receiver.stop()
