"""Shapes of the opinion endpoints at intake: QR codes, filing, the public form."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from contracts.contact import PHONE
from contracts.events.opinion import CHANNELS, CONTACT_POINT_KINDS
from contracts.opinion_actions import URGENCIES
from contracts.vocabulary import CATEGORIES
from services.intake.api.schemas import ReceiptOut

NOT_BLANK = validate.Regexp(r"(?s).*\S", error="must not be blank")

OpinionText = fields.String(
    required=True,
    validate=[validate.Length(min=1, max=5000), NOT_BLANK],
    metadata={"description": "the opinion, up to 5,000 characters"},
)


class ContactIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(
        load_default=None, allow_none=True, validate=[validate.Length(min=1, max=60), NOT_BLANK]
    )
    phone = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "a mainland mobile number, 11 digits; kept encrypted"},
    )

    @validates("phone")
    def _phone(self, value: str | None, **_: object) -> None:
        if value is not None and not PHONE.match(value):
            raise ValidationError("a mobile number of 11 digits, e.g. 13812341234")


class PublicOpinionIn(ContactIn):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the token of the QR code that was scanned"},
    )
    text = OpinionText


Photos = fields.List(
    fields.Raw(metadata={"type": "string", "format": "binary"}),
    load_default=list,
    metadata={
        "description": "up to 3 files: JPEG, PNG or WebP (the content decides, not the name), "
        "each at most RENDA_OPINION_PHOTO_MAX_BYTES; kept without metadata (EXIF location)"
    },
)
"""Documents the multipart doors' file field; the files are read from the request's files."""


class PublicOpinionFormIn(PublicOpinionIn):
    photos = Photos


class RecordedOpinionIn(ContactIn):
    station_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the station (contact point) it belongs to"},
    )
    contact_point_kind = fields.String(
        load_default="liaison_station", validate=validate.OneOf(CONTACT_POINT_KINDS)
    )
    channel = fields.String(
        required=True, validate=validate.OneOf([c for c in CHANNELS if c != "qr_code"])
    )
    text = OpinionText
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    urgency = fields.String(load_default="normal", validate=validate.OneOf(URGENCIES))
    deputy_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the deputy who took it (reception day, visit, photo report)"},
    )
    place = fields.String(
        load_default=None,
        validate=[validate.Length(min=1, max=200), NOT_BLANK],
        metadata={"description": "where it was seen or taken (a photo report's place)"},
    )


class RecordedOpinionFormIn(RecordedOpinionIn):
    photos = Photos


class OpinionReceiptOut(ReceiptOut):
    public_code = fields.String(
        metadata={"description": "the constituent looks the opinion up with it"}
    )


class CodeIn(Schema):
    class Meta:
        unknown = RAISE

    station_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    label = fields.String(
        load_default="", validate=validate.Length(max=120), metadata={"example": "一楼公告栏"}
    )
    contact_point_kind = fields.String(
        load_default="liaison_station", validate=validate.OneOf(CONTACT_POINT_KINDS)
    )


class RevokeIn(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(load_default="", validate=validate.Length(max=500))


class CodeQuery(Schema):
    station_id = fields.String(validate=validate.Length(min=1, max=32))


class CodeOut(Schema):
    id = fields.String()
    station_id = fields.String()
    label = fields.String()
    contact_point_kind = fields.String()
    token = fields.String()
    link = fields.String(metadata={"description": "what the QR code encodes"})
    created_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class CodeList(Schema):
    items = fields.List(fields.Nested(CodeOut))


class StationDeputyOut(Schema):
    id = fields.String()
    name = fields.String()


class PublicCodeOut(Schema):
    station_id = fields.String()
    station_name = fields.String()
    contact_point_kind = fields.String()
    deputies = fields.List(
        fields.Nested(StationDeputyOut),
        metadata={"description": "the deputies who receive constituents at the station"},
    )
