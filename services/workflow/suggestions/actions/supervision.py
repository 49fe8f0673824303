"""Supervision (督办) and publication: the committee's opinions to units, and what the
public feed shows (docs/domain.md §1)."""

from __future__ import annotations

from services.workflow.domain.actors import require_committee
from services.workflow.domain.rules import require
from services.workflow.suggestions.actions.act import Act
from services.workflow.suggestions.payloads import ref
from services.workflow.suggestions.queries import ever_assigned_to
from services.workflow.suggestions.store import SupervisionOpinion


def supervise_action(act: Act) -> None:
    require_committee(act.actor)
    s = act.suggestion
    unit_id = act.args.get("unit_id") or s.lead_unit_id or ""
    require(
        ever_assigned_to(act.session, s.id, unit_id),
        f"unit {unit_id or '?'} has no assignment on this suggestion",
        "unit_id",
    )
    act.session.add(
        SupervisionOpinion(
            suggestion_id=s.id,
            unit_id=unit_id,
            author=act.actor.subject or act.actor.key_id,
            text=act.args["text"],
            at=act.now,
        )
    )
    act.ctx.emit(
        "supervision.opinion_recorded",
        {**ref(s), "unit_id": unit_id, "text": act.args["text"], "at": act.now},
        tenant=s.tenant,
    )


def set_publication_action(act: Act) -> None:
    require_committee(act.actor)
    act.suggestion.publish = act.args["publish"]
