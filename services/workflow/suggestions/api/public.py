"""GET /workflow/v1/public/suggestions: closed suggestions and their replies (公开).

No key is needed, and nothing personal is shown: no deputy, no body text, only the
title, the handling unit and the public reply.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import func, select

from runtime.http import service
from services.workflow.api.schemas import PublicPage, PublicQuery
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
