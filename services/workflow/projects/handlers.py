"""The project aggregate's event handlers: one plain function per consumed event."""

from __future__ import annotations

from contracts import Event
from runtime.work import WorkContext
from services.workflow.domain.rules import RuleBroken
from services.workflow.projects.actions.voting import open_vote, tally_vote
from services.workflow.projects.store import Vote


def on_vote_open_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    if ctx.session.query(Vote.id).filter_by(submission_id=data["submission_id"]).first():
        return
    try:
        with ctx.session.begin_nested():
            vote = open_vote(ctx, data)
    except RuleBroken as broken:
        _reject(ctx, data["submission_id"], broken)
        return
    _settle(ctx, data["submission_id"], vote)


def on_ballots_released(event: Event, ctx: WorkContext) -> None:
    data = event.data
    vote = ctx.session.get(Vote, data["vote_id"], with_for_update=True)
    if vote is None:
        _reject(ctx, data["submission_id"], RuleBroken("no vote with that id", "vote_id"))
        return
    if vote.state != "open":
        return
    try:
        tally_vote(ctx, vote, data["ballots"], data["registered"])
    except RuleBroken as broken:
        _reject(ctx, data["submission_id"], broken)
        return
    _settle(ctx, data["submission_id"], vote)


def _settle(ctx: WorkContext, submission_id: str, vote: Vote) -> None:
    ctx.emit(
        "submission.accepted",
        {
            "submission_id": submission_id,
            "resource_type": "vote",
            "resource_id": vote.id,
            "resource_number": None,
        },
    )


def _reject(ctx: WorkContext, submission_id: str, broken: RuleBroken) -> None:
    ctx.emit(
        "submission.rejected",
        {"submission_id": submission_id, "reason": broken.reason, "field": broken.field},
    )


HANDLERS = {
    "vote.open_requested": on_vote_open_requested,
    "vote.ballots_released": on_ballots_released,
}
