"""The consultation aggregate's event handlers: a plan lands, an opinion from the public
page lands, and the actions on a consultation."""

from __future__ import annotations

from sqlalchemy import select

from contracts import Event
from runtime.work import WorkContext
from services.workflow.consultations.actions import PERFORMERS, plan, receive
from services.workflow.consultations.store import Consultation, ConsultationOpinion
from services.workflow.domain.actors import Actor
from services.workflow.domain.rules import RuleBroken
from services.workflow.receipts import reject, settle


def on_consultation_submitted(event: Event, ctx: WorkContext) -> None:
    data = event.data
    if ctx.session.scalar(
        select(Consultation.id).where(Consultation.submission_id == data["submission_id"])
    ):
        return
    try:
        with ctx.session.begin_nested():
            consultation = plan(ctx, data)
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "consultation", consultation.id, consultation.number)


def on_opinion_submitted(event: Event, ctx: WorkContext) -> None:
    data = event.data
    if ctx.session.scalar(
        select(ConsultationOpinion.id).where(
            ConsultationOpinion.submission_id == data["submission_id"]
        )
    ):
        return
    consultation = ctx.session.get(Consultation, data["consultation_id"])
    if consultation is None:
        reject(ctx, data["submission_id"], RuleBroken("no such consultation", "consultation_id"))
        return
    try:
        with ctx.session.begin_nested():
            receive(ctx, consultation, data)
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "consultation", consultation.id, data["public_code"])


def on_action_requested(event: Event, ctx: WorkContext) -> None:
    data = event.data
    actor = Actor(**data["actor"])
    consultation = ctx.session.get(Consultation, data["consultation_id"], with_for_update=True)
    if consultation is None or not _may_act(actor, consultation):
        reject(
            ctx,
            data["submission_id"],
            RuleBroken("no consultation with that id", "consultation_id"),
        )
        return
    try:
        with ctx.session.begin_nested():
            PERFORMERS[data["action"]](
                ctx, consultation, actor, data["args"], data["submission_id"]
            )
    except RuleBroken as broken:
        reject(ctx, data["submission_id"], broken)
        return
    settle(ctx, data["submission_id"], "consultation", consultation.id, consultation.number)


def _may_act(actor: Actor, consultation: Consultation) -> bool:
    """The congress's keys and above; a participating contact point's; its deputies."""
    if consultation.tenant_path.startswith(actor.node_path):
        return True
    if actor.role == "deputy":
        return actor.node_path.startswith(consultation.tenant_path)
    return any(p["station_path"].startswith(actor.node_path) for p in consultation.contact_points)


HANDLERS = {
    "consultation.submitted": on_consultation_submitted,
    "consultation.opinion_submitted": on_opinion_submitted,
    "consultation.action_requested": on_action_requested,
}
