"""Read side of suggestions for committees, county systems, units and deputies."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from runtime.directory import Principal
from runtime.http import not_found, principal, service
from services.workflow.suggestions.api.schemas import (
    SuggestionDetailOut,
    SuggestionPage,
    SuggestionQuery,
)
from services.workflow.suggestions.domain.evaluation import may_see_rating
from services.workflow.suggestions.payloads import proposers
from services.workflow.suggestions.queries import (
    ever_assigned_to,
    history,
    page,
    readable_by,
    with_assignments,
)
from services.workflow.suggestions.store import (
    EvaluationRow,
    HandlingRecord,
    Meeting,
    Reply,
    Suggestion,
    SupervisionOpinion,
)

blp = Blueprint("suggestions", __name__, url_prefix="/suggestions", description="Suggestions")


def _may_read(who: Principal, suggestion: Suggestion, session: Session) -> bool:
    if not who.can_see(suggestion.tenant_path):
        return False
    if who.role == "deputy":
        return who.subject in proposers(suggestion)
    if who.role == "unit":
        return ever_assigned_to(session, suggestion.id, who.subject or "")
    return True


def _visible_evaluations(who: Principal, suggestion: Suggestion, rows: list[dict]) -> list[dict]:
    return [
        r
        for r in rows
        if may_see_rating(
            who.role, who.subject, r["deputy_id"], r["round"], suggestion.evaluated_round
        )
    ]


@blp.route("/<suggestion_id>")
@blp.response(200, SuggestionDetailOut)
def get_suggestion(suggestion_id: str) -> dict[str, Any]:
    """One suggestion with its assignments, handling record, replies and evaluations."""
    who = principal()
    with service("workflow").db.session() as session:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None or not _may_read(who, suggestion, session):
            raise not_found("suggestion")
        detail = with_assignments(session, [suggestion])[0]
        detail.update(
            records=history(session, HandlingRecord, suggestion.id),
            replies=history(session, Reply, suggestion.id),
            evaluations=_visible_evaluations(
                who, suggestion, history(session, EvaluationRow, suggestion.id)
            ),
            meetings=history(session, Meeting, suggestion.id),
            supervision_opinions=history(session, SupervisionOpinion, suggestion.id),
        )
        return detail


@blp.route("")
@blp.arguments(SuggestionQuery, location="query")
@blp.response(200, SuggestionPage)
def list_suggestions(query: dict[str, Any]) -> dict[str, Any]:
    """Suggestions within the key's reach, newest first."""
    who = principal()
    under_path = None
    if "tenant" in query:
        node = service("workflow").directory.node(query["tenant"])
        if node is None:
            return {"total": 0, "items": []}
        under_path = node.path
    equal = {name: query[name] for name in ("state", "category", "colour", "year") if name in query}
    if "unit_id" in query:
        equal["lead_unit_id"] = query["unit_id"]
    with service("workflow").db.session() as session:
        total, rows = page(
            session,
            readable_by(who, under_path=under_path, **equal),
            limit=query["limit"],
            offset=query["offset"],
        )
        return {"total": total, "items": with_assignments(session, [row[0] for row in rows])}
