"""The delivery log: a county system's deliveries to its endpoints (or, for the committee,
its tenant's deliveries), dead ones to replay."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import not_found, principal, requires_role, service
from runtime.problems import DomainProblem
from services.notify.deliveries import replay
from services.notify.store import Delivery, WebhookEndpoint

blp = Blueprint("deliveries", __name__, url_prefix="/deliveries", description="Delivery log")

STATUSES = ("pending", "delivered", "refused", "dead")


class DeliveryQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    before = fields.Integer(load_default=None, validate=validate.Range(min=1))


class DeliveryOut(Schema):
    id = fields.Integer()
    message_id = fields.String(metadata={"description": "webhook-id / Message-ID / reference"})
    event_id = fields.String()
    event_type = fields.String()
    recipient = fields.String()
    channel = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime()
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class DeliveryList(Schema):
    items = fields.List(fields.Nested(DeliveryOut))
    next = fields.Integer(allow_none=True)


def _visible() -> list[Any]:
    """A system key sees deliveries to its own endpoints; the committee its tenant's."""
    who = principal()
    if who.role == "system":
        owned = select(WebhookEndpoint.id).where(WebhookEndpoint.owner_key_id == who.key_id)
        return [
            Delivery.channel == "webhook",
            Delivery.recipient.in_(
                select("endpoint:" + WebhookEndpoint.id).where(WebhookEndpoint.id.in_(owned))
            ),
        ]
    return [Delivery.tenant == who.node_id]


@blp.route("", methods=["GET"])
@requires_role("system", "committee")
@blp.arguments(DeliveryQuery, location="query")
@blp.response(200, DeliveryList)
def list_deliveries(query: dict[str, Any]) -> dict[str, Any]:
    """Newest first; `status=dead` lists what ran out of attempts."""
    where = _visible()
    if query["status"]:
        where.append(Delivery.status == query["status"])
    if query["before"]:
        where.append(Delivery.id < query["before"])
    with service("notify").db.session() as session:
        items = list(
            session.scalars(
                select(Delivery)
                .where(*where)
                .order_by(Delivery.id.desc())
                .limit(query["limit"] + 1)
            )
        )
    more = len(items) > query["limit"]
    items = items[: query["limit"]]
    return {"items": items, "next": items[-1].id if more else None}


@blp.route("/<int:delivery_id>/replay", methods=["POST"])
@requires_role("system", "committee")
@blp.response(200, DeliveryOut)
def replay_delivery(delivery_id: int) -> Delivery:
    """Send a dead (or refused) delivery again now, with the same message id."""
    rt = service("notify")
    with rt.db.transaction() as session:
        delivery = session.scalar(
            select(Delivery).where(Delivery.id == delivery_id, *_visible()).with_for_update()
        )
        if delivery is None:
            raise not_found("delivery")
        if not replay(session, delivery, rt.clock.now()):
            raise DomainProblem(
                409,
                "Conflict",
                f"Only a dead or refused delivery is replayed; this one is {delivery.status}.",
            )
    return delivery
