"""Events of a constituent's opinion (群众意见), docs/domain.md §2.

No event carries a phone or a name in clear: `opinion.submitted` carries them encrypted
(contracts/contact.py) from intake to workflow, and the masked phone for display; the
events that tell the constituent (escalated, adopted, closed) carry the encrypted phone
for notify, which opens it only to send the SMS.
"""

from marshmallow import fields, validate

from contracts.events.base import ActionRequested, EventData
from contracts.events.suggestion import Actor
from contracts.opinion_actions import (
    OPINION_ACTIONS,
    URGENCIES,
)
from contracts.registry import EventType
from contracts.vocabulary import CATEGORIES

CHANNELS = (
    "qr_code",
    "photo_report",
    "reception_day",
    "duty_shift",
    "visit",
    "message_board",
    "wechat_group",
)
"""How an opinion came: 扫码留言, 代表随手拍, 接待选民日, 坐班轮值, 走访, 留言板, 微信群."""

CONTACT_POINT_KINDS = (
    "liaison_station",
    "residents_group",
    "company_studio",
    "government_liaison_room",
    "village",
)
"""代表联络站, 民情联系点, 企业代表工作室, "一府一委两院"代表联络室, 村级联系点."""

LEVELS = ("station", "township", "county", "department")
OUTCOMES = ("resolved", "forwarded", "suggestion_closed")


PHOTO_NAME = validate.Regexp(r"^[0-9a-f]{32}\.(jpg|png|webp)$")
"""A photo's name as intake makes it: random, never chosen by a client."""


class PhotoRef(EventData):
    """A photo intake kept (without metadata); the bytes stay in intake's photo storage."""

    name = fields.String(
        required=True,
        validate=PHOTO_NAME,
        metadata={"description": "served at /intake/v1/public/opinions/photos/{name}"},
    )
    media_type = fields.String(
        required=True, validate=validate.OneOf(["image/jpeg", "image/png", "image/webp"])
    )
    width = fields.Integer(required=True, validate=validate.Range(min=1))
    height = fields.Integer(required=True, validate=validate.Range(min=1))
    bytes = fields.Integer(required=True, validate=validate.Range(min=1))


class OpinionSubmittedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "county congress node id"})
    station_id = fields.String(required=True)
    station_path = fields.String(required=True)
    contact_point_kind = fields.String(required=True, validate=validate.OneOf(CONTACT_POINT_KINDS))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    public_code = fields.String(required=True, validate=validate.Length(min=6, max=16))
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    category = fields.String(load_default=None, allow_none=True)
    urgency = fields.String(load_default="normal", validate=validate.OneOf(URGENCIES))
    name_encrypted = fields.String(load_default=None, allow_none=True)
    phone_encrypted = fields.String(load_default=None, allow_none=True)
    phone_masked = fields.String(load_default=None, allow_none=True)
    recorded_by = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "the deputy or key that recorded it (reception day, visit…)"},
    )
    token_id = fields.String(load_default=None, allow_none=True)
    place = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "where it was seen (a deputy's photo report)"},
    )
    photos = fields.List(
        fields.Nested(PhotoRef), load_default=list, validate=validate.Length(max=3)
    )
    submitted_at = fields.AwareDateTime(required=True)


class OpinionActionRequestedV1(ActionRequested):
    ACTIONS = OPINION_ACTIONS

    submission_id = fields.String(required=True)
    opinion_id = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(list(OPINION_ACTIONS)))
    actor = fields.Nested(Actor, required=True)
    submitted_at = fields.AwareDateTime(required=True)


class OpinionRef(EventData):
    opinion_id = fields.String(required=True)
    public_code = fields.String(required=True)
    tenant = fields.String(required=True)
    station_id = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    holder_node_id = fields.String(required=True)
    has_contact = fields.Boolean(
        required=True,
        metadata={"description": "the constituent left a phone (kept encrypted in workflow)"},
    )
    at = fields.AwareDateTime(required=True)


