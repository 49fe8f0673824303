"""How workflow settles an intake receipt: accepted with the resource it made or changed,
or rejected with the rule it broke (the field and the reason the filer sees)."""

from __future__ import annotations

from runtime.work import WorkContext
from services.workflow.domain.rules import RuleBroken


def settle(
    ctx: WorkContext,
    submission_id: str,
    resource_type: str,
    resource_id: str,
    number: str | None = None,
    *,
    tenant: str | None = None,
) -> None:
    ctx.emit(
        "submission.accepted",
        {
            "submission_id": submission_id,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "resource_number": number,
        },
        tenant=tenant,
    )


def reject(ctx: WorkContext, submission_id: str, broken: RuleBroken) -> None:
    ctx.emit(
        "submission.rejected",
        {"submission_id": submission_id, "reason": broken.reason, "field": broken.field},
    )
