"""The project aggregate's reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.workflow.policy import vote_rules_for
from services.workflow.projects.domain.proposal import behind_schedule
from services.workflow.projects.store import BoardBallot, Proposal, ProposalNote


def board_of(session: Session, vote_id: str) -> list[dict]:
    rows = session.scalars(
        select(BoardBallot).where(BoardBallot.vote_id == vote_id).order_by(BoardBallot.ballot_id)
    )
    return [{"ballot_id": b.ballot_id, "choices": b.choices} for b in rows]


def proposals_under(
    session: Session, path: str, *, year: int | None = None, stage: str | None = None
) -> list[Proposal]:
    """Proposals of the congresses under a node, oldest first."""
    statement = select(Proposal).where(Proposal.tenant_path.startswith(path))
    if year is not None:
        statement = statement.where(Proposal.year == year)
    if stage is not None:
        statement = statement.where(Proposal.stage == stage)
    return list(session.scalars(statement.order_by(Proposal.proposed_at, Proposal.id).limit(1000)))


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
