"""Proposals through 四方联荐 and the session: recommend, screen, consult, feasibility,
shortlist or drop, the candidate list's approval, deputies' comments and amended plans.

Each action loads what it needs, asks domain/proposal.py, records the step in the
proposal's trail in the caller's transaction; a broken rule raises RuleBroken.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from runtime.work import WorkContext
from services.workflow import working_days
from services.workflow.domain.calendar import add_working_days, local_date
from services.workflow.domain.rules import RuleBroken, require
from services.workflow.policy import vote_rules_for
from services.workflow.projects.domain.evaluation import closes_on
from services.workflow.projects.domain.proposal import (
    AFTER,
    Stage,
    check_feasibility_by,
    check_list,
    check_shortlist,
    check_step,
)
from services.workflow.projects.store import (
    CandidateListApproval,
    ProjectProblem,
    Proposal,
    ProposalNote,
)


def _note(
    ctx: WorkContext,
    proposal: Proposal,
    kind: str,
    by: str,
    text: str | None,
    details: dict | None = None,
    at: datetime | None = None,
) -> None:
    ctx.session.add(
        ProposalNote(
            proposal_id=proposal.id,
            kind=kind,
            by=by,
            text=text,
            details=details or {},
            at=at or ctx.clock.now(),
        )
    )


def propose(ctx: WorkContext, data: dict[str, Any]) -> Proposal:
    proposal = Proposal(
        id=str(uuid.uuid4()),
        submission_id=data["submission_id"],
        tenant=data["tenant"],
        tenant_path=data["tenant_path"],
        year=data["year"],
        title=data["title"],
        description=data["description"],
        place=data["place"],
        estimated_cost=data["estimated_cost"],
        funding_source=data["funding_source"],
        channel=data["channel"],
        proposer=dict(data["proposer"]),
        stage=Stage.RECOMMENDED,
        consulted_unit_ids=[],
        proposed_at=data["submitted_at"],
        milestones=[],
        supervision={},
        progress_percent=0,
    )
    ctx.session.add(proposal)
    ctx.session.flush()
    _note(ctx, proposal, "proposed", data["proposer"]["name"], None, {"channel": data["channel"]})
    return proposal


Step = Callable[[WorkContext, Proposal, str, dict[str, Any]], None]


def _screen(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    _note(ctx, proposal, "screen", args["station"], args["note"])


def _consult(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    for unit_id in args["unit_ids"]:
        unit = ctx.directory.unit(unit_id)
        # A township asks its county's departments: theirs is the congress or one above it.
        require(
            unit is not None and proposal.tenant_path.startswith(unit.node_path),
            f"unit {unit_id} is not a department of this congress or the one above it",
            "unit_ids",
        )
    proposal.consulted_unit_ids = sorted(set(args["unit_ids"]))
    _note(ctx, proposal, "consult", by, None, {"unit_ids": proposal.consulted_unit_ids})


def _feasibility(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    unit_id = args.get("unit_id") or by.partition(":")[2]
    check_feasibility_by(unit_id, proposal.consulted_unit_ids)
    _note(
        ctx,
        proposal,
        "feasibility",
        f"unit:{unit_id}",
        args["note"],
        {"feasible": args["feasible"]},
    )


def _shortlist(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    notes = ctx.session.scalar(
        select(func.count()).where(
            ProposalNote.proposal_id == proposal.id, ProposalNote.kind == "feasibility"
        )
    )
    check_shortlist(notes or 0)
    _note(ctx, proposal, "shortlist", by, args.get("note"))


def _drop(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    _note(ctx, proposal, "drop", by, args["reason"])


def _comment(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    deputy = ctx.directory.deputy(args["deputy_id"])
    require(
        deputy is not None and deputy.node_path.startswith(proposal.tenant_path),
        f"no deputy {args['deputy_id']} in this congress",
        "deputy_id",
    )
    _note(ctx, proposal, "comment", f"deputy:{args['deputy_id']}", args["text"])


def _amend(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    details = {}
    if "estimated_cost" in args:
        proposal.estimated_cost = args["estimated_cost"]
        details["estimated_cost"] = args["estimated_cost"]
    _note(ctx, proposal, "amend", by, args["plan"], details)


def _plan(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    unit = ctx.directory.unit(args["unit_id"])
    require(
        unit is not None and proposal.tenant_path.startswith(unit.node_path),
        f"unit {args['unit_id']} is not a unit of this congress or the one above it",
        "unit_id",
    )
    today = local_date(ctx.clock.now())
    require(args["deadline"] > today, "the deadline must be after today", "deadline")
    proposal.unit_id = args["unit_id"]
    proposal.targets = args["targets"]
    proposal.milestones = [
        {"name": m["name"], "due": m["due"].isoformat()} for m in args["milestones"]
    ]
    proposal.budget = args["budget"]
    proposal.plan_funding_source = args["funding_source"]
    proposal.planned_on = today
    proposal.deadline = args["deadline"]
    _note(ctx, proposal, "plan", by, args["targets"], {"unit_id": args["unit_id"]})


def _supervise(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    for deputy_id in args["tasks"]:
        deputy = ctx.directory.deputy(deputy_id)
        require(
            deputy is not None and deputy.node_path.startswith(proposal.tenant_path),
            f"no deputy {deputy_id} in this congress",
            "tasks",
        )
    proposal.supervision = dict(args["tasks"])
    _note(ctx, proposal, "supervise", by, None, {"tasks": proposal.supervision})


def _task_done(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    deputy_id = args.get("deputy_id")
    require(deputy_id is not None, "name the deputy whose task is done", "deputy_id")
    if by.startswith("deputy:"):
        require(by == f"deputy:{deputy_id}", "a deputy marks only their own task", "deputy_id")
    require(
        deputy_id in proposal.supervision,
        f"deputy {deputy_id} has no supervision task on this project",
        "deputy_id",
    )
    done = ctx.session.scalars(
        select(ProposalNote.details).where(
            ProposalNote.proposal_id == proposal.id, ProposalNote.kind == "task_done"
        )
    )
    require(
        all(details.get("deputy_id") != deputy_id for details in done),
        f"deputy {deputy_id}'s task is done already",
        "deputy_id",
    )
    now = ctx.clock.now()
    _note(ctx, proposal, "task_done", by, args["report"], {"deputy_id": deputy_id}, at=now)
    ctx.emit(
        "project.task_done",
        {
            "project_id": proposal.id,
            "tenant": proposal.tenant,
            "tenant_path": proposal.tenant_path,
            "title": proposal.title,
            "deputy_id": deputy_id,
            "task": proposal.supervision[deputy_id],
            "report": args["report"],
            "done_by": by,
            "done_at": now,
        },
        tenant=proposal.tenant,
    )


def _progress(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    unit_id = args.get("unit_id")
    if by.startswith("unit:"):
        require(unit_id == proposal.unit_id, "only the responsible unit reports", "unit_id")
    require(
        args["percent"] >= proposal.progress_percent,
        f"progress was {proposal.progress_percent}% already; it does not go back",
        "percent",
    )
    proposal.progress_percent = args["percent"]
    if args["percent"] == 100 and proposal.completed_on is None:
        proposal.completed_on = local_date(ctx.clock.now())
        proposal.stage = Stage.COMPLETED
        days = vote_rules_for(ctx.session, proposal.tenant).evaluation_days
        ctx.emit(
            "project.completed",
            {
                "project_id": proposal.id,
                "tenant": proposal.tenant,
                "tenant_path": proposal.tenant_path,
                "title": proposal.title,
                "completed_on": proposal.completed_on,
                "evaluation_closes_on": closes_on(proposal.completed_on, days),
            },
            tenant=proposal.tenant,
        )
    _note(
        ctx,
        proposal,
        "progress",
        by,
        args.get("note"),
        {"period": args["period"], "percent": args["percent"]},
    )


def _report_problem(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    now = ctx.clock.now()
    days = vote_rules_for(ctx.session, proposal.tenant).problem_answer_working_days
    problem = ProjectProblem(
        id=str(uuid.uuid4()),
        proposal_id=proposal.id,
        reporter=args["reporter"],
        text=args["text"],
        reported_at=now,
        due=add_working_days(local_date(now), days, working_days.is_working_day),
    )
    ctx.session.add(problem)
    details = {"problem_id": problem.id, "due": problem.due.isoformat(), "reported_by": by}
    _note(ctx, proposal, "problem", args["reporter"], args["text"], details)


def _answer_problem(ctx: WorkContext, proposal: Proposal, by: str, args: dict[str, Any]) -> None:
    problem = ctx.session.get(ProjectProblem, args["problem_id"], with_for_update=True)
    if problem is None or problem.proposal_id != proposal.id:
        raise RuleBroken("no such problem report on this project", "problem_id")
    require(problem.answer is None, "this problem report is answered already", "problem_id")
    problem.answer = args["answer"]
    problem.answered_by = by
    problem.answered_at = ctx.clock.now()
    _note(ctx, proposal, "answer", by, args["answer"], {"problem_id": problem.id})


def mark_elected(ctx: WorkContext, tenant: str, project_ids: list[str]) -> None:
    """The projects a vote elected, where they are this congress's candidates."""
    for project_id in project_ids:
        proposal = ctx.session.get(Proposal, project_id)
        if proposal is not None and proposal.tenant == tenant and proposal.stage == Stage.CANDIDATE:
            proposal.stage = Stage.ELECTED
            _note(ctx, proposal, "elected", "代表票决", None)


