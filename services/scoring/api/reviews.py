"""GET /scoring/v1/reviews/<id>: a review round, its scores (never a rater) and outcome."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from runtime.http import not_found, principal, service
from services.scoring.api.points import Points
from services.scoring.store import ReviewRound

blp = Blueprint("reviews", __name__, url_prefix="/reviews", description="Review rounds")


class RoundOut(Schema):
    id = fields.String()
    model = fields.String(metadata={"description": "staged, two_votes, written or onsite"})
    subject = fields.String(metadata={"description": "official, department or unit"})
    unit_id = fields.String(allow_none=True)
    official = fields.String()
    post = fields.String()
    attempt = fields.Integer()
    repeat_of = fields.String(allow_none=True)
    stage_weights = fields.List(fields.String())
    groups = fields.Dict(keys=fields.String(), values=fields.String())
    stage_scores = fields.Dict(keys=fields.String(), values=fields.String())
    votes = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()))
    report_flags = fields.List(fields.String(), allow_none=True)
    interim = Points(allow_none=True, metadata={"type": "number"})
    interim_grade = fields.String(allow_none=True)
    score = Points(allow_none=True, metadata={"type": "number"})
    result = fields.String(allow_none=True)
    next_step = fields.String(
        allow_none=True, metadata={"description": "rectify, repeat (诫勉谈话, 再行报告) or refer"}
    )
    opinion_received_on = fields.Date(allow_none=True)
    plan_due = fields.Date(allow_none=True)
    report_due = fields.Date(allow_none=True)
    remind_working_days = fields.Integer()
    plan_received_on = fields.Date(allow_none=True)
    report_received_on = fields.Date(allow_none=True)


@blp.route("/<round_id>")
@blp.response(200, RoundOut)
def get_round(round_id: str) -> dict[str, Any]:
    """The round as it stands; the on-site score is announced with the result."""
    from services.scoring.domain.reviews import grade

    who = principal()
    with service("scoring").db.session() as session:
        found = session.get(ReviewRound, round_id) if len(round_id) <= 36 else None
    if found is None or not who.can_see(found.tenant_path) or who.role in ("unit", "deputy"):
        raise not_found("review round")
    view = {c.name: getattr(found, c.name) for c in ReviewRound.__table__.columns}
    view["interim_grade"] = grade(found.interim) if found.interim is not None else None
    return view
