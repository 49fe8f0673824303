"""Recording a constituent's or a deputy's evaluation of a completed project, by the
congress's window (domain/evaluation.py); a deputy of the congress, once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from runtime.work import WorkContext
from services.workflow.domain.calendar import local_date
from services.workflow.domain.rules import RuleBroken, require
from services.workflow.policy import vote_rules_for
from services.workflow.projects.domain.evaluation import check_evaluation
from services.workflow.projects.store import ProjectEvaluation, Proposal


def evaluate(ctx: WorkContext, data: dict[str, Any]) -> ProjectEvaluation:
    proposal = ctx.session.get(Proposal, data["project_id"], with_for_update=True)
    if proposal is None or not proposal.tenant_path.startswith(data["tenant_path"]):
        raise RuleBroken("no project with that id", "project_id")
    days = vote_rules_for(ctx.session, proposal.tenant).evaluation_days
    check_evaluation(proposal.completed_on, local_date(ctx.clock.now()), days)
    deputy_id = data.get("deputy_id")
    if data["evaluator"] == "deputy":
        deputy = ctx.directory.deputy(deputy_id or "")
        require(
            deputy is not None and deputy.node_path.startswith(proposal.tenant_path),
            f"no deputy {deputy_id} in this congress",
            "deputy_id",
        )
        before = ctx.session.scalar(
            select(ProjectEvaluation.id).where(
                ProjectEvaluation.proposal_id == proposal.id,
                ProjectEvaluation.deputy_id == deputy_id,
            )
        )
        require(before is None, f"deputy {deputy_id} has evaluated this project", "deputy_id")
    evaluation = ProjectEvaluation(
        id=str(uuid.uuid4()),
        submission_id=data["submission_id"],
        proposal_id=proposal.id,
        evaluator=data["evaluator"],
        deputy_id=deputy_id if data["evaluator"] == "deputy" else None,
        quality=data["quality"],
        effect=data["effect"],
        comment=data.get("comment"),
        public_code=data.get("public_code"),
        name_encrypted=data.get("name_encrypted"),
        phone_encrypted=data.get("phone_encrypted"),
        phone_masked=data.get("phone_masked"),
        at=data["submitted_at"],
    )
    ctx.session.add(evaluation)
    return evaluation
