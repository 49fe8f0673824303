"""Events of a deputy's suggestion (代表建议), docs/domain.md §1."""

from marshmallow import fields, validate

from contracts.actions import ACTIONS as SUGGESTION_ACTIONS
from contracts.events.base import ActionRequested, EventData
from contracts.registry import EventType
from contracts.vocabulary import CATEGORIES, COLOURS, OCCASIONS, RATINGS, REPLY_CLASSES

WITHDRAWAL_CAUSES = ("returned", "converted", "merged", "reassigned")


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


class AttachmentRef(EventData):
    """A file kept by the county system; renda keeps only the reference."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uri = fields.Url(required=True, schemes={"https", "http"})
    media_type = fields.String(load_default=None, allow_none=True)
    size = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    sha256 = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9a-f]{64}$")
    )


class SuggestionSubmittedV2(SuggestionSubmittedV1):
    """v2 adds attachments by reference and the constituent's opinion it came from."""

    attachments = fields.List(fields.Nested(AttachmentRef), load_default=list)
    source_opinion_id = fields.String(load_default=None, allow_none=True)


def submitted_v1_to_v2(data: dict) -> dict:
    return {**data, "attachments": [], "source_opinion_id": None}


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
    round = fields.Integer(load_default=1, metadata={"description": "2 for a second assignment"})
    co_input_deadline = fields.Date(load_default=None, allow_none=True)
    lead_deputy_id = fields.String(load_default=None, allow_none=True)
    cosigner_ids = fields.List(fields.String(), load_default=list)


class Actor(EventData):
    key_id = fields.String(required=True)
    role = fields.String(required=True)
    subject = fields.String(load_default=None, allow_none=True)
    node_id = fields.String(required=True)
    node_path = fields.String(required=True)


class SuggestionActionRequestedV1(ActionRequested):
    ACTIONS = SUGGESTION_ACTIONS

    submission_id = fields.String(required=True)
    suggestion_id = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(list(SUGGESTION_ACTIONS)))
    actor = fields.Nested(Actor, required=True)
    submitted_at = fields.AwareDateTime(required=True)


class SuggestionRef(EventData):
    """What every later event of a suggestion carries, so consumers need no look-up."""

    suggestion_id = fields.String(required=True)
    number = fields.String(required=True)
    tenant = fields.String(required=True)
    title = fields.String(required=True)
    lead_deputy_id = fields.String(required=True)
    cosigner_ids = fields.List(fields.String(), load_default=list)
    is_key = fields.Boolean(load_default=False)


class SuggestionScreenedOutV1(SuggestionRef):
    reason = fields.String(load_default=None, allow_none=True)
    into_suggestion_id = fields.String(load_default=None, allow_none=True)
    at = fields.AwareDateTime(required=True)


class SuggestionConvertedV1(SuggestionScreenedOutV1):
    pass


class SuggestionMergedV1(SuggestionScreenedOutV1):
    pass


class SuggestionMarkedKeyV1(SuggestionRef):
    leading_official = fields.String(required=True)
    supervisor = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class SuggestionUnitRequestV1(SuggestionRef):
    unit_id = fields.String(required=True)
    reason = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class SuggestionAdjustRequestedV1(SuggestionUnitRequestV1):
    pass


class SuggestionExtensionRequestedV1(SuggestionUnitRequestV1):
    pass


class WithdrawnUnit(EventData):
    unit_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(["lead", "co"]))


class SuggestionAssignmentWithdrawnV1(SuggestionRef):
    units = fields.List(
        fields.Nested(WithdrawnUnit),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "the units taken off; their time is not held against them"},
    )
    round = fields.Integer(required=True)
    cause = fields.String(
        required=True,
        validate=validate.OneOf(WITHDRAWAL_CAUSES),
        metadata={
            "description": "screened out after assignment (returned, converted, merged), "
            "or assigned to other units (reassigned)"
        },
    )
    at = fields.AwareDateTime(required=True)


class SuggestionExtendedV1(SuggestionRef):
    lead_unit_id = fields.String(required=True)
    deadline = fields.Date(required=True)
    at = fields.AwareDateTime(required=True)


class SuggestionRepliedV1(SuggestionRef):
    lead_unit_id = fields.String(required=True)
    round = fields.Integer(required=True)
    reply_class = fields.String(required=True, validate=validate.OneOf(REPLY_CLASSES))
    evaluation_closes = fields.Date(required=True)
    at = fields.AwareDateTime(required=True)


class SuggestionEvaluatedV1(SuggestionRef):
    round = fields.Integer(required=True)
    deputy_id = fields.String(required=True)
    attitude = fields.String(required=True, validate=validate.OneOf(RATINGS))
    result = fields.String(required=True, validate=validate.OneOf(RATINGS))
    at = fields.AwareDateTime(required=True)


