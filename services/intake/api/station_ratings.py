"""POST /intake/v1/station-ratings: the committee rates its centres and stations for a year."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger, Year
from runtime.http import principal, requires_role
from runtime.idempotency import IdempotencyHeader
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit

blp = Blueprint("intake_station_ratings", __name__, url_prefix="/", description="Station stars")


class UnitIn(Schema):
    class Meta:
        unknown = RAISE

    node_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("centre", "station")),
        metadata={"description": "centre: a township's 中心联络站 (its township node)"},
    )
    opinions_handled = BoundedInteger(required=True, minimum=0, maximum=1_000_000)
    duty_shifts = BoundedInteger(required=True, minimum=0, maximum=1_000_000)
    activities = BoundedInteger(required=True, minimum=0, maximum=1_000_000)


class RatingIn(Schema):
    class Meta:
        unknown = RAISE

    year = Year(required=True)
    units = fields.List(
        fields.Nested(UnitIn), required=True, validate=validate.Length(min=1, max=2000)
    )


@blp.route("/station-ratings", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(RatingIn)
@blp.response(202, ReceiptOut)
def rate_stations(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Give a year's inputs of the county's centres and stations; scoring rates them once
    (weights, proportions and model count as the tenant set: `renda station-stars`)."""
    who = principal()
    parts = [part for part in who.node_path.split("/") if part]
    if len(parts) != 2:
        raise DomainProblem(403, "Forbidden", "A county committee's key rates its stations.")
    return submit(
        kind="station_ratings",
        idempotency_key=headers["idempotency_key"],
        tenant=parts[1],
        tenant_path=who.node_path,
        event_name="station_rating.requested",
        event_data={"tenant": parts[1], "submitted_by": who.key_id, **body},
    )
