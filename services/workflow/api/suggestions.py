"""Read side of suggestions for committees, county systems and dashboards."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import func, select

from runtime.http import not_found, principal, service
from services.workflow.api.schemas import SuggestionOut, SuggestionPage, SuggestionQuery
from services.workflow.store import Assignment, Suggestion

blp = Blueprint("suggestions", __name__, url_prefix="/suggestions", description="Suggestions")


def _with_assignments(session: Any, suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    ids = [s.id for s in suggestions]
    by_suggestion: dict[str, list[Assignment]] = {i: [] for i in ids}
    if ids:
        for a in session.scalars(
            select(Assignment).where(Assignment.suggestion_id.in_(ids)).order_by(Assignment.id)
        ):
            by_suggestion[a.suggestion_id].append(a)
    return [{**_columns(s), "assignments": by_suggestion[s.id]} for s in suggestions]


def _columns(row: Suggestion) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in Suggestion.__table__.columns}


@blp.route("/<suggestion_id>")
@blp.response(200, SuggestionOut)
def get_suggestion(suggestion_id: str) -> dict[str, Any]:
    """One suggestion with its assignments and deadlines."""
    with service("workflow").db.session() as session:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None or not principal().can_see(suggestion.tenant_path):
            raise not_found("suggestion")
        return _with_assignments(session, [suggestion])[0]


@blp.route("")
@blp.arguments(SuggestionQuery, location="query")
@blp.response(200, SuggestionPage)
def list_suggestions(query: dict[str, Any]) -> dict[str, Any]:
    """Suggestions within the key's reach, newest first."""
    statement = select(Suggestion).where(Suggestion.tenant_path.startswith(principal().node_path))
    if "tenant" in query:
        statement = statement.where(Suggestion.tenant == query["tenant"])
    if "state" in query:
        statement = statement.where(Suggestion.state == query["state"])
    if "category" in query:
        statement = statement.where(Suggestion.category == query["category"])
    with service("workflow").db.session() as session:
        total = session.scalar(select(func.count()).select_from(statement.subquery()))
        rows = list(
            session.scalars(
                statement.order_by(Suggestion.accepted_at.desc())
                .limit(query["limit"])
                .offset(query["offset"])
            )
        )
        return {"total": total, "items": _with_assignments(session, rows)}
