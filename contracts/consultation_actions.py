"""Consultations on draft laws (docs/domain.md §8): the plan's shape, and the actions on a
consultation — the one list of their names, who may ask, and each one's arguments.
Intake validates a request with the schema; the same schema validates `args` of
`consultation.action_requested` in workflow."""

from __future__ import annotations

from typing import NamedTuple

from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger

NOT_BLANK = validate.Regexp(r"(?s).*\S", error="must not be blank")

MAX_ARTICLES = 300
ADOPTIONS = ("fully", "partly", "not")
"""What the legislature did with an opinion: adopted fully, partly, not adopted."""
GATHERINGS = ("forum", "visit")
"""座谈会 and 走访: a contact point's gatherings, with how many took part."""
CHANNELS = ("public_page", "forum", "visit", "deputy")
"""How an opinion on a draft came: the public page, a forum, a visit, a deputy."""

Text = fields.String(
    required=True,
    validate=[validate.Length(min=1, max=5000), NOT_BLANK],
    metadata={"description": "the opinion, up to 5,000 characters"},
)
Article = BoundedInteger(
    minimum=1,
    maximum=MAX_ARTICLES,
    load_default=None,
    allow_none=True,
    metadata={"description": "the article's number; null or absent: on the draft as a whole"},
)
StationId = fields.String(
    required=True,
    validate=validate.Length(min=1, max=32),
    metadata={"description": "the legislative contact point (a station taking part)"},
)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ArticleIn(Strict):
    heading = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200), NOT_BLANK],
        metadata={"example": "第三条"},
    )
    text = fields.String(required=True, validate=[validate.Length(min=1, max=20000), NOT_BLANK])


class ContactPointIn(Strict):
    station_id = StationId
    deputy_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "the deputies working at this contact point (told of the draft)"},
    )


class ConsultationPlanIn(Strict):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), NOT_BLANK])
    issuing_body = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120), NOT_BLANK],
        metadata={"example": "广西壮族自治区人大常委会法制工作委员会"},
    )
    articles = fields.List(
        fields.Nested(ArticleIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_ARTICLES),
        metadata={"description": "the draft, article by article; numbered from 1 in this order"},
    )
    deadline = fields.Date(required=True, metadata={"description": "the last day for comments"})
    contact_points = fields.List(
        fields.Nested(ContactPointIn), required=True, validate=validate.Length(min=1, max=50)
    )
    questions = fields.List(
        fields.String(validate=[validate.Length(min=1, max=500), NOT_BLANK]),
        load_default=list,
        validate=validate.Length(max=30),
        metadata={"description": "what the legislature especially wants to hear about"},
    )


class ConsultationActionIn(Strict):
    pass


class OpinionIn(Strict):
    article = Article
    text = Text


class RecordGatheringIn(ConsultationActionIn):
    station_id = StationId
    kind = fields.String(required=True, validate=validate.OneOf(GATHERINGS))
    held_on = fields.Date(required=True)
    participants = BoundedInteger(
        minimum=1, maximum=100_000, required=True, metadata={"description": "people who took part"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    opinions = fields.List(
        fields.Nested(OpinionIn), load_default=list, validate=validate.Length(max=200)
    )


class RecordOpinionIn(ConsultationActionIn):
    station_id = StationId
    article = Article
    text = Text
    deputy_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the deputy, when a county system or contact point records it"},
    )


class MergeIn(ConsultationActionIn):
    opinion_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "the duplicate"},
    )
    into_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "the opinion it repeats, which stays"},
    )


class ReportIn(ConsultationActionIn):
    station_id = StationId
    summary = fields.String(required=True, validate=[validate.Length(min=1, max=20000), NOT_BLANK])


class OutcomeIn(Strict):
    opinion_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    adoption = fields.String(required=True, validate=validate.OneOf(ADOPTIONS))
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


class AnswerIn(ConsultationActionIn):
    outcomes = fields.List(
        fields.Nested(OutcomeIn), required=True, validate=validate.Length(min=1, max=1000)
    )


class ConsultationAction(NamedTuple):
    schema: type[ConsultationActionIn]
    roles: tuple[str, ...]
    summary: str


HOLDERS = ("system", "committee")

CONSULTATION_ACTIONS: dict[str, ConsultationAction] = {
    "record_gathering": ConsultationAction(
        RecordGatheringIn,
        HOLDERS,
        "A contact point records a forum or visit: how many took part and the opinions given.",
    ),
    "record_opinion": ConsultationAction(
        RecordOpinionIn, ("deputy", *HOLDERS), "A deputy's opinion on the draft."
    ),
    "merge": ConsultationAction(
        MergeIn, HOLDERS, "The contact point merges a duplicate into the opinion it repeats."
    ),
    "report": ConsultationAction(
        ReportIn,
        HOLDERS,
        "The contact point submits its numbered report: its opinions by article, its summary.",
    ),
    "answer": ConsultationAction(
        AnswerIn,
        HOLDERS,
        "The committee records what the legislature adopted (fully, partly, not) and why; "
        "the contributors who left a contact are told.",
    ),
}
