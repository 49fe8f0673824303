"""The project aggregate's scheduled work: erasing the contacts constituents left with
their evaluations once the tenant's retention has passed (ADR 0011, as for opinions)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from runtime.work import WorkContext
from services.workflow.policy import opinion_policy_for
from services.workflow.projects.store import ProjectEvaluation, Proposal


def erase_evaluation_contacts(ctx: WorkContext) -> None:
    """PIPL: a name or phone left with an evaluation is kept no longer than the tenant's
    `contact_retention_days` after it was given; the counts stay."""
    now = ctx.clock.now()
    rows = ctx.session.execute(
        select(ProjectEvaluation, Proposal.tenant)
        .join(Proposal, Proposal.id == ProjectEvaluation.proposal_id)
        .where(
            ProjectEvaluation.phone_encrypted.is_not(None)
            | ProjectEvaluation.name_encrypted.is_not(None)
        )
    ).all()
    for evaluation, tenant in rows:
        retention = opinion_policy_for(ctx.session, tenant).contact_retention_days
        if evaluation.at + timedelta(days=retention) <= now:
            evaluation.name_encrypted = evaluation.phone_encrypted = None
            evaluation.phone_masked = None


TICKS = {"workflow.evaluation_contacts": erase_evaluation_contacts}
