"""Assertions and look-ups the API tests share."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select

from services.intake.store import Submission
from tests.support.system import GOOD_SUGGESTION, InProcessSystem

T = TypeVar("T")
PROBLEM = "application/problem+json"


def suggestion(**changes: Any) -> dict[str, Any]:
    """The good suggestion with some fields changed (None removes a field)."""
    body = {**GOOD_SUGGESTION, **changes}
    return {k: v for k, v in body.items() if v is not None}


def assert_problem(answer: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """An RFC 9457 answer with the status, naming `field` among its errors if given."""
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.headers["Content-Type"] == PROBLEM
    body = answer.get_json(force=True)
    assert body["status"] == status
    assert body["title"]
    assert "Traceback" not in answer.get_data(as_text=True)
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])]
        assert field in fields, body
        assert all(e["reason"] for e in body["errors"])
    return body


def stored(system: InProcessSystem) -> tuple[int, int]:
    """How many submissions and outbox rows intake holds."""
    rt = system.runtime("intake")
    with rt.db.session() as session:
        submissions = session.scalar(select(func.count()).select_from(Submission))
        outbox = session.scalar(select(func.count()).select_from(rt.outbox.table))
    return int(submissions or 0), int(outbox or 0)


def submissions_with_key(system: InProcessSystem, idempotency_key: str) -> int:
    with system.runtime("intake").db.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.idempotency_key == idempotency_key)
            )
            or 0
        )


def new_key(system: InProcessSystem, node_id: str, role: str, subject: str | None = None) -> str:
    return system.runtime("intake").directory.create_key(node_id, role, subject=subject)


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def idem() -> str:
    return uuid.uuid4().hex


def file_with(system: InProcessSystem, token: str, body: dict[str, Any]) -> Any:
    return system.client.post(
        "/intake/v1/suggestions", json=body, headers=bearer(token, **{"Idempotency-Key": idem()})
    )


def wait_for(probe: Callable[[], T | None], timeout: float = 10.0, every: float = 0.05) -> T:
    """The first truthy result of `probe`, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout}s; last result {result!r}")
        time.sleep(every)


def settled_suggestion(
    system: InProcessSystem, answer: Any, headers: dict[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The accepted receipt of a filing and the suggestion it created."""
    assert answer.status_code == 202, answer.get_json()
    headers = headers or system.headers()
    receipt = wait_for(
        lambda: (
            r
            if (r := system.client.get(answer.get_json()["href"], headers=headers).get_json())[
                "status"
            ]
            != "pending"
            else None
        )
    )
    assert receipt["status"] == "accepted", receipt
    found = system.client.get(receipt["resource"]["href"], headers=headers)
    assert found.status_code == 200
    return receipt, found.get_json()


def inbox(system: InProcessSystem, recipient: str, headers: dict[str, str] | None = None) -> Any:
    return system.client.get(
        "/notify/v1/inbox",
        query_string={"recipient": recipient},
        headers=headers or system.headers(),
    )


def points(system: InProcessSystem, deputy_id: str, headers: dict[str, str] | None = None) -> Any:
    return system.client.get(
        f"/scoring/v1/deputies/{deputy_id}/points", headers=headers or system.headers()
    )
