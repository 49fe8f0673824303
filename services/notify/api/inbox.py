"""A person's in-app inbox: newest first, in pages, with its unread count; mark read."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select, update

from contracts.fields import BoundedInteger, Limit
from runtime.http import answers_forbidden, not_found, service
from services.notify.api.access import recipient_field, require_own_or_supervised, require_owner
from services.notify.store import InboxMessage

blp = Blueprint("inbox", __name__, url_prefix="/inbox", description="In-app inbox")


class InboxQuery(Schema):
    recipient = recipient_field(required=True)
    limit = Limit()
    before = BoundedInteger(
        minimum=1,
        strict=False,
        load_default=None,
        metadata={"description": "The `next` of the previous page: messages older than it."},
    )
    unread = fields.Boolean(load_default=False, metadata={"description": "Unread ones only."})


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
    unread = fields.Integer(metadata={"description": "Unread messages in the whole inbox."})
    items = fields.List(fields.Nested(MessageOut))
    next = fields.Integer(allow_none=True, metadata={"description": "Pass as `before`."})


class ReadAll(Schema):
    recipient = recipient_field(required=True)


class ReadOut(Schema):
    recipient = fields.String()
    unread = fields.Integer()
    marked = fields.Integer()


@blp.route("")
@blp.arguments(InboxQuery, location="query")
@blp.response(200, InboxOut)
def get_inbox(query: dict[str, Any]) -> dict[str, Any]:
    """Newest first. A unit's or deputy's own key sees only its own inbox."""
    recipient = query["recipient"]
    require_own_or_supervised(recipient)
    where = [InboxMessage.recipient == recipient]
    if query["before"]:
        where.append(InboxMessage.id < query["before"])
    if query["unread"]:
        where.append(InboxMessage.read_at.is_(None))
    with service("notify").db.session() as session:
        items = list(
            session.scalars(
                select(InboxMessage)
                .where(*where)
                .order_by(InboxMessage.id.desc())
                .limit(query["limit"] + 1)
            )
        )
        unread = _unread(session, recipient)
    more = len(items) > query["limit"]
    items = items[: query["limit"]]
    return {
        "recipient": recipient,
        "unread": unread,
        "items": items,
        "next": items[-1].id if more else None,
    }


@blp.route("/<int:message_id>/read", methods=["POST"])
@answers_forbidden
@blp.response(200, MessageOut)
def mark_read(message_id: int) -> InboxMessage:
    """Mark one message read (reading it again changes nothing)."""
    rt = service("notify")
    with rt.db.transaction() as session:
        message = session.get(InboxMessage, message_id)
        if message is None:
            raise not_found("message")
        require_owner(message.recipient)
        if message.read_at is None:
            message.read_at = rt.clock.now()
        return message


@blp.route("/read-all", methods=["POST"])
@answers_forbidden
@blp.arguments(ReadAll)
@blp.response(200, ReadOut)
def mark_all_read(body: dict[str, Any]) -> dict[str, Any]:
    """Mark every unread message of the recipient read."""
    rt = service("notify")
    recipient = body["recipient"]
    require_owner(recipient)
    with rt.db.transaction() as session:
        marked = session.execute(
            update(InboxMessage)
            .where(InboxMessage.recipient == recipient, InboxMessage.read_at.is_(None))
            .values(read_at=rt.clock.now())
        ).rowcount
    return {"recipient": recipient, "unread": 0, "marked": marked}


def _unread(session: Any, recipient: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(InboxMessage)
        .where(InboxMessage.recipient == recipient, InboxMessage.read_at.is_(None))
    )
