"""GET /scoring/v1/interviews: the interviews (约谈) the committee decided, within reach."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import node_in_reach, not_found, principal, service
from services.scoring.store import Interview

blp = Blueprint("interviews", __name__, url_prefix="/", description="Interviews (约谈)")


class InterviewsQuery(Schema):
    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a congress: its deputies' interviews"},
    )


class InterviewOut(Schema):
    id = fields.String()
    deputy_id = fields.String()
    period = fields.String()
    reason = fields.String()
    decided_on = fields.Date()
    recorded_by = fields.String()
    recorded_at = fields.AwareDateTime()


class InterviewsOut(Schema):
    items = fields.List(fields.Nested(InterviewOut))


def _readable(row: Interview | None) -> bool:
    """The committee and readers of the congress's place, and the deputy concerned."""
    who = principal()
    if row is None or not who.can_see(row.tenant_path) or who.role == "unit":
        return False
    return who.role != "deputy" or who.subject == row.deputy_id


@blp.route("/interviews")
@blp.arguments(InterviewsQuery, location="query")
@blp.response(200, InterviewsOut)
def list_interviews(query: dict[str, Any]) -> dict[str, Any]:
    """A congress's interviews, newest decision first."""
    rt = service("scoring")
    place = node_in_reach("scoring", query["place"], "place")
    with rt.db.session() as session:
        rows = session.scalars(
            select(Interview)
            .where(Interview.tenant_path == place.path)
            .order_by(Interview.decided_on.desc(), Interview.id)
        )
        return {"items": [row for row in rows if _readable(row)]}


@blp.route("/interviews/<interview_id>")
@blp.response(200, InterviewOut)
def get_interview(interview_id: str) -> Interview:
    """One interview decision (an interview receipt's resource)."""
    with service("scoring").db.session() as session:
        row = session.get(Interview, interview_id) if len(interview_id) <= 36 else None
    if not _readable(row):
        raise not_found("interview")
    assert row is not None
    return row
