from marshmallow import Schema, fields, validate

from contracts.fields import Limit, Offset, Year
from contracts.vocabulary import CATEGORIES
from services.workflow.suggestions.domain.suggestion import PUBLIC_PROGRESS


class AssignmentOut(Schema):
    unit_id = fields.String()
    role = fields.String(metadata={"description": "lead or co"})
    round = fields.Integer()
    status = fields.String(metadata={"description": "active, ended or withdrawn"})
    assigned_at = fields.AwareDateTime()
    deadline = fields.Date()
    deadline_basis = fields.String(
        metadata={
            "description": "official, or rule-based: computed for a year with no official "
            "holiday schedule loaded (renda holidays load)"
        }
    )
    colour = fields.String()
    adjust_reason = fields.String(allow_none=True)


class RecordOut(Schema):
    round = fields.Integer()
    unit_id = fields.String()
    kind = fields.String(metadata={"description": "contact, commitment, ledger or co_input"})
    stage = fields.String(allow_none=True)
    text = fields.String()
    at = fields.AwareDateTime()


class ReplyOut(Schema):
    round = fields.Integer()
    unit_id = fields.String()
    reply_class = fields.String()
    text = fields.String()
    public = fields.Boolean()
    replied_at = fields.AwareDateTime()


class EvaluationOut(Schema):
    round = fields.Integer()
    deputy_id = fields.String()
    attitude = fields.String()
    result = fields.String()
    comment = fields.String(allow_none=True)
    rated_at = fields.AwareDateTime()


class MeetingOut(Schema):
    round = fields.Integer()
    held_on = fields.Date()
    note = fields.String()


class OpinionOut(Schema):
    unit_id = fields.String()
    author = fields.String()
    text = fields.String()
    at = fields.AwareDateTime()


class AttachmentOut(Schema):
    name = fields.String()
    uri = fields.String()
    media_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)


class SuggestionOut(Schema):
    id = fields.String()
    number = fields.String()
    tenant = fields.String()
    year = fields.Integer()
    state = fields.String()
    lead_deputy_id = fields.String()
    cosigner_ids = fields.List(fields.String())
    title = fields.String()
    body = fields.String()
    category = fields.String()
    occasion = fields.String()
    session_name = fields.String(allow_none=True)
    urgent = fields.Boolean()
    attachments = fields.List(fields.Nested(AttachmentOut))
    source_opinion_id = fields.String(allow_none=True)
    screening_flags = fields.List(fields.String())
    fitting_topics = fields.List(fields.String())
    return_reason = fields.String(allow_none=True)
    merged_into_id = fields.String(allow_none=True)
    is_key = fields.Boolean()
    leading_official = fields.String(allow_none=True)
    supervisor = fields.String(allow_none=True)
    round = fields.Integer()
    lead_unit_id = fields.String(allow_none=True)
    deadline = fields.Date(allow_none=True)
    colour = fields.String(allow_none=True)
    extended = fields.Boolean()
    extension_requested = fields.Boolean(
        metadata={"description": "the lead unit asked for the one extension (to be decided)"}
    )
    reply_class = fields.String(allow_none=True)
    replied_on_time = fields.Boolean(allow_none=True)
    evaluation_closes = fields.Date(allow_none=True)
    final_result = fields.String(allow_none=True)
    second_assignments = fields.Integer()
    closed_at = fields.AwareDateTime(allow_none=True)
    done_at = fields.AwareDateTime(allow_none=True)
    follow_up_deadline = fields.Date(allow_none=True)
    publish = fields.Boolean()
    submitted_at = fields.AwareDateTime()
    accepted_at = fields.AwareDateTime(allow_none=True)
    assignments = fields.List(fields.Nested(AssignmentOut))


class SuggestionDetailOut(SuggestionOut):
    records = fields.List(fields.Nested(RecordOut))
    replies = fields.List(fields.Nested(ReplyOut))
    evaluations = fields.List(
        fields.Nested(EvaluationOut),
        metadata={"description": "a unit's key sees a round's ratings only once it is final"},
    )
    meetings = fields.List(fields.Nested(MeetingOut))
    supervision_opinions = fields.List(fields.Nested(OpinionOut))


class SuggestionQuery(Schema):
    tenant = fields.String(metadata={"description": "a node id within the key's reach"})
    state = fields.String(
        validate=validate.OneOf(
            [
                "submitted",
                "accepted",
                "returned",
                "converted",
                "merged",
                "assigned",
                "replied",
                "awaiting_meeting",
                "closed",
            ]
        )
    )
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    colour = fields.String(
        validate=validate.OneOf(["white", "yellow", "red"]),
        metadata={"description": "the lead assignment's colour (suggestions in handling)"},
    )
    unit_id = fields.String(metadata={"description": "suggestions this unit leads now"})
    year = Year()
    limit = Limit()
    offset = Offset()


class SuggestionPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(SuggestionOut))


class PublicQuery(Schema):
    tenant = fields.String(required=True)
    year = Year()
    limit = Limit()
    offset = Offset()


class PublicReplyOut(Schema):
    reply_class = fields.String()
    text = fields.String()
    replied_at = fields.AwareDateTime()


class PublicSuggestionOut(Schema):
    number = fields.String()
    title = fields.String()
    category = fields.String()
    session_name = fields.String(allow_none=True)
    lead_unit = fields.String(metadata={"description": "the handling unit's name"})
    closed_at = fields.AwareDateTime()
    done = fields.Boolean()
    reply = fields.Nested(PublicReplyOut)


class PublicPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(PublicSuggestionOut))


class ProgressQuery(Schema):
    tenant = fields.String(
        metadata={"description": "a node id, counted with its subtree; default: every county"}
    )
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    state = fields.String(validate=validate.OneOf([str(s) for s in PUBLIC_PROGRESS]))
    year = Year()
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "words in the title"}
    )
    limit = Limit()
    offset = Offset()


class ProgressOut(Schema):
    number = fields.String()
    tenant = fields.String()
    year = fields.Integer()
    title = fields.String()
    category = fields.String()
    state = fields.String()
    session_name = fields.String(allow_none=True)
    is_key = fields.Boolean()
    lead_unit = fields.String(allow_none=True, metadata={"description": "the unit's name"})
    deadline = fields.Date(allow_none=True)
    colour = fields.String(allow_none=True)
    accepted_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    done = fields.Boolean()
    final_result = fields.String(allow_none=True)
    reply = fields.Nested(PublicReplyOut, allow_none=True)


class ProgressPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(ProgressOut))
