"""The project aggregate's reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.workflow.policy import vote_rules_for
from services.workflow.projects.domain import evaluation
from services.workflow.projects.domain.figures import (
    ProjectCounts,
    ProjectFacts,
    UnitRecord,
    best_units,
    count,
)
from services.workflow.projects.domain.proposal import behind_schedule
from services.workflow.projects.store import (
    BoardBallot,
    ProjectEvaluation,
    ProjectProblem,
    Proposal,
    ProposalNote,
    Vote,
)


def board_of(session: Session, vote_id: str) -> list[dict]:
    rows = session.scalars(
        select(BoardBallot).where(BoardBallot.vote_id == vote_id).order_by(BoardBallot.ballot_id)
    )
    return [{"ballot_id": b.ballot_id, "choices": b.choices} for b in rows]


LIST_LIMIT = 1000
"""Proposals a list shows at most (a congress has tens a year; a city some thousands)."""


def proposals_under(
    session: Session,
    path: str,
    *,
    year: int | None = None,
    stage: str | None = None,
    limit: int | None = LIST_LIMIT,
) -> list[Proposal]:
    """Proposals of the congresses under a node, oldest first (all when limit is None)."""
    statement = select(Proposal).where(Proposal.tenant_path.startswith(path))
    if year is not None:
        statement = statement.where(Proposal.year == year)
    if stage is not None:
        statement = statement.where(Proposal.stage == stage)
    statement = statement.order_by(Proposal.proposed_at, Proposal.id).limit(limit)
    return list(session.scalars(statement))


def trail_of(session: Session, proposal_id: str) -> list[dict]:
    rows = session.scalars(
        select(ProposalNote)
        .where(ProposalNote.proposal_id == proposal_id)
        .order_by(ProposalNote.id)
    )
    return [
        {"kind": n.kind, "by": n.by, "text": n.text, "details": n.details, "at": n.at} for n in rows
    ]


def project_view(proposal: Proposal, today: date, margin: int) -> dict[str, Any]:
    """A proposal as the API shows it, with whether it is behind schedule today."""
    behind = (
        proposal.stage == "implementing"
        and proposal.planned_on is not None
        and proposal.deadline is not None
        and behind_schedule(
            today, proposal.planned_on, proposal.deadline, proposal.progress_percent, margin
        )
    )
    return {
        **{c.key: getattr(proposal, c.key) for c in Proposal.__table__.columns},
        "behind_schedule": behind,
    }


def project_views(session: Session, proposals: list[Proposal], today: date) -> list[dict]:
    """Each proposal's view, by its own congress's margin for being behind schedule."""
    margins: dict[str, int] = {}
    views = []
    for p in proposals:
        if p.tenant not in margins:
            margins[p.tenant] = vote_rules_for(session, p.tenant).behind_schedule_margin
        views.append(project_view(p, today, margins[p.tenant]))
    return views


def _verdicts_under(session: Session, path: str) -> dict[str, str]:
    """Each project's latest satisfaction verdict."""
    verdicts: dict[str, str] = {}
    satisfaction_votes = select(Vote).where(
        Vote.kind == "satisfaction", Vote.state == "tallied", Vote.tenant_path.startswith(path)
    )
    for vote in session.scalars(satisfaction_votes.order_by(Vote.closed_at, Vote.id)):
        verdicts[vote.project_id or ""] = (vote.result or {}).get("verdict", "")
    return verdicts


def figures_under(session: Session, path: str, year: int | None) -> dict[str, ProjectCounts]:
    """Each congress's counts under a node (its key is the congress's node id)."""
    verdicts = _verdicts_under(session, path)
    by_congress: dict[str, list[ProjectFacts]] = {}
    for p in proposals_under(session, path, year=year, limit=None):
        by_congress.setdefault(p.tenant, []).append(
            ProjectFacts(p.stage, p.deadline, p.completed_on, verdicts.get(p.id))
        )
    return {tenant: count(facts) for tenant, facts in sorted(by_congress.items())}


def problem_view(problem: ProjectProblem, title: str, today: date) -> dict[str, Any]:
    """A problem report with whether the township's answer is overdue today."""
    return {
        **{c.key: getattr(problem, c.key) for c in ProjectProblem.__table__.columns},
        "project_title": title,
        "overdue": problem.answer is None and today > problem.due,
    }


