"""The project aggregate's event handlers: one plain function per consumed event."""

from __future__ import annotations

from contracts import Event
from runtime.work import WorkContext
from services.workflow.domain.rules import RuleBroken
from services.workflow.projects.actions.evaluations import evaluate
from services.workflow.projects.actions.proposals import act, approve_list, propose
from services.workflow.projects.actions.voting import open_vote, tally_vote
from services.workflow.projects.store import (
    CandidateListApproval,
    ProjectEvaluation,
    Proposal,
    Vote,
)
from services.workflow.receipts import reject, settle


def on_vote_open_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    if ctx.session.query(Vote.id).filter_by(submission_id=data["submission_id"]).first():
        return
    try:
        with ctx.session.begin_nested():
            vote = open_vote(ctx, data)
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "vote", vote.id)


def on_ballots_released(event: Event, ctx: WorkContext) -> None:
    data = event.data
    vote = ctx.session.get(Vote, data["vote_id"], with_for_update=True)
    if vote is None:
        reject(ctx, data["submission_id"], RuleBroken("no vote with that id", "vote_id"))
        return
    if vote.state != "open":
        return
    try:
        tally_vote(ctx, vote, data["ballots"], data["registered"])
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "vote", vote.id)


def on_project_proposed(event: Event, ctx: WorkContext) -> None:
    data = event.data
    if ctx.session.query(Proposal.id).filter_by(submission_id=data["submission_id"]).first():
        return
    proposal = propose(ctx, data)
    settle(ctx, data["submission_id"], "project", proposal.id)


def on_project_action_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    actor = data["actor"]
    proposal = ctx.session.get(Proposal, data["project_id"], with_for_update=True)
    if proposal is None or not proposal.tenant_path.startswith(actor["node_path"]):
        reject(ctx, data["submission_id"], RuleBroken("no project with that id", "project_id"))
        return
    try:
        with ctx.session.begin_nested():
            act(
                ctx,
                proposal,
                data["action"],
                f"{actor['role']}:{actor['subject'] or actor['node_path']}",
                data["args"],
            )
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "project", proposal.id)


def on_list_approval_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    exists = ctx.session.query(CandidateListApproval.id)
    if exists.filter_by(submission_id=data["submission_id"]).first():
        return
    try:
        with ctx.session.begin_nested():
            approval = approve_list(ctx, data)
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "candidate_list", approval.id)


def on_evaluation_submitted(event: Event, ctx: WorkContext) -> None:
    data = event.data
    exists = ctx.session.query(ProjectEvaluation.id)
    if exists.filter_by(submission_id=data["submission_id"]).first():
        return
    try:
        with ctx.session.begin_nested():
            evaluate(ctx, data)
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "project", data["project_id"])


HANDLERS = {
    "vote.open_requested": on_vote_open_requested,
    "vote.ballots_released": on_ballots_released,
    "project.proposed": on_project_proposed,
    "project.action_requested": on_project_action_requested,
    "project.list_approval_requested": on_list_approval_requested,
    "project.evaluation_submitted": on_evaluation_submitted,
}
