from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger, StrictBoolean
from contracts.vocabulary import CATEGORIES, OCCASIONS
from services.intake.domain.receipts import Status


class AttachmentIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uri = fields.Url(required=True, schemes={"https", "http"})
    media_type = fields.String(validate=validate.Length(max=100))
    size = BoundedInteger(minimum=0, maximum=2**53 - 1)  # bytes; JSON's exact integers
    sha256 = fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class SuggestionIn(Schema):
    class Meta:
        unknown = RAISE

    lead_deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    cosigner_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        load_default=list,
        validate=validate.Length(max=100),
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    occasion = fields.String(
        required=True,
        validate=validate.OneOf(OCCASIONS),
        metadata={"description": "session (会议期间) or recess (闭会期间)"},
    )
    session_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=120),
        metadata={"example": "第十七届人民代表大会第三次会议"},
    )
    urgent = StrictBoolean(
        load_default=False,
        metadata={"description": "small/micro/urgent (小微急) quick route"},
    )
    attachments = fields.List(
        fields.Nested(AttachmentIn),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "files kept by the county system, by reference"},
    )
    source_opinion_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "the constituent's opinion the deputy adopted, if any"},
    )


class ResourceOut(Schema):
    type = fields.String()
    id = fields.String()
    number = fields.String(allow_none=True)
    href = fields.String()


class ReceiptOut(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String(
        validate=validate.OneOf([status.value for status in Status]),
        metadata={
            "description": "pending until settled; accepted or rejected is final; failed "
            "when the owning service gave its event up (see reason): an operator's replay "
            "may still settle it accepted or rejected"
        },
    )
    tenant = fields.String()
    resource = fields.Nested(ResourceOut, allow_none=True)
    reason = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    href = fields.String()
