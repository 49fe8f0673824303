"""POST /intake/v1/duty-stars: the committee confirms a year's duty stars (履职之星)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import Year
from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit

blp = Blueprint("intake_duty_stars", __name__, url_prefix="/", description="Duty stars")


class StarsIn(Schema):
    class Meta:
        unknown = RAISE

    place_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the congress (county or city)"},
    )
    year = Year(required=True)
    deputy_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "usually from /scoring/v1/duty-stars/proposal; people decide"},
    )


@blp.route("/duty-stars", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(StarsIn)
@blp.response(202, ReceiptOut)
def confirm_stars(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Confirm the year's stars of a congress; once confirmed they are not replaced."""
    who = principal()
    place = service("intake").directory.node(body["place_id"])
    if place is None or not who.can_see(place.path):
        raise DomainProblem(
            422, "Invalid request", f"No congress {body['place_id']} in your reach.", "place_id"
        )
    return submit(
        kind="duty_stars",
        idempotency_key=headers["idempotency_key"],
        tenant=place.id,
        tenant_path=who.node_path,
        event_name="duty_stars.confirm_requested",
        event_data={"tenant": place.id, "submitted_by": who.key_id, **body},
    )
