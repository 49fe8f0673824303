"""GET /workflow/v1/public/opinions/{code}: where an opinion stands, for whoever holds
its code. Nothing personal: no name, no phone, not even the text."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from runtime.http import not_found, service
from services.workflow.opinions.api.schemas import PublicOpinionOut
from services.workflow.opinions.queries import by_code

blp = Blueprint(
    "public_opinions", __name__, url_prefix="/public/opinions", description="Opinion status"
)


class CodePath(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9]{6,16}$"))


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
