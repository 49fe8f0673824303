"""Consultations on draft laws in (docs/domain.md §8): the committee's plan, every action
on a consultation (forums and visits, deputies' opinions, merging, reports, the
legislature's answer), and the public page's opinions — without an account, with the
same limits, folding and personal-information rule as the opinion form (ADR 0011).
Receipts as for all writes; workflow decides by the consultation's rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from contracts.consultation_actions import (
    CONSULTATION_ACTIONS,
    ConsultationPlanIn,
    Text,
)
from contracts.consultation_actions import Article as ArticleField
from contracts.zone import SHANGHAI
from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.openapi import throttling
from runtime.problems import DomainProblem
from services.intake.api.constituents import (
    as_public_form,
    count_address,
    fold,
    sealed_contact,
    visitor_address,
    with_public_code,
    without_contact,
    without_spaces,
)
from services.intake.api.opinion_schemas import ContactIn, OpinionReceiptOut
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import actor_of, submit
from services.intake.domain.codes import public_code
from services.intake.store import ConsultationDoor

blp = Blueprint(
    "consultations_in",
    __name__,
    url_prefix="/consultations",
    description="Consultations on draft laws (基层立法联系点)",
)
public_blp = Blueprint(
    "public_consultations_in",
    __name__,
    url_prefix="/public/consultations",
    description="The public page of a draft for comment",
)


class PublicDraftOpinionIn(ContactIn):
    station_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the contact point it is left with (one taking part)"},
    )
    article = ArticleField
    text = Text


@blp.route("", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(ConsultationPlanIn)
@blp.response(202, ReceiptOut)
def plan(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Register a draft for comment (the consultation plan): it is published at once on
    its public page and the contact points' deputies are told."""
    who = principal()
    return submit(
        kind="consultation",
        idempotency_key=headers["idempotency_key"],
        tenant=who.node_id,
        tenant_path=who.node_path,
        event_name="consultation.submitted",
        event_data={
            "tenant": who.node_id,
            "tenant_path": who.node_path,
            "planned_by": f"{who.role}:{who.subject or who.node_id}",
            **body,
        },
    )


def _view(action: str, summary: str) -> Callable[..., Any]:
    def act(headers: dict[str, str], body: dict[str, Any], consultation_id: str) -> Any:
        who = principal()
        if who.role == "deputy" and body.get("deputy_id") not in (None, who.subject):
            raise DomainProblem(
                403, "Forbidden", f"This key acts only as deputy {who.subject}.", field="deputy_id"
            )
        return submit(
            kind=f"consultation.{action}",
            idempotency_key=headers["idempotency_key"],
            tenant=who.node_id,
            tenant_path=who.node_path,
            event_name="consultation.action_requested",
            event_data={
                "consultation_id": consultation_id,
                "action": action,
                "actor": actor_of(who),
                "args": body,
            },
        )

    act.__name__ = f"consultation_{action}"
    act.__doc__ = f"{summary}\n\nAnswers 202 with a receipt; workflow settles it."
    return act


for _action, (_schema, _roles, _summary) in CONSULTATION_ACTIONS.items():
    blp.route(f"/<consultation_id>/{_action.replace('_', '-')}", methods=["POST"])(
        requires_role(*_roles)(
            blp.arguments(IdempotencyHeader, location="headers")(
                blp.arguments(_schema)(blp.response(202, ReceiptOut)(_view(_action, _summary)))
            )
        )
    )


def open_door(consultation_id: str, station_id: str, now: datetime) -> ConsultationDoor:
    """The consultation's door, if it takes this opinion now; otherwise one clear error."""
    with service("intake").db.session() as session:
        door = session.get(ConsultationDoor, consultation_id)
    if door is None:
        raise DomainProblem(
            404, "Not Found", "No consultation with that id.", field="consultation_id"
        )
    if now.astimezone(SHANGHAI).date() > door.deadline:
        raise DomainProblem(
            422,
            "Invalid request",
            f"Comments on this draft closed on {door.deadline.isoformat()}; "
            "no more opinions are taken.",
            field="deadline",
        )
    if station_id not in door.station_ids:
        raise DomainProblem(
            422,
            "Invalid request",
            f"{station_id} is not a contact point of this consultation.",
            field="station_id",
        )
    return door


@public_blp.route("/<consultation_id>/opinions", methods=["POST"])
@public_blp.arguments(PublicDraftOpinionIn)
@public_blp.response(202, OpinionReceiptOut)
@public_blp.alt_response(404, response="NOT_FOUND")
@public_blp.doc(security=[])
def leave_opinion(body: dict[str, Any], consultation_id: str) -> Any:
    """Leave an opinion on a draft, on one article or the whole, without an account.
    The same text from the same address on the same draft within the folding window is
    one opinion; too many from one address get 429. After the deadline: 422 naming
    `deadline`."""
    rt = service("intake")
    now = rt.clock.now()
    door = open_door(consultation_id, body["station_id"], now)
    address = visitor_address()
    count_address(address)
    folded = fold(consultation_id, address, str(body["article"]), without_spaces(body["text"]))
    station = rt.directory.node(body["station_id"])
    as_public_form(body["station_id"], station.path if station else door.tenant_path)
    new_code = public_code()
    return with_public_code(
        submit(
            kind="consultation.opinion",
            idempotency_key=f"fold:{folded}",
            tenant=door.tenant,
            tenant_path=station.path if station else door.tenant_path,
            event_name="consultation.opinion_submitted",
            event_data={
                "consultation_id": consultation_id,
                "station_id": body["station_id"],
                "channel": "public_page",
                "article": body["article"],
                "text": body["text"],
                "public_code": new_code,
                **sealed_contact(body),
            },
            payload=without_contact({"consultation_id": consultation_id, **body}, new_code),
            fingerprint=folded,
        ),
        new_code,
    )


throttling(leave_opinion)
