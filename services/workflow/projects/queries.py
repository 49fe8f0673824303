"""The project aggregate's reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.workflow.projects.store import BoardBallot


def board_of(session: Session, vote_id: str) -> list[dict]:
    rows = session.scalars(
        select(BoardBallot).where(BoardBallot.vote_id == vote_id).order_by(BoardBallot.ballot_id)
    )
    return [{"ballot_id": b.ballot_id, "choices": b.choices} for b in rows]
