"""GET /workflow/v1/public/opinions/{code}: where an opinion stands, for whoever holds
its code. Nothing personal: no name, no phone, not even the text."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from runtime.http import not_found, service
from services.workflow.domain.calendar import local_date
from services.workflow.opinions.api.schemas import PublicOpinionOut, StationAdoptionsOut
from services.workflow.opinions.queries import adopted_at_station, by_code, station_counts

blp = Blueprint(
    "public_opinions", __name__, url_prefix="/public/opinions", description="Opinion status"
)


class CodePath(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9]{6,16}$"))


@blp.route("/stations/<station_id>/adopted")
@blp.response(200, StationAdoptionsOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=[])
def station_adoptions(station_id: str) -> dict[str, Any]:
    """A station's opinions adopted as suggestions and what came of them (采纳情况), with
    its own counts. Nothing personal, not even the text."""
    rt = service("workflow")
    station = rt.directory.node(station_id)
    if station is None or station.kind != "station":
        raise not_found("station")
    with rt.db.session() as session:
        rows = adopted_at_station(session, station_id)
        counts = station_counts(session, station_id)
    return {
        "station_id": station.id,
        "station_name": station.name,
        **counts,
        "adopted": len(rows),
        "items": [
            {
                "public_code": opinion.public_code,
                "category": opinion.category,
                "received_on": local_date(opinion.received_at),
                "suggestion_number": suggestion.number,
                "suggestion_state": suggestion.state,
                "outcome": opinion.outcome,
            }
            for opinion, suggestion in rows
        ],
    }


@blp.route("/<code>")
@blp.arguments(CodePath, location="path", as_kwargs=False)
@blp.response(200, PublicOpinionOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=[])
def public_opinion(path: dict[str, str], code: str) -> dict[str, Any]:
    """An opinion's status by its public code."""
    rt = service("workflow")
    with rt.db.session() as session:
        opinion = by_code(session, path["code"])
        if opinion is None:
            raise not_found("opinion")
        station = rt.directory.node(opinion.station_id)
        return {
            "public_code": opinion.public_code,
            "station_id": opinion.station_id,
            "station_name": station.name if station else opinion.station_id,
            "state": opinion.state,
            "level": opinion.level,
            "received_at": opinion.received_at,
            "outcome": opinion.outcome,
            "reply": opinion.reply,
            "closed_at": opinion.closed_at,
        }
