"""GET /scoring/v1/reviews/<id>: a review round, its scores (never a rater) and outcome."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.http import not_found, principal, service
from services.scoring.api.points import Points
from services.scoring.api.statements import csv_response
from services.scoring.domain.reviews import grade
from services.scoring.store import ReviewBallot, ReviewRound

blp = Blueprint("reviews", __name__, url_prefix="/reviews", description="Review rounds")
export = Blueprint("reviews_csv", __name__, url_prefix="/", description="Review rounds as CSV")


class RoundOut(Schema):
    id = fields.String()
    tenant = fields.String()
    created_at = fields.AwareDateTime()
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
    opinion_approved_on = fields.Date(allow_none=True)
    opinion_sent_to = fields.List(fields.String(), allow_none=True)
    remind_working_days = fields.Integer()
    plan_received_on = fields.Date(allow_none=True)
    report_received_on = fields.Date(allow_none=True)
    talk_held_on = fields.Date(
        allow_none=True, metadata={"description": "the admonishing talk (诫勉谈话), if held"}
    )
    talk_held_by = fields.String(allow_none=True)
    talk_note = fields.String(allow_none=True)
    ballots_entered = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "rater group → how many ballots are in (never who cast them)"},
    )


class RoundsQuery(Schema):
    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a congress: its rounds"},
    )


class RoundsOut(Schema):
    items = fields.List(fields.Nested(RoundOut))


def _view(session: Session, found: ReviewRound) -> dict[str, Any]:
    view = {c.name: getattr(found, c.name) for c in ReviewRound.__table__.columns}
    view["interim_grade"] = grade(found.interim) if found.interim is not None else None
    view["ballots_entered"] = dict(
        session.execute(
            select(ReviewBallot.group, func.count())
            .where(ReviewBallot.round_id == found.id)
            .group_by(ReviewBallot.group)
        ).all()
    )
    return view


@blp.route("")
@blp.arguments(RoundsQuery, location="query")
@blp.response(200, RoundsOut)
def list_rounds(query: dict[str, Any]) -> dict[str, Any]:
    """A congress's review rounds, newest first (the committee's and readers' keys)."""
    return _rounds(query)


RESULTS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
SUBJECTS = {"official": "述职评议", "department": "工作评议", "unit": "督办会测评"}


@export.route("/reviews.csv")
@export.arguments(RoundsQuery, location="query")
@export.response(200, content_type="text/csv")
def list_rounds_csv(query: dict[str, Any]) -> Response:
    """The rounds as CSV (UTF-8 with BOM): 类型, 对象, 职务, 次数, 得分, 结果, 后续."""
    rows = [
        [
            SUBJECTS[r["subject"]],
            r["official"],
            r["post"],
            r["attempt"],
            r["score"] if r["score"] is not None else "",
            RESULTS.get(r["result"] or "", ""),
            r["next_step"] or "",
        ]
        for r in _rounds(query)["items"]
    ]
    header = ["类型", "对象", "职务", "次数", "得分", "结果", "后续"]
    return csv_response(f"reviews-{query['place']}", header, rows)


def _rounds(query: dict[str, Any]) -> dict[str, Any]:
    who = principal()
    rt = service("scoring")
    place = rt.directory.node(query["place"])
    if place is None or not who.can_see(place.path) or who.role in ("unit", "deputy"):
        raise not_found("place")
    with rt.db.session() as session:
        rows = session.scalars(
            select(ReviewRound)
            .where(ReviewRound.tenant_path == place.path)
            .order_by(ReviewRound.created_at.desc(), ReviewRound.id)
        )
        return {"items": [_view(session, row) for row in rows]}


@blp.route("/<round_id>")
@blp.response(200, RoundOut)
def get_round(round_id: str) -> dict[str, Any]:
    """The round as it stands; the on-site score is announced with the result."""
    who = principal()
    with service("scoring").db.session() as session:
        found = session.get(ReviewRound, round_id) if len(round_id) <= 36 else None
        if found is None or not who.can_see(found.tenant_path) or who.role in ("unit", "deputy"):
            raise not_found("review round")
        return _view(session, found)
