"""Outcomes of a write that intake accepted for processing: they settle its receipt."""

from typing import Any

from marshmallow import fields, validate

from contracts.events.base import EventData
from contracts.registry import EventType


class SubmissionAcceptedV1(EventData):
    submission_id = fields.String(required=True)
    resource_type = fields.String(required=True, metadata={"example": "suggestion"})
    resource_id = fields.String(required=True)
    resource_number = fields.String(load_default=None, allow_none=True)


class SubmissionRejectedV1(EventData):
    submission_id = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1))
    field = fields.String(load_default=None, allow_none=True)


class SubmissionFailedV1(EventData):
    submission_id = fields.String(required=True)
    event_id = fields.String(required=True, metadata={"description": "the dead-lettered event"})
    event_type = fields.String(required=True, metadata={"example": "renda.suggestion.submitted.v2"})
    service = fields.String(required=True, metadata={"description": "whose queue gave it up"})
    reason = fields.String(
        required=True,
        validate=validate.OneOf(("failed", "redelivered")),
        metadata={
            "description": "failed: its handler failed on every attempt; redelivered: it "
            "crashed the consumer on every delivery"
        },
    )


def submission_of(event_name: str, data: dict[str, Any]) -> str | None:
    """The submission an event carries to be applied, if any (not an outcome's own).

    Only an id a receipt can have (at most 36 printable characters): a hostile one could
    make reporting the failure fail for ever.
    """
    if event_name.startswith("submission."):
        return None
    submission_id = data.get("submission_id")
    if isinstance(submission_id, str) and 0 < len(submission_id) <= 36:
        return submission_id if submission_id.isprintable() else None
    return None


EVENT_TYPES = [
    EventType(
        "submission.accepted",
        1,
        SubmissionAcceptedV1,
        "A service took a submission in and created the resource; the receipt says accepted.",
    ),
    EventType(
        "submission.rejected",
        1,
        SubmissionRejectedV1,
        "A service refused a submission by a rule of the domain; the receipt shows the reason.",
    ),
    EventType(
        "submission.failed",
        1,
        SubmissionFailedV1,
        "A service gave up the event of a submission (dead-lettered): the receipt says "
        "failed until a replay of the dead letter applies it.",
    ),
]