class SuggestionClosedV1(SuggestionRef):
    lead_unit_id = fields.String(required=True)
    reply_class = fields.String(required=True, validate=validate.OneOf(REPLY_CLASSES))
    done = fields.Boolean(required=True)
    follow_up_deadline = fields.Date(load_default=None, allow_none=True)
    at = fields.AwareDateTime(required=True)


class SuggestionDoneV1(SuggestionRef):
    lead_unit_id = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class SuggestionAwaitingMeetingV1(SuggestionRef):
    lead_unit_id = fields.String(required=True)
    round = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)


class AssignmentColourChangedV1(SuggestionRef):
    unit_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(["lead", "co"]))
    deadline = fields.Date(required=True)
    colour = fields.String(required=True, validate=validate.OneOf(COLOURS))
    previous = fields.String(required=True, validate=validate.OneOf(COLOURS))
    at = fields.AwareDateTime(required=True)


class FollowUpColourChangedV1(SuggestionRef):
    lead_unit_id = fields.String(required=True)
    deadline = fields.Date(required=True)
    colour = fields.String(required=True, validate=validate.OneOf(COLOURS))
    previous = fields.String(required=True, validate=validate.OneOf(COLOURS))
    at = fields.AwareDateTime(required=True)


class SupervisionOpinionRecordedV1(SuggestionRef):
    unit_id = fields.String(required=True)
    text = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


EVENT_TYPES = [
    EventType(
        "suggestion.submitted",
        1,
        SuggestionSubmittedV1,
        "A county system filed a deputy's suggestion through intake.",
        upcast=submitted_v1_to_v2,
    ),
    EventType(
        "suggestion.submitted",
        2,
        SuggestionSubmittedV2,
        "A county system filed a deputy's suggestion (with attachments by reference).",
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
    EventType(
        "suggestion.action_requested",
        1,
        SuggestionActionRequestedV1,
        "Someone asked, through intake, to act on a suggestion; workflow decides.",
    ),
    EventType(
        "suggestion.converted",
        1,
        SuggestionConvertedV1,
        "Screening turned the suggestion into an ordinary letter.",
    ),
    EventType(
        "suggestion.merged",
        1,
        SuggestionMergedV1,
        "Screening merged the suggestion into another on the same matter.",
    ),
    EventType(
        "suggestion.marked_key",
        1,
        SuggestionMarkedKeyV1,
        "The committee made it a key suggestion, led by an official, supervised by a member.",
    ),
    EventType(
        "suggestion.adjust_requested",
        1,
        SuggestionAdjustRequestedV1,
        "A unit asked, within the window, to be taken off an assignment.",
    ),
    EventType(
        "suggestion.extension_requested",
        1,
        SuggestionExtensionRequestedV1,
        "The lead unit asked for the one extension of its deadline.",
    ),
    EventType(
        "suggestion.assignment_withdrawn",
        1,
        SuggestionAssignmentWithdrawnV1,
        "Units were taken off the suggestion: it was screened out or assigned to others. "
        "It no longer counts as assigned to them, nor (screened out) in the figures.",
    ),
    EventType(
        "suggestion.extended",
        1,
        SuggestionExtendedV1,
        "The committee approved the extension; the lead unit has a new deadline.",
    ),
    EventType(
        "suggestion.replied",
        1,
        SuggestionRepliedV1,
        "The lead unit replied; the proposers' evaluation window is open.",
    ),
    EventType(
        "suggestion.evaluated",
        1,
        SuggestionEvaluatedV1,
        "A proposer rated the reply (seen by the unit only once the round is final).",
    ),
    EventType(
        "suggestion.awaiting_meeting",
        1,
        SuggestionAwaitingMeetingV1,
        "A rating below satisfied: a face-to-face meeting and a second assignment follow.",
    ),
    EventType(
        "suggestion.closed",
        1,
        SuggestionClosedV1,
        "The suggestion is closed (办结); a B reply is followed up until done.",
    ),
    EventType(
        "suggestion.done",
        1,
        SuggestionDoneV1,
        "The lead unit reported a B reply's matter actually done (办成).",
    ),
    EventType(
        "assignment.colour_changed",
        1,
        AssignmentColourChangedV1,
        "An open assignment turned white, yellow or red against its deadline.",
    ),
    EventType(
        "suggestion.follow_up_colour_changed",
        1,
        FollowUpColourChangedV1,
        "A closed B reply's follow-up turned yellow or red before the unit reported it done.",
    ),
    EventType(
        "supervision.opinion_recorded",
        1,
        SupervisionOpinionRecordedV1,
        "The committee recorded a supervision opinion (督办意见) on an assignment.",
    ),
]
