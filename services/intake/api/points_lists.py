"""POST /intake/v1/points-lists: the committee publishes (and so freezes) a points list."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit

blp = Blueprint("intake_points_lists", __name__, url_prefix="/", description="Points lists")


class PublishIn(Schema):
    class Meta:
        unknown = RAISE

    place_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a township office (quarterly) or a county (quarterly, yearly)"},
    )
    period = fields.String(
        required=True,
        validate=validate.Regexp(r"\A[0-9]{4}(-Q[1-4])?\Z", error="a quarter (2026-Q1) or a year"),
        metadata={"example": "2026-Q1"},
    )


@blp.route("/points-lists", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(PublishIn)
@blp.response(202, ReceiptOut)
def publish_list(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Publish a place's list for an ended period; once published it never changes and
    anyone may read it at /scoring/v1/public/points-lists."""
    who = principal()
    place = service("intake").directory.node(body["place_id"])
    if place is None or not who.can_see(place.path):
        raise DomainProblem(
            422, "Invalid request", f"No place {body['place_id']} in your reach.", "place_id"
        )
    tenant = [part for part in who.node_path.split("/") if part][:2][-1]
    return submit(
        kind="points_list",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=who.node_path,
        event_name="points_list.publish_requested",
        event_data={"tenant": tenant, "submitted_by": who.key_id, **body},
    )
