"""GET /scoring/v1/public/points-lists…: published (frozen) points lists, for everyone."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import not_found, service
from services.scoring.api.points import Points
from services.scoring.api.statements import csv_response
from services.scoring.store import PublishedList, PublishedListRow

blp = Blueprint(
    "public_points_lists", __name__, url_prefix="/public", description="Published points lists"
)


class ListsQuery(Schema):
    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "any node: a county shows its townships' lists too"},
    )


class ListRowOut(Schema):
    rank = fields.Integer()
    deputy_id = fields.String()
    deputy_name = fields.String()
    total = Points(metadata={"type": "number"})


class ListSummaryOut(Schema):
    id = fields.String()
    place_id = fields.String()
    period = fields.String()
    published_at = fields.AwareDateTime()


class ListOut(ListSummaryOut):
    rows = fields.List(fields.Nested(ListRowOut))


class ListsOut(Schema):
    items = fields.List(fields.Nested(ListSummaryOut))


@blp.route("/points-lists")
@blp.arguments(ListsQuery, location="query")
@blp.response(200, ListsOut)
@blp.doc(security=[])
def public_lists(query: dict[str, Any]) -> dict[str, Any]:
    """The published lists of a place and the places below it, newest period first."""
    rt = service("scoring")
    place = rt.directory.node(query["place"])
    if place is None:
        return {"items": []}
    with rt.db.session() as session:
        items = list(
            session.scalars(
                select(PublishedList)
                .where(PublishedList.place_path.startswith(place.path, autoescape=True))
                .order_by(PublishedList.period.desc(), PublishedList.place_id)
            )
        )
    return {"items": items}


def _published(list_id: str) -> dict[str, Any]:
    with service("scoring").db.session() as session:
        found = session.get(PublishedList, list_id) if len(list_id) <= 36 else None
        if found is None:
            raise not_found("list")
        rows = list(
            session.scalars(
                select(PublishedListRow)
                .where(PublishedListRow.list_id == list_id)
                .order_by(PublishedListRow.rank, PublishedListRow.deputy_id)
            )
        )
    return {
        "id": found.id,
        "place_id": found.place_id,
        "period": found.period,
        "published_at": found.published_at,
        "rows": rows,
    }


@blp.route("/points-lists/<list_id>")
@blp.response(200, ListOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=[])
def public_list(list_id: str) -> dict[str, Any]:
    """One published list: rank, deputy and points, as frozen when published."""
    return _published(list_id)


@blp.route("/points-lists/<list_id>.csv")
@blp.response(200, content_type="text/csv")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=[])
def public_list_csv(list_id: str) -> Response:
    """The published list as CSV (UTF-8 with BOM): 名次, 代表, 积分."""
    found = _published(list_id)
    rows = [[r.rank, r.deputy_name, r.total] for r in found["rows"]]
    return csv_response(
        f"points-{found['place_id']}-{found['period']}", ["名次", "代表", "积分"], rows
    )
