"""Read side of suggestions for committees, county systems, units and deputies."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from runtime.directory import Principal
from runtime.http import not_found, principal, service
from services.workflow.api.schemas import SuggestionDetailOut, SuggestionPage, SuggestionQuery
from services.workflow.payloads import proposers
from services.workflow.store import (
    Assignment,
    EvaluationRow,
    HandlingRecord,
    Meeting,
    Reply,
    Suggestion,
    SupervisionOpinion,
)

blp = Blueprint("suggestions", __name__, url_prefix="/suggestions", description="Suggestions")


def _columns(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _rows(session: Session, model: Any, suggestion_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(model).where(model.suggestion_id == suggestion_id).order_by(model.id)
    )
    return [_columns(r) for r in rows]


def _with_assignments(session: Session, suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    ids = [s.id for s in suggestions]
    by_suggestion: dict[str, list[Assignment]] = {i: [] for i in ids}
    if ids:
        for a in session.scalars(
            select(Assignment).where(Assignment.suggestion_id.in_(ids)).order_by(Assignment.id)
        ):
            by_suggestion[a.suggestion_id].append(a)
    return [{**_columns(s), "assignments": by_suggestion[s.id]} for s in suggestions]


def _may_read(who: Principal, suggestion: Suggestion, session: Session) -> bool:
    if not who.can_see(suggestion.tenant_path):
        return False
    if who.role == "deputy":
        return who.subject in proposers(suggestion)
    if who.role == "unit":
        return bool(
            session.scalar(
                select(func.count())
                .select_from(Assignment)
                .where(Assignment.suggestion_id == suggestion.id, Assignment.unit_id == who.subject)
            )
        )
    return True


def _visible_evaluations(who: Principal, suggestion: Suggestion, rows: list[dict]) -> list[dict]:
    """Back to back: a unit sees a round's ratings only once that round is final."""
    if who.role != "unit":
        return rows
    return [r for r in rows if r["round"] <= suggestion.evaluated_round]


@blp.route("/<suggestion_id>")
@blp.response(200, SuggestionDetailOut)
def get_suggestion(suggestion_id: str) -> dict[str, Any]:
    """One suggestion with its assignments, handling record, replies and evaluations."""
    who = principal()
    with service("workflow").db.session() as session:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None or not _may_read(who, suggestion, session):
            raise not_found("suggestion")
        detail = _with_assignments(session, [suggestion])[0]
        detail.update(
            records=_rows(session, HandlingRecord, suggestion.id),
            replies=_rows(session, Reply, suggestion.id),
            evaluations=_visible_evaluations(
                who, suggestion, _rows(session, EvaluationRow, suggestion.id)
            ),
            meetings=_rows(session, Meeting, suggestion.id),
            supervision_opinions=_rows(session, SupervisionOpinion, suggestion.id),
        )
        return detail


@blp.route("")
@blp.arguments(SuggestionQuery, location="query")
@blp.response(200, SuggestionPage)
def list_suggestions(query: dict[str, Any]) -> dict[str, Any]:
    """Suggestions within the key's reach, newest first."""
    who = principal()
    statement = select(Suggestion).where(Suggestion.tenant_path.startswith(who.node_path))
    if who.role == "unit":
        statement = statement.where(
            Suggestion.id.in_(
                select(Assignment.suggestion_id).where(Assignment.unit_id == who.subject)
            )
        )
    if who.role == "deputy":
        # Lead deputy or co-signer: both follow and evaluate the suggestion.
        statement = statement.where(
            or_(
                Suggestion.lead_deputy_id == who.subject,
                cast(Suggestion.cosigner_ids, String).contains(f'"{who.subject}"', autoescape=True),
            )
        )
    for name in ("tenant", "state", "category", "year"):
        if name in query:
            statement = statement.where(getattr(Suggestion, name) == query[name])
    if "unit_id" in query:
        statement = statement.where(Suggestion.lead_unit_id == query["unit_id"])
    with service("workflow").db.session() as session:
        total = session.scalar(select(func.count()).select_from(statement.subquery()))
        rows = list(
            session.scalars(
                statement.order_by(Suggestion.submitted_at.desc(), Suggestion.id)
                .limit(query["limit"])
                .offset(query["offset"])
            )
        )
        return {"total": total, "items": _with_assignments(session, rows)}