STEPS: dict[str, Step] = {
    "screen": _screen,
    "consult": _consult,
    "feasibility": _feasibility,
    "shortlist": _shortlist,
    "drop": _drop,
    "comment": _comment,
    "amend": _amend,
    "plan": _plan,
    "supervise": _supervise,
    "task_done": _task_done,
    "progress": _progress,
    "report_problem": _report_problem,
    "answer_problem": _answer_problem,
}
"""The step of each name in contracts/project_actions.PROJECT_ACTIONS."""


def act(ctx: WorkContext, proposal: Proposal, action: str, by: str, args: dict[str, Any]) -> None:
    check_step(action, proposal.stage)
    if action in AFTER:
        proposal.stage = AFTER[action]
    STEPS[action](ctx, proposal, by, args)


def approve_list(ctx: WorkContext, data: dict[str, Any]) -> CandidateListApproval:
    """The shortlisted proposals of the congress's year become the candidates of its vote."""
    shortlisted = list(
        ctx.session.scalars(
            select(Proposal)
            .where(
                Proposal.tenant == data["tenant"],
                Proposal.year == data["year"],
                Proposal.stage == Stage.SHORTLISTED,
            )
            .order_by(Proposal.proposed_at, Proposal.id)
            .with_for_update()
        )
    )
    check_list(len(shortlisted))
    if not data["approved_by"]:
        raise RuleBroken("name who approved the list", "approved_by")
    now = ctx.clock.now()
    approval = CandidateListApproval(
        id=str(uuid.uuid4()),
        submission_id=data["submission_id"],
        tenant=data["tenant"],
        year=data["year"],
        approved_by=list(data["approved_by"]),
        proposal_ids=[p.id for p in shortlisted],
        approved_at=now,
    )
    ctx.session.add(approval)
    for proposal in shortlisted:
        proposal.stage = Stage.CANDIDATE
        _note(ctx, proposal, "candidate", "、".join(data["approved_by"]), None, at=now)
    return approval
