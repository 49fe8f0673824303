"""The opinion read side's shapes. A contact is masked unless the reader holds it."""

from marshmallow import Schema, fields, validate

from contracts.events.opinion import CONTACT_POINT_KINDS, LEVELS
from contracts.fields import Limit, Offset, Year
from contracts.opinion_actions import URGENCIES
from contracts.vocabulary import CATEGORIES
from services.workflow.opinions.domain.opinion import State


class OpinionQuery(Schema):
    state = fields.String(validate=validate.OneOf([s.value for s in State]))
    level = fields.String(validate=validate.OneOf(LEVELS))
    station_id = fields.String(validate=validate.Length(min=1, max=32))
    holder_node_id = fields.String(validate=validate.Length(min=1, max=32))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    urgency = fields.String(validate=validate.OneOf(URGENCIES))
    limit = Limit()
    offset = Offset()


class OpinionPhotoOut(Schema):
    name = fields.String()
    media_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer()
    href = fields.String(metadata={"description": "the photo without metadata (EXIF location)"})


class OpinionItemOut(Schema):
    id = fields.String()
    public_code = fields.String()
    tenant = fields.String()
    station_id = fields.String()
    contact_point_kind = fields.String(validate=validate.OneOf(CONTACT_POINT_KINDS))
    channel = fields.String()
    text = fields.String()
    category = fields.String()
    urgency = fields.String()
    state = fields.String()
    level = fields.String()
    holder_node_id = fields.String()
    deadline = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    phone = fields.String(
        allow_none=True,
        metadata={"description": "masked (138****1234) unless the reader holds the opinion"},
    )
    name = fields.String(allow_none=True, metadata={"description": "only for the holder"})
    recorded_by = fields.String(allow_none=True)
    place = fields.String(allow_none=True, metadata={"description": "a photo report's place"})
    photos = fields.List(fields.Nested(OpinionPhotoOut))
    suggestion_id = fields.String(allow_none=True)
    adopted_by = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    reply = fields.String(allow_none=True)
    resolved_level = fields.String(allow_none=True)
    received_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)


class OpinionStepOut(Schema):
    at = fields.AwareDateTime()
    kind = fields.String()
    level = fields.String()
    node_id = fields.String()
    actor = fields.String(allow_none=True, metadata={"description": "None: the clock"})
    text = fields.String(allow_none=True)
    details = fields.Dict()


class OpinionDetailOut(OpinionItemOut):
    route = fields.List(fields.Nested(OpinionStepOut))


class OpinionItemPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(OpinionItemOut))


class PublicOpinionOut(Schema):
    """What anyone with the code sees: no name, no phone, no text."""

    public_code = fields.String()
    station_id = fields.String()
    station_name = fields.String()
    state = fields.String()
    level = fields.String()
    received_at = fields.AwareDateTime()
    outcome = fields.String(allow_none=True)
    reply = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)


class OpinionFiguresQuery(Schema):
    node = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a station, township, county or city; default: the key's"},
    )
    year = Year(required=True)


class OpinionMonthOut(Schema):
    month = fields.String(metadata={"example": "2026-03"})
    received = fields.Integer()
    closed = fields.Integer()
    resolved = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "closed by level: station, township, county, department"},
    )
    escalated = fields.Integer()
    escalated_automatically = fields.Integer()
    forwarded = fields.Integer()
    adopted = fields.Integer()
    median_working_days = fields.Float(
        allow_none=True, metadata={"description": "from receipt to closing, of those closed"}
    )


class OpinionFiguresOut(Schema):
    node = fields.String()
    year = fields.Integer()
    months = fields.List(fields.Nested(OpinionMonthOut))


class AdoptedOpinionOut(Schema):
    public_code = fields.String()
    category = fields.String()
    received_on = fields.Date()
    suggestion_number = fields.String()
    suggestion_state = fields.String()
    outcome = fields.String(allow_none=True, metadata={"description": "once the opinion closed"})


class StationAdoptionsOut(Schema):
    """A station's 采纳情况: no text, no name, no phone."""

    station_id = fields.String()
    station_name = fields.String()
    received = fields.Integer()
    closed = fields.Integer()
    adopted = fields.Integer()
    items = fields.List(fields.Nested(AdoptedOpinionOut))
