"""Workflow's tally of a closed vote, on its handlers alone (tests/support/handlers.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, select

from services.workflow import SPEC
from services.workflow.projects.store import BoardBallot, Vote
from tests.support.cycle import START
from tests.support.handlers import COUNTY, handler_context

ROLL = [f"D450102-{n:03d}" for n in range(1, 6)]


def test_the_board_is_written_as_rows_not_objects() -> None:
    # A congress's 3,000 ballots as ORM objects raised the worker's PSS 8 MB at the close,
    # which its heap keeps; as rows, 4 (bench/README, "the leak check's growth").
    made: list[Any] = []

    def on_init(target: Any, _args: Any, _kwargs: Any) -> None:
        made.append(target)

    with handler_context(SPEC) as ctx:
        ctx.handle(
            "vote.open_requested",
            {
                "submission_id": str(uuid.uuid4()),
                "submitted_at": START,
                "tenant": COUNTY,
                "tenant_path": "/450100/450102/",
                "title": "民生实事项目票决",
                "seats": 1,
                "candidates": [{"id": "P01", "title": "项目一"}, {"id": "P02", "title": "项目二"}],
                "roll": ROLL,
                "present": ROLL,
            },
        )
        vote = ctx.session.scalars(select(Vote)).one()
        ballots = [
            {"ballot_id": f"{n:032x}", "choices": ["P01" if n % 3 else "P02"]} for n in range(5)
        ]
        event.listen(BoardBallot, "init", on_init)
        try:
            ctx.handle(
                "vote.ballots_released",
                {
                    "submission_id": str(uuid.uuid4()),
                    "vote_id": vote.id,
                    "ballots": ballots,
                    "registered": 5,
                },
            )
        finally:
            event.remove(BoardBallot, "init", on_init)
        assert vote.state == "tallied" and made == []
        board = ctx.session.execute(
            select(BoardBallot.ballot_id, BoardBallot.choices).order_by(BoardBallot.ballot_id)
        ).all()
        assert [(b, c) for b, c in board] == [(b["ballot_id"], b["choices"]) for b in ballots]
