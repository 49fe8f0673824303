"""GET /workflow/v1/public/…: suggestions' progress and replies, for everyone (公开).

No key is needed, and nothing personal is shown: no deputy, no body text, only the
title, the handling unit and the public reply.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from contracts.vocabulary import CATEGORIES
from runtime.http import service
from services.workflow.api.schemas import PublicPage, PublicQuery, PublicReplyOut
from services.workflow.domain.suggestion import State
from services.workflow.store import Reply, Suggestion

blp = Blueprint("public", __name__, url_prefix="/public", description="Public disclosure")


@blp.route("/suggestions")
@blp.arguments(PublicQuery, location="query")
@blp.response(200, PublicPage)
@blp.doc(security=[])
def public_suggestions(query: dict[str, Any]) -> dict[str, Any]:
    """Closed suggestions marked for publication, with their last public reply."""
    rt = service("workflow")
    last_reply = (
        select(Reply.suggestion_id, func.max(Reply.id).label("reply_id"))
        .where(Reply.public.is_(True))
        .group_by(Reply.suggestion_id)
        .subquery()
    )
    statement = (
        select(Suggestion, Reply)
        .join(last_reply, last_reply.c.suggestion_id == Suggestion.id)
        .join(Reply, Reply.id == last_reply.c.reply_id)
        .where(
            Suggestion.tenant == query["tenant"],
            Suggestion.state == State.CLOSED,
            Suggestion.publish.is_(True),
        )
    )
    if "year" in query:
        statement = statement.where(Suggestion.year == query["year"])
    with rt.db.session() as session:
        total = session.scalar(select(func.count()).select_from(statement.subquery()))
        rows = session.execute(
            statement.order_by(Suggestion.closed_at.desc(), Suggestion.id)
            .limit(query["limit"])
            .offset(query["offset"])
        ).all()
    items = []
    for suggestion, reply in rows:
        unit = rt.directory.unit(suggestion.lead_unit_id or "")
        items.append(
            {
                "number": suggestion.number,
                "title": suggestion.title,
                "category": suggestion.category,
                "session_name": suggestion.session_name,
                "lead_unit": unit.name if unit else suggestion.lead_unit_id,
                "closed_at": suggestion.closed_at,
                "done": suggestion.done_at is not None,
                "reply": {
                    "reply_class": reply.reply_class,
                    "text": reply.text,
                    "replied_at": reply.replied_at,
                },
            }
        )
    return {"total": total, "items": items}


PROGRESS_STATES = (
    State.ACCEPTED,
    State.ASSIGNED,
    State.REPLIED,
    State.AWAITING_MEETING,
    State.CLOSED,
)
"""Shown as they go (DOMAIN.md §1: progress is public throughout). Not yet screened,
returned, converted or merged ones are not: they may be a private matter."""


class ProgressQuery(Schema):
    tenant = fields.String(metadata={"description": "a county; default: every county"})
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    state = fields.String(validate=validate.OneOf([str(s) for s in PROGRESS_STATES]))
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "words in the title"}
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ProgressOut(Schema):
    number = fields.String()
    tenant = fields.String()
    year = fields.Integer()
    title = fields.String()
    category = fields.String()
    state = fields.String()
    session_name = fields.String(allow_none=True)
    is_key = fields.Boolean()
    lead_unit = fields.String(allow_none=True, metadata={"description": "the unit's name"})
    deadline = fields.Date(allow_none=True)
    colour = fields.String(allow_none=True)
    accepted_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    done = fields.Boolean()
    final_result = fields.String(allow_none=True)
    reply = fields.Nested(PublicReplyOut, allow_none=True)


class ProgressPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(ProgressOut))


@blp.route("/progress")
@blp.arguments(ProgressQuery, location="query")
@blp.response(200, ProgressPage)
@blp.doc(security=[])
def public_progress(query: dict[str, Any]) -> dict[str, Any]:
    """Every screened-in suggestion marked for publication, at whatever step it is, with
    its last public reply if any. No deputy, no body text: nothing personal."""
    rt = service("workflow")
    statement = select(Suggestion).where(
        Suggestion.publish.is_(True), Suggestion.state.in_([str(s) for s in PROGRESS_STATES])
    )
    for name in ("tenant", "category", "state", "year"):
        if name in query:
            statement = statement.where(getattr(Suggestion, name) == query[name])
    if query.get("q"):
        statement = statement.where(Suggestion.title.contains(query["q"], autoescape=True))
    with rt.db.session() as session:
        total = session.scalar(select(func.count()).select_from(statement.subquery()))
        rows = list(
            session.scalars(
                statement.order_by(Suggestion.submitted_at.desc(), Suggestion.id)
                .limit(query["limit"])
                .offset(query["offset"])
            )
        )
        replies = {
            r.suggestion_id: r
            for r in session.scalars(
                select(Reply)
                .where(Reply.suggestion_id.in_([s.id for s in rows]), Reply.public.is_(True))
                .order_by(Reply.id)
            )
        }
    items = []
    for s in rows:
        unit = rt.directory.unit(s.lead_unit_id) if s.lead_unit_id else None
        reply = replies.get(s.id)
        items.append(
            {
                "number": s.number,
                "tenant": s.tenant,
                "year": s.year,
                "title": s.title,
                "category": s.category,
                "state": s.state,
                "session_name": s.session_name,
                "is_key": s.is_key,
                "lead_unit": unit.name if unit else s.lead_unit_id,
                "deadline": s.deadline,
                "colour": s.colour,
                "accepted_at": s.accepted_at,
                "closed_at": s.closed_at,
                "done": s.done_at is not None,
                "final_result": s.final_result,
                "reply": (
                    {
                        "reply_class": reply.reply_class,
                        "text": reply.text,
                        "replied_at": reply.replied_at,
                    }
                    if reply
                    else None
                ),
            }
        )
    return {"total": total, "items": items}
