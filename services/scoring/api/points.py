"""A deputy's duty points: balance and ledger."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from runtime.http import not_found, principal, service
from services.scoring.domain.points import Entry, balance
from services.scoring.store import PointsEntry

blp = Blueprint("points", __name__, url_prefix="/deputies", description="Duty points")


class EntryOut(Schema):
    id = fields.Integer()
    activity = fields.String()
    points = fields.Integer()
    reason = fields.String()
    reverses_id = fields.Integer(allow_none=True)
    occurred_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()


class PointsOut(Schema):
    deputy_id = fields.String()
    total = fields.Integer()
    entries = fields.List(fields.Nested(EntryOut))


@blp.route("/<deputy_id>/points")
@blp.response(200, PointsOut)
def get_points(deputy_id: str) -> dict[str, Any]:
    """The deputy's balance and every ledger entry, oldest first."""
    who = principal()
    rt = service("scoring")
    deputy = rt.directory.deputy(deputy_id)
    if deputy is None or not who.can_see(deputy.node_path):
        raise not_found("deputy")
    # A deputy reads their own points; a unit reads none (ADR 0005).
    if who.role == "unit" or (who.role == "deputy" and who.subject != deputy_id):
        raise not_found("deputy")
    with rt.db.session() as session:
        rows = list(
            session.scalars(
                select(PointsEntry)
                .where(PointsEntry.deputy_id == deputy_id)
                .order_by(PointsEntry.occurred_at, PointsEntry.id)
            )
        )
    return {
        "deputy_id": deputy_id,
        "total": balance(Entry(r.activity, r.points, r.reverses_id) for r in rows),
        "entries": rows,
    }
