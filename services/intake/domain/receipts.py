"""A receipt's life: pending until the owning service settles it.

Accepted and rejected are final. Failed (its event was dead-lettered) is not: a replay of
the dead letter applies the event, and its outcome settles the receipt again (ADR 0008).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"


def can_settle(status: str) -> bool:
    """A pending or failed receipt takes an outcome; a late or repeated one is ignored."""
    return status in (Status.PENDING, Status.FAILED)


def failure_reason(service: str, event_id: str, event_type: str) -> str:
    """What a county system reads on a failed receipt."""
    return (
        f"{service} could not apply this submission (event {event_id}, {event_type}); "
        "an operator has been alerted; it is applied when the dead letter is replayed."
    )
