"""Outcomes of a write that intake accepted for processing: they settle its receipt."""

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
]
