"""Events of a consultation on a draft law (征求意见, docs/domain.md §8).

No event carries a phone or a name in clear. `consultation.opinion_submitted` carries
them encrypted (contracts/contact.py) from intake to workflow with the masked phone;
`consultation.opinion_answered` carries the encrypted phone to notify, which decrypts it
only to send the SMS that tells the contributor (docs/adr/0014-telling-contributors.md).
"""

from marshmallow import fields, validate

from contracts.consultation_actions import (
    ADOPTIONS,
    CHANNELS,
    CONSULTATION_ACTIONS,
    ArticleIn,
    ContactPointIn,
)
from contracts.events.base import ActionRequested, EventData
from contracts.events.opinion import ConstituentContact
from contracts.events.suggestion import Actor
from contracts.registry import EventType


class ConsultationSubmittedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "county congress node id"})
    tenant_path = fields.String(required=True)
    title = fields.String(required=True)
    issuing_body = fields.String(required=True)
    articles = fields.List(fields.Nested(ArticleIn), required=True)
    deadline = fields.Date(required=True)
    contact_points = fields.List(fields.Nested(ContactPointIn), required=True)
    questions = fields.List(fields.String(), load_default=list)
    planned_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class ConsultationOpinionSubmittedV1(EventData):
    submission_id = fields.String(required=True)
    consultation_id = fields.String(required=True)
    station_id = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    article = fields.Integer(load_default=None, allow_none=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    public_code = fields.String(required=True, validate=validate.Length(min=6, max=16))
    name_encrypted = fields.String(load_default=None, allow_none=True)
    phone_encrypted = fields.String(load_default=None, allow_none=True)
    phone_masked = fields.String(load_default=None, allow_none=True)
    submitted_at = fields.AwareDateTime(required=True)


class ConsultationActionRequestedV1(ActionRequested):
    ACTIONS = CONSULTATION_ACTIONS

    submission_id = fields.String(required=True)
    consultation_id = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(list(CONSULTATION_ACTIONS)))
    actor = fields.Nested(Actor, required=True)
    submitted_at = fields.AwareDateTime(required=True)


class ConsultationRef(EventData):
    consultation_id = fields.String(required=True)
    number = fields.String(required=True, metadata={"example": "450102-2026-01"})
    tenant = fields.String(required=True)
    title = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class ConsultationPublishedV1(ConsultationRef):
    tenant_path = fields.String(required=True)
    deadline = fields.Date(required=True)
    station_ids = fields.List(fields.String(), required=True)
    deputy_ids = fields.List(
        fields.String(), required=True, metadata={"description": "the contact points' deputies"}
    )


class ConsultationReportSubmittedV1(ConsultationRef):
    report_number = fields.String(required=True, metadata={"example": "450102-2026-01-R1"})
    station_id = fields.String(required=True)
    opinions = fields.Integer(required=True, metadata={"description": "opinions it submits"})


class ConsultationOpinionAnsweredV1(ConsultationRef, ConstituentContact):
    opinion_id = fields.String(required=True)
    public_code = fields.String(required=True)
    article = fields.Integer(load_default=None, allow_none=True)
    adoption = fields.String(required=True, validate=validate.OneOf(ADOPTIONS))
    reason = fields.String(required=True)
    has_contact = fields.Boolean(required=True)


EVENT_TYPES = [
    EventType(
        "consultation.submitted",
        1,
        ConsultationSubmittedV1,
        "The committee asked, through intake, to open a consultation on a draft (its plan).",
    ),
    EventType(
        "consultation.opinion_submitted",
        1,
        ConsultationOpinionSubmittedV1,
        "An opinion on a draft came in through the public page; the contact is encrypted.",
    ),
    EventType(
        "consultation.action_requested",
        1,
        ConsultationActionRequestedV1,
        "Someone asked, through intake, to act on a consultation; workflow decides.",
    ),
    EventType(
        "consultation.published",
        1,
        ConsultationPublishedV1,
        "The draft is published for comment; the contact points' deputies are told.",
    ),
    EventType(
        "consultation.report_submitted",
        1,
        ConsultationReportSubmittedV1,
        "A contact point submitted its numbered report to the legislature.",
    ),
    EventType(
        "consultation.opinion_answered",
        1,
        ConsultationOpinionAnsweredV1,
        "What the legislature did with one contributor's opinion (or the one it was merged "
        "into); the contributor who left a phone is told.",
    ),
]
