"""Opening a vote with the tenant's rules frozen, and tallying its released ballots.

Each action loads what it needs, asks the domain, records the outcome and its events in
the caller's transaction; a broken rule raises RuleBroken and nothing is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert

from runtime.work import WorkContext
from services.workflow.domain.rules import RuleBroken, require
from services.workflow.policy import vote_rules_for
from services.workflow.projects.actions.proposals import mark_elected
from services.workflow.projects.domain import board, satisfaction, score
from services.workflow.projects.domain.proposal import Stage
from services.workflow.projects.domain.rules import VoteRules
from services.workflow.projects.domain.vote import check_opening, tally
from services.workflow.projects.store import BoardBallot, Proposal, Vote


def open_vote(ctx: WorkContext, data: dict[str, Any]) -> Vote:
    """A new vote, or a runoff among the tied at a tallied vote's last seat."""
    if data["runoff_of"]:
        title, seats, candidates = _runoff_terms(ctx, data)
    elif data["kind"] == "satisfaction":
        title, seats, candidates = _satisfaction_terms(ctx, data)
    elif data["kind"] == "score":
        title, seats, candidates = _score_terms(ctx, data)
    else:
        require(data["title"] is not None, "a vote needs a title", "title")
        require(data["seats"] is not None, "a vote needs its number of seats", "seats")
        title, seats, candidates = data["title"], data["seats"], data["candidates"]
    rules = vote_rules_for(ctx.session, data["tenant"])
    check_opening(
        rules,
        seats=seats,
        candidates=[c["id"] for c in candidates],
        roll=data["roll"],
        present=data["present"],
    )
    vote = Vote(
        id=str(uuid.uuid4()),
        submission_id=data["submission_id"],
        tenant=data["tenant"],
        tenant_path=data["tenant_path"],
        title=title,
        seats=seats,
        candidates=[dict(c) for c in candidates],
        roll=list(data["roll"]),
        present=list(data["present"]),
        rules=rules.as_dict(),
        runoff_of=data["runoff_of"],
        kind=data["kind"],
        project_id=data["project_id"],
        month=data.get("month"),
        state="open",
        opened_at=ctx.clock.now(),
    )
    ctx.session.add(vote)
    ctx.emit(
        "vote.opened",
        {
            "vote_id": vote.id,
            "tenant": vote.tenant,
            "tenant_path": vote.tenant_path,
            "candidates": [c["id"] for c in vote.candidates],
            "choices_allowed": rules.choices_allowed(seats),
            "present": vote.present,
            "tracker": rules.tracker,
        },
    )
    return vote


def _runoff_terms(ctx: WorkContext, data: dict[str, Any]) -> tuple[str, int, list[dict]]:
    parent = ctx.session.get(Vote, data["runoff_of"])
    require(
        parent is not None and parent.tenant_path.startswith(data["tenant_path"]),
        "no vote with that id",
        "runoff_of",
    )
    assert parent is not None
    runoff = (parent.result or {}).get("runoff")
    require(runoff is not None, "that vote was not tied at its last seat", "runoff_of")
    tied = set(runoff["candidates"])
    return (
        f"{parent.title}（决选）",
        runoff["seats"],
        [c for c in parent.candidates if c["id"] in tied],
    )


def _project_of(
    ctx: WorkContext, data: dict[str, Any], stages: tuple[Stage, ...], why: str
) -> Proposal:
    """The congress's project a satisfaction vote or monthly score is about, in a stage
    where it may be."""
    project = ctx.session.get(Proposal, data["project_id"] or "")
    if project is None or not project.tenant_path.startswith(data["tenant_path"]):
        raise RuleBroken("no project with that id", "project_id")
    require(project.stage in stages, why, "project_id")
    return project


def _satisfaction_terms(ctx: WorkContext, data: dict[str, Any]) -> tuple[str, int, list[dict]]:
    project = _project_of(
        ctx,
        data,
        (Stage.ELECTED, Stage.IMPLEMENTING, Stage.COMPLETED),
        "a satisfaction vote is on a project the deputies elected",
    )
    return f"{project.title}（满意度测评）", 1, list(satisfaction.OPTIONS)


def _score_terms(ctx: WorkContext, data: dict[str, Any]) -> tuple[str, int, list[dict]]:
    project = _project_of(
        ctx,
        data,
        (Stage.IMPLEMENTING, Stage.COMPLETED),
        "a monthly score is on a project under way",
    )
    require(data.get("month") is not None, "a monthly score needs its month", "month")
    return f"{project.title}（{data['month']} 月度评议）", 1, list(score.OPTIONS)


def tally_vote(ctx: WorkContext, vote: Vote, ballots: list[dict], registered: int) -> None:
    """Publish the result and the sealed board, or refuse when ballots ≠ register."""
    require(vote.state == "open", "this vote was tallied already", "vote_id")
    rules = VoteRules.with_overrides(vote.rules)
    try:
        result = tally(
            rules,
            seats=vote.seats,
            candidates=[c["id"] for c in vote.candidates],
            roll=len(vote.roll),
            present=len(vote.present),
            ballots=[b["choices"] for b in ballots],
            registered=registered,
        )
    except RuleBroken:
        vote.state = "unbalanced"
        vote.closed_at = ctx.clock.now()
        raise
    vote.state = "tallied"
    vote.closed_at = ctx.clock.now()
    vote.result = result.as_dict()
    if vote.kind == "satisfaction":
        verdict = satisfaction.verdict(rules, result.votes, result.ballots)
        vote.result = {**vote.result, "elected": [], "runoff": None, "verdict": verdict}
    if vote.kind == "score":
        mean = score.mean_score(result.votes)
        vote.result = {**vote.result, "elected": [], "runoff": None, "score": mean}
    vote.seal = board.seal(vote.id, ballots)
    if vote.kind == "election":
        mark_elected(ctx, vote.tenant, vote.result["elected"])
    # Rows, not objects: a congress's 3,000 ballots as ORM objects raised the worker's PSS
    # 8 MB at the close, which its heap keeps; as rows, 4 (bench/README, "the leak check's
    # growth").
    rows = [
        {"vote_id": vote.id, "ballot_id": b["ballot_id"], "choices": list(b["choices"])}
        for b in board.in_board_order(ballots)
    ]
    if rows:  # an empty list would be one INSERT of no values
        ctx.session.execute(insert(BoardBallot), rows)
    ctx.emit(
        "vote.tallied",
        {
            "vote_id": vote.id,
            "tenant": vote.tenant,
            "title": vote.title,
            "seats": vote.seats,
            "elected": vote.result["elected"],
            "runoff_candidates": result.runoff_candidates if vote.result["runoff"] else [],
            "runoff_seats": result.runoff_seats if vote.result["runoff"] else 0,
            "verdict": vote.result.get("verdict") or _score_words(vote),
            "score": vote.result.get("score"),
            "ballots": result.ballots,
            "blank": result.blank,
            "invalid": result.invalid,
            "seal": vote.seal,
        },
    )


def _score_words(vote: Vote) -> str | None:
    """A monthly score's outcome as the committee reads it (the event's `verdict`)."""
    if vote.kind != "score":
        return None
    mean = (vote.result or {}).get("score")
    return "无人评分" if mean is None else f"平均 {mean} 分"
