"""GET /scoring/v1/station-ratings/<county>-<year>: a year's station stars (星级评定)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from runtime.http import not_found, principal, service
from services.scoring.api.points import Points
from services.scoring.store import StationRating

blp = Blueprint(
    "station_ratings", __name__, url_prefix="/station-ratings", description="Station stars"
)


class RatedOut(Schema):
    node_id = fields.String()
    kind = fields.String()
    opinions_handled = fields.Integer()
    duty_shifts = fields.Integer()
    activities = fields.Integer()
    score = Points(metadata={"type": "number"})
    stars = fields.Integer(metadata={"description": "5, 4, 3, or 0 for none"})
    model = fields.Boolean(metadata={"description": "designated a model (示范站点)"})


class RatingOut(Schema):
    county = fields.String()
    year = fields.Integer()
    items = fields.List(fields.Nested(RatedOut))


@blp.route("/<county_year>")
@blp.response(200, RatingOut)
def get_rating(county_year: str) -> dict[str, Any]:
    """Centres then stations, best first, as rated (e.g. `450102-2026`)."""
    county, _, year = county_year.rpartition("-")
    if not (year.isascii() and year.isdigit() and len(year) == 4 and len(county) <= 32):
        raise not_found("rating")
    with service("scoring").db.session() as session:
        rows = list(
            session.scalars(
                select(StationRating)
                .where(StationRating.county == county, StationRating.year == int(year))
                .order_by(StationRating.position)
            )
        )
    if not rows or not principal().can_see(rows[0].county_path):
        raise not_found("rating")
    return {"county": county, "year": int(year), "items": rows}
