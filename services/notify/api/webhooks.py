"""A county's webhook endpoints: a county system manages those registered with its own API
key; the county's committee (the console) manages every endpoint of its tenant."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import not_found, principal, requires_role, service
from runtime.problems import DomainProblem
from services.notify.config import NotifySettings
from services.notify.deliveries import refuse_pending
from services.notify.store import WebhookEndpoint
from services.notify.webhooks import EVENT_TYPES, new_secret, secret_problem, url_problem

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks", description="Webhook endpoints")


class EndpointIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    event_types = fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"example": ["submission.accepted", "submission.rejected"]},
    )
    secret = fields.String(
        load_default=None,
        metadata={"description": "whsec_<base64, 24+ bytes>; one is generated if left out."},
    )


class EndpointOut(Schema):
    id = fields.String()
    url = fields.String()
    event_types = fields.List(fields.String())
    created_at = fields.AwareDateTime()
    disabled_at = fields.AwareDateTime(allow_none=True)
    disabled_reason = fields.String(allow_none=True)
    previous_secret_until = fields.AwareDateTime(allow_none=True)


class EndpointWithSecret(EndpointOut):
    secret = fields.String(metadata={"description": "Shown once: keep it."})


class EndpointList(Schema):
    items = fields.List(fields.Nested(EndpointOut))


class RotateIn(Schema):
    overlap_hours = fields.Float(
        load_default=24.0,
        validate=validate.Range(min=0, max=24 * 30),
        metadata={"description": "How long the old secret still signs beside the new one."},
    )
    secret = fields.String(load_default=None)


def _check(field: str, problem: str | None) -> None:
    if problem:
        raise DomainProblem(422, "Unprocessable Content", f"{field}: {problem}", field=field)


def _managed() -> Any:
    """A system key's own endpoints; for the committee, every endpoint of its tenant (the
    county stands behind its systems' keys, and the committee acts for the county)."""
    who = principal()
    if who.role == "committee":
        return WebhookEndpoint.tenant == who.node_id
    return WebhookEndpoint.owner_key_id == who.key_id


def _own(session: Any, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, _managed())
    )
    if endpoint is None:
        raise not_found("webhook endpoint")
    return endpoint


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> dict[str, Any]:
    return {**{name: getattr(endpoint, name) for name in EndpointOut().fields}, "secret": secret}


@blp.route("", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(EndpointIn)
@blp.response(201, EndpointWithSecret)
def register(body: dict[str, Any]) -> dict[str, Any]:
    """Register an endpoint for events of the key's tenant (and below it)."""
    settings = NotifySettings.from_env()
    _check("url", url_problem(body["url"], settings.allow_private_webhooks))
    secret = body["secret"] or new_secret()
    _check("secret", secret_problem(secret))
    who = principal()
    rt = service("notify")
    endpoint = WebhookEndpoint(
        id=str(uuid.uuid4()),
        owner_key_id=who.key_id,
        tenant=who.node_id,
        tenant_path=who.node_path,
        url=body["url"],
        event_types=sorted(set(body["event_types"])),
        secret=secret,
        created_at=rt.clock.now(),
    )
    with rt.db.transaction() as session:
        session.add(endpoint)
    return _with_secret(endpoint, secret)


@blp.route("", methods=["GET"])
@requires_role("system", "committee")
@blp.response(200, EndpointList)
def list_endpoints() -> dict[str, Any]:
    """The key's own endpoints, the committee's tenant's (secrets are never shown again)."""
    with service("notify").db.session() as session:
        items = list(
            session.scalars(
                select(WebhookEndpoint).where(_managed()).order_by(WebhookEndpoint.created_at)
            )
        )
    return {"items": items}


@blp.route("/<endpoint_id>", methods=["DELETE"])
@requires_role("system", "committee")
@blp.response(204)
def delete_endpoint(endpoint_id: str) -> None:
    """Stop sending to it; its deliveries stay in the log, those not yet sent as refused."""
    rt = service("notify")
    with rt.db.transaction() as session:
        endpoint = _own(session, endpoint_id)
        refuse_pending(
            session, f"endpoint:{endpoint.id}", "the endpoint was deleted", rt.clock.now()
        )
        session.delete(endpoint)


@blp.route("/<endpoint_id>/rotate-secret", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(RotateIn)
@blp.response(200, EndpointWithSecret)
def rotate_secret(body: dict[str, Any], endpoint_id: str) -> dict[str, Any]:
    """A new secret; the old one signs too (a second signature) until the overlap ends."""
    secret = body["secret"] or new_secret()
    _check("secret", secret_problem(secret))
    rt = service("notify")
    with rt.db.transaction() as session:
        endpoint = _own(session, endpoint_id)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = rt.clock.now() + timedelta(hours=body["overlap_hours"])
        endpoint.secret = secret
    return _with_secret(endpoint, secret)


@blp.route("/<endpoint_id>/enable", methods=["POST"])
@requires_role("system", "committee")
@blp.response(200, EndpointOut)
def enable(endpoint_id: str) -> WebhookEndpoint:
    """Send to a disabled endpoint again (after it answered 410); new events only."""
    with service("notify").db.transaction() as session:
        endpoint = _own(session, endpoint_id)
        endpoint.disabled_at = None
        endpoint.disabled_reason = None
    return endpoint