class OpinionRegisteredV1(OpinionRef):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    contact_point_kind = fields.String(required=True, validate=validate.OneOf(CONTACT_POINT_KINDS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))
    deadline = fields.Date(required=True)


class OpinionClassifiedV1(OpinionRef):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))


class ConstituentContact(EventData):
    """The phone the constituent left, for notify to tell them by SMS on the three events
    that concern them (ADR 0011): the ciphertext, opened only by notify at send time."""

    phone_encrypted = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Fernet ciphertext (contracts/contact.py); null: no phone"},
    )
    phone_masked = fields.String(
        load_default=None, allow_none=True, metadata={"example": "138****1234"}
    )


class OpinionEscalatedV1(OpinionRef, ConstituentContact):
    from_level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    from_node_id = fields.String(required=True)
    automatic = fields.Boolean(
        required=True, metadata={"description": "true: the level's deadline was missed"}
    )
    reason = fields.String(required=True)
    deadline = fields.Date(required=True)


class OpinionForwardedV1(OpinionRef):
    unit_id = fields.String(required=True)
    deadline = fields.Date(required=True)


class OpinionAdoptedV1(OpinionRef, ConstituentContact):
    deputy_id = fields.String(
        required=True, metadata={"description": "the deputy who adopted it (scoring books it)"}
    )
    suggestion_id = fields.String(required=True)


class OpinionClosedV1(OpinionRef, ConstituentContact):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reply = fields.String(required=True)
    resolved_level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    deputy_id = fields.String(
        load_default=None, allow_none=True, metadata={"description": "adopting deputy, if any"}
    )


class OpinionOverdueV1(OpinionRef):
    deadline = fields.Date(required=True)


class OpinionContactErasedV1(EventData):
    """The retention period after closing passed (ADR 0011): workflow erased the name and
    phone; intake erases the photos it keeps."""

    opinion_id = fields.String(required=True)
    tenant = fields.String(required=True)
    photos = fields.List(
        fields.String(validate=PHOTO_NAME),
        required=True,
        validate=validate.Length(max=10),
        metadata={"description": "names of the photos to erase from intake's photo storage"},
    )
    at = fields.AwareDateTime(required=True)


EVENT_TYPES = [
    EventType(
        "opinion.submitted",
        1,
        OpinionSubmittedV1,
        "A constituent's opinion came in through intake (QR code or recorded by a deputy or "
        "station); the contact is encrypted.",
    ),
    EventType(
        "opinion.action_requested",
        1,
        OpinionActionRequestedV1,
        "Someone asked, through intake, to act on an opinion; workflow decides.",
    ),
    EventType(
        "opinion.registered",
        1,
        OpinionRegisteredV1,
        "The opinion is in the register (在册登记), classified, at its contact point.",
    ),
    EventType(
        "opinion.classified", 1, OpinionClassifiedV1, "Its category or urgency was corrected."
    ),
    EventType(
        "opinion.escalated",
        1,
        OpinionEscalatedV1,
        "Sent up a level, by hand or because the level's deadline was missed.",
    ),
    EventType("opinion.forwarded", 1, OpinionForwardedV1, "Forwarded to a department (转办)."),
    EventType(
        "opinion.adopted",
        1,
        OpinionAdoptedV1,
        "A deputy adopted it as a suggestion; it follows the suggestion and closes with it.",
    ),
    EventType(
        "opinion.closed",
        1,
        OpinionClosedV1,
        "Closed with its outcome and the reply the constituent is told.",
    ),
    EventType(
        "opinion.overdue",
        1,
        OpinionOverdueV1,
        "The county, the last level, missed its deadline (nothing higher to send it to).",
    ),
    EventType(
        "opinion.contact_erased",
        1,
        OpinionContactErasedV1,
        "The retention after closing passed: the contact is erased, and intake erases the "
        "opinion's photos.",
    ),
]
