"""The project aggregate's reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

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