def problems_under(
    session: Session, path: str, today: date, *, unanswered: bool = False
) -> list[dict[str, Any]]:
    """Problem reports on the projects of the congresses under a node, oldest first."""
    statement = (
        select(ProjectProblem, Proposal.title)
        .join(Proposal, Proposal.id == ProjectProblem.proposal_id)
        .where(Proposal.tenant_path.startswith(path))
    )
    if unanswered:
        statement = statement.where(ProjectProblem.answer.is_(None))
    rows = session.execute(
        statement.order_by(ProjectProblem.reported_at, ProjectProblem.id).limit(LIST_LIMIT)
    )
    return [problem_view(problem, title, today) for problem, title in rows]


def problems_of(session: Session, proposal: Proposal, today: date) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ProjectProblem)
        .where(ProjectProblem.proposal_id == proposal.id)
        .order_by(ProjectProblem.reported_at, ProjectProblem.id)
    )
    return [problem_view(p, proposal.title, today) for p in rows]


def best_units_under(session: Session, path: str, year: int, how_many: int) -> list[UnitRecord]:
    verdicts = _verdicts_under(session, path)
    return best_units(
        (
            (p.unit_id, ProjectFacts(p.stage, p.deadline, p.completed_on, verdicts.get(p.id)))
            for p in proposals_under(session, path, year=year, limit=None)
            if p.unit_id is not None
        ),
        how_many,
    )


def problem_counts_under(session: Session, path: str, year: int, today: date) -> dict[str, int]:
    """Problem reports on a year's projects under a node: reported, answered, overdue."""
    of_year = (
        select(func.count())
        .select_from(ProjectProblem)
        .join(Proposal, Proposal.id == ProjectProblem.proposal_id)
        .where(Proposal.tenant_path.startswith(path), Proposal.year == year)
    )
    unanswered = of_year.where(ProjectProblem.answer.is_(None))
    return {
        "reported": session.scalar(of_year) or 0,
        "answered": session.scalar(of_year.where(ProjectProblem.answer.is_not(None))) or 0,
        "overdue": session.scalar(unanswered.where(ProjectProblem.due < today)) or 0,
    }


def evaluations_of(session: Session, proposal_id: str) -> dict[str, dict]:
    """A completed project's evaluations: counts per grade, per kind of evaluator."""
    rows = session.execute(
        select(
            ProjectEvaluation.evaluator, ProjectEvaluation.quality, ProjectEvaluation.effect
        ).where(ProjectEvaluation.proposal_id == proposal_id)
    )
    return evaluation.count(tuple(r) for r in rows)


def evaluation_comments(session: Session, proposal_id: str) -> list[dict[str, Any]]:
    """Each evaluation with its comment, oldest first: for the committee, not the public."""
    rows = session.scalars(
        select(ProjectEvaluation)
        .where(ProjectEvaluation.proposal_id == proposal_id)
        .order_by(ProjectEvaluation.at, ProjectEvaluation.id)
        .limit(LIST_LIMIT)
    )
    keep = ("evaluator", "deputy_id", "quality", "effect", "comment", "phone_masked", "at")
    return [{k: getattr(e, k) for k in keep} for e in rows]


def evaluations_under(session: Session, path: str, year: int | None) -> dict[str, dict]:
    """Each congress's evaluation counts under a node, over its (year's) projects."""
    statement = (
        select(
            Proposal.tenant,
            ProjectEvaluation.evaluator,
            ProjectEvaluation.quality,
            ProjectEvaluation.effect,
        )
        .join(Proposal, Proposal.id == ProjectEvaluation.proposal_id)
        .where(Proposal.tenant_path.startswith(path))
    )
    if year is not None:
        statement = statement.where(Proposal.year == year)
    by_congress: dict[str, list[tuple[str, str, str]]] = {}
    for tenant, who, quality, effect in session.execute(statement):
        by_congress.setdefault(tenant, []).append((who, quality, effect))
    return {tenant: evaluation.count(rows) for tenant, rows in by_congress.items()}
