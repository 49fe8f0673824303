"""GET /scoring/v1/station-ratings/<county>-<year>: a year's station stars (星级评定)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from runtime.http import not_found, principal, service
from services.scoring.api.points import Points
from services.scoring.api.statements import csv_response
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


def _rating(county_year: str) -> dict[str, Any]:
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


@blp.route("/<county_year>")
@blp.response(200, RatingOut)
def get_rating(county_year: str) -> dict[str, Any]:
    """Centres then stations, best first, as rated (e.g. `450102-2026`)."""
    return _rating(county_year)


@blp.route("/<county_year>.csv")
@blp.response(200, content_type="text/csv")
def get_rating_csv(county_year: str) -> Response:
    """The rating as CSV (UTF-8 with BOM), one row a centre or station."""
    found = _rating(county_year)
    directory = service("scoring").directory
    rows = []
    for u in found["items"]:
        node = directory.node(u.node_id)
        rows.append(
            [
                node.name if node else u.node_id,
                "中心联络站" if u.kind == "centre" else "联络站",
                u.opinions_handled,
                u.duty_shifts,
                u.activities,
                u.score,
                u.stars,
                "是" if u.model else "",
            ]
        )
    header = ["站点", "类别", "处理意见", "值班", "活动", "得分", "星级", "示范站点"]
    return csv_response(f"station-stars-{county_year}", header, rows)
