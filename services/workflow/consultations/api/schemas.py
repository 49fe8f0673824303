"""The consultation read side's shapes. A contact is masked unless the reader is the
opinion's contact point."""

from marshmallow import Schema, fields, validate

from contracts.consultation_actions import ADOPTIONS, CHANNELS
from contracts.fields import Year


class ConsultationListQuery(Schema):
    year = Year()


class ConsultationFiguresQuery(Schema):
    year = Year(required=True)
    node = fields.String(validate=validate.Length(min=1, max=32))


class DraftArticleOut(Schema):
    number = fields.Integer()
    heading = fields.String()
    text = fields.String()


class ConsultationContactPointOut(Schema):
    station_id = fields.String()
    name = fields.String()
    deputy_ids = fields.List(fields.String())


class ConsultationOut(Schema):
    id = fields.String()
    number = fields.String(metadata={"example": "450102-2026-01"})
    tenant = fields.String()
    year = fields.Integer()
    title = fields.String()
    issuing_body = fields.String()
    articles = fields.List(fields.Nested(DraftArticleOut))
    questions = fields.List(fields.String())
    deadline = fields.Date()
    open = fields.Boolean(metadata={"description": "comments are taken (until the deadline)"})
    contact_points = fields.List(fields.Nested(ConsultationContactPointOut))
    planned_by = fields.String()
    published_at = fields.AwareDateTime()
    answered_at = fields.AwareDateTime(allow_none=True)


class ConsultationList(Schema):
    items = fields.List(fields.Nested(ConsultationOut))


class DraftOpinionOut(Schema):
    id = fields.String()
    public_code = fields.String()
    station_id = fields.String()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    gathering_id = fields.String(allow_none=True)
    article = fields.Integer(allow_none=True, metadata={"description": "null: the whole draft"})
    text = fields.String()
    recorded_by = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "received, merged, submitted, answered"})
    merged_into = fields.String(allow_none=True)
    report_id = fields.String(allow_none=True)
    adoption = fields.String(allow_none=True, validate=validate.OneOf(ADOPTIONS))
    reason = fields.String(allow_none=True)
    phone = fields.String(
        allow_none=True,
        metadata={"description": "masked (138****1234) unless the reader is its contact point"},
    )
    name = fields.String(allow_none=True, metadata={"description": "only for its contact point"})
    received_at = fields.AwareDateTime()
    answered_at = fields.AwareDateTime(allow_none=True)


class GatheringOut(Schema):
    id = fields.String()
    station_id = fields.String()
    kind = fields.String()
    held_on = fields.Date()
    participants = fields.Integer()
    note = fields.String()
    recorded_by = fields.String()


class ConsultationDetailOut(ConsultationOut):
    opinions = fields.List(fields.Nested(DraftOpinionOut))
    gatherings = fields.List(fields.Nested(GatheringOut))


class GroupedOpinionOut(Schema):
    id = fields.String()
    public_code = fields.String()
    channel = fields.String()
    text = fields.String()
    duplicates = fields.List(fields.String(), metadata={"description": "codes merged into it"})
    adoption = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class ArticleGroupOut(Schema):
    article = fields.Integer(allow_none=True, metadata={"description": "null: the whole draft"})
    opinions = fields.List(fields.Nested(GroupedOpinionOut))


class ConsultationReportOut(Schema):
    id = fields.String()
    number = fields.String(metadata={"example": "450102-2026-01-R1"})
    consultation_id = fields.String()
    consultation_number = fields.String()
    title = fields.String()
    issuing_body = fields.String(metadata={"description": "the draft's issuing body"})
    station_id = fields.String()
    station_name = fields.String()
    summary = fields.String()
    submitted_by = fields.String()
    submitted_at = fields.AwareDateTime()
    opinions = fields.Integer()
    merged = fields.Integer()
    forums = fields.Integer()
    visits = fields.Integer()
    participants = fields.Integer()
    by_article = fields.List(fields.Nested(ArticleGroupOut))


class ConsultationReportList(Schema):
    items = fields.List(fields.Nested(ConsultationReportOut))


class ConsultationCountsOut(Schema):
    drafts = fields.Integer()
    received = fields.Integer()
    submitted = fields.Integer()
    merged = fields.Integer()
    adopted_fully = fields.Integer()
    adopted_partly = fields.Integer()
    not_adopted = fields.Integer()
    forums = fields.Integer()
    visits = fields.Integer()
    people = fields.Integer(
        metadata={"description": "at forums and visits, plus each opinion left alone"}
    )


class ConsultationFiguresOut(Schema):
    node = fields.String()
    year = fields.Integer()
    total = fields.Nested(ConsultationCountsOut)
    counties = fields.Dict(keys=fields.String(), values=fields.Nested(ConsultationCountsOut))
    contact_points = fields.Dict(keys=fields.String(), values=fields.Nested(ConsultationCountsOut))


class ArticleOutcomeOut(Schema):
    fully = fields.Integer()
    partly = fields.Integer()
    not_ = fields.Integer(data_key="not", attribute="not")
    reasons = fields.List(fields.Dict())


class PublicArticleOut(DraftArticleOut):
    outcome = fields.Nested(ArticleOutcomeOut, allow_none=True)


class PublicContactPointOut(Schema):
    station_id = fields.String()
    name = fields.String()


class PublicConsultationOut(Schema):
    id = fields.String()
    number = fields.String()
    title = fields.String()
    issuing_body = fields.String()
    deadline = fields.Date()
    open = fields.Boolean()
    questions = fields.List(fields.String())
    contact_points = fields.List(fields.Nested(PublicContactPointOut))
    articles = fields.List(fields.Nested(PublicArticleOut))
    whole_draft_outcome = fields.Nested(ArticleOutcomeOut, allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class PublicConsultationList(Schema):
    items = fields.List(fields.Nested(PublicConsultationOut))


class PublicOpinionStatusOut(Schema):
    public_code = fields.String()
    consultation_id = fields.String()
    title = fields.String()
    article = fields.Integer(allow_none=True)
    state = fields.String()
    adoption = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
