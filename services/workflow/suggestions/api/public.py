"""GET /workflow/v1/public/…: suggestions' progress and replies, for everyone (公开).

No key is needed, and nothing personal is shown: no deputy, no body text, only the
title, the handling unit and the public reply.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from runtime.http import service
from services.workflow.suggestions.api.schemas import (
    ProgressPage,
    ProgressQuery,
    PublicPage,
    PublicQuery,
)
from services.workflow.suggestions.queries import Scope, public_feed, public_progress_page

blp = Blueprint("public", __name__, url_prefix="/public", description="Public disclosure")


@blp.route("/suggestions")
@blp.arguments(PublicQuery, location="query")
@blp.response(200, PublicPage)
@blp.doc(security=[])
def public_suggestions(query: dict[str, Any]) -> dict[str, Any]:
    """Closed suggestions marked for publication, with their last public reply; `tenant`
    is any node of the tree (a city shows its counties')."""
    rt = service("workflow")
    node = rt.directory.node(query["tenant"])
    if node is None:
        return {"total": 0, "items": []}
    scope = Scope.under(node, query.get("year"))
    with rt.db.session() as session:
        total, rows = public_feed(session, scope, limit=query["limit"], offset=query["offset"])
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


@blp.route("/progress")
@blp.arguments(ProgressQuery, location="query")
@blp.response(200, ProgressPage)
@blp.doc(security=[])
def public_progress(query: dict[str, Any]) -> dict[str, Any]:
    """Every screened-in suggestion marked for publication, at whatever step it is, with
    its last public reply if any. No deputy, no body text: nothing personal."""
    rt = service("workflow")
    scope = Scope(path_prefix="/", year=query.get("year"))
    if "tenant" in query:
        node = rt.directory.node(query["tenant"])
        if node is None:
            return {"total": 0, "items": []}
        scope = Scope.under(node, query.get("year"))
    with rt.db.session() as session:
        total, rows, replies = public_progress_page(
            session,
            scope,
            category=query.get("category"),
            state=query.get("state"),
            words=query.get("q"),
            limit=query["limit"],
            offset=query["offset"],
        )
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
