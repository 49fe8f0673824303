"""Events of a deputy's suggestion (代表建议), DOMAIN.md §1."""

from marshmallow import fields, validate

from contracts.events.base import EventData
from contracts.registry import EventType
from contracts.vocabulary import CATEGORIES, OCCASIONS


class SuggestionSubmittedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "county congress node id"})
    lead_deputy_id = fields.String(required=True)
    cosigner_ids = fields.List(fields.String(), load_default=list)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    occasion = fields.String(required=True, validate=validate.OneOf(OCCASIONS))
    session_name = fields.String(load_default=None, allow_none=True)
    urgent = fields.Boolean(load_default=False)
    submitted_at = fields.AwareDateTime(required=True)


class SuggestionAcceptedV1(EventData):
    suggestion_id = fields.String(required=True)
    number = fields.String(required=True, metadata={"example": "450102-2026-0042"})
    tenant = fields.String(required=True)
    lead_deputy_id = fields.String(required=True)
    cosigner_ids = fields.List(fields.String(), load_default=list)
    title = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    urgent = fields.Boolean(required=True)
    accepted_at = fields.AwareDateTime(required=True)


class SuggestionReturnedV1(EventData):
    suggestion_id = fields.String(required=True)
    number = fields.String(required=True)
    tenant = fields.String(required=True)
    lead_deputy_id = fields.String(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True)
    returned_at = fields.AwareDateTime(required=True)


class SuggestionAssignedV1(EventData):
    suggestion_id = fields.String(required=True)
    number = fields.String(required=True)
    tenant = fields.String(required=True)
    title = fields.String(required=True)
    lead_unit_id = fields.String(required=True)
    co_unit_ids = fields.List(fields.String(), load_default=list)
    deadline = fields.Date(required=True, metadata={"description": "last day, Asia/Shanghai"})
    assigned_at = fields.AwareDateTime(required=True)


EVENT_TYPES = [
    EventType(
        "suggestion.submitted",
        1,
        SuggestionSubmittedV1,
        "A county system filed a deputy's suggestion through intake.",
    ),
    EventType(
        "suggestion.accepted",
        1,
        SuggestionAcceptedV1,
        "Screening accepted the suggestion; it is numbered and counts for the deputy.",
    ),
    EventType(
        "suggestion.returned",
        1,
        SuggestionReturnedV1,
        "Screening returned the suggestion to the deputy with a reason.",
    ),
    EventType(
        "suggestion.assigned",
        1,
        SuggestionAssignedV1,
        "The suggestion was assigned to a lead unit (and co-handling units) with a deadline.",
    ),
]
