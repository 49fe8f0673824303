"""GET /notify/v1/inbox?recipient=unit:<id>: a person's in-app inbox."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from contracts.fields import Limit
from runtime.http import not_found, principal, service
from services.notify.recipients import recipient_path
from services.notify.store import InboxMessage

blp = Blueprint("inbox", __name__, url_prefix="/inbox", description="In-app inbox")


class InboxQuery(Schema):
    recipient = fields.String(
        required=True,
        validate=validate.Regexp(r"^(unit|deputy|committee|directors):[\w-]{1,32}$"),
        metadata={"example": "unit:U450102-EDU"},
    )
    limit = Limit()


class MessageOut(Schema):
    id = fields.Integer()
    recipient = fields.String()
    kind = fields.String()
    subject = fields.String()
    body = fields.String()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class InboxOut(Schema):
    recipient = fields.String()
    items = fields.List(fields.Nested(MessageOut))


@blp.route("")
@blp.arguments(InboxQuery, location="query")
@blp.response(200, InboxOut)
def get_inbox(query: dict[str, Any]) -> dict[str, Any]:
    """Newest first. A unit's or deputy's own key sees only its own inbox."""
    who = principal()
    rt = service("notify")
    recipient = query["recipient"]
    path = recipient_path(rt.directory, recipient)
    if path is None or not who.can_see(path):
        raise not_found("inbox")
    # A unit's or deputy's key reads its own inbox only (not the committee's either).
    if who.role in ("unit", "deputy") and f"{who.role}:{who.subject}" != recipient:
        raise not_found("inbox")
    with rt.db.session() as session:
        items = list(
            session.scalars(
                select(InboxMessage)
                .where(InboxMessage.recipient == recipient)
                .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
                .limit(query["limit"])
            )
        )
    return {"recipient": recipient, "items": items}
