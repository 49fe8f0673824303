"""Evaluating a completed project's build quality and social effect (seeds/000): a
constituent on its public page, without an account (the opinion form's per-address limit,
folding of the same evaluation and sealed contact, ADR 0011); a deputy with their key,
once. Refused at the door before completion (no door yet), after the congress's window,
or a deputy's second; otherwise a receipt, and workflow records it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy.orm import Session

from contracts.project_actions import EvaluationIn
from contracts.zone import SHANGHAI
from runtime.db import upsert
from runtime.directory import Principal
from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.openapi import ProblemSchema, throttling
from runtime.problems import PROBLEM_TYPE, DomainProblem
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
from services.intake.api.submissions import refuse_other_subject, submit
from services.intake.domain.codes import public_code
from services.intake.store import EvaluationDoor, EvaluationRegister

blp = Blueprint(
    "project_evaluations",
    __name__,
    url_prefix="/projects",
    description="Evaluations of completed projects (工程质量和社会效果评价)",
)
public_blp = Blueprint(
    "public_project_evaluations",
    __name__,
    url_prefix="/public/projects",
    description="A completed project's public evaluation form",
)

CONFLICT = blp.alt_response(
    409,
    schema=ProblemSchema,
    content_type=PROBLEM_TYPE,
    description="Conflict (problem details): the deputy evaluated this project already",
)


class DeputyEvaluationIn(EvaluationIn):
    deputy_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "the deputy evaluating: required of a system or committee key; a "
            "deputy's key may leave it out (or give its own)"
        },
    )


class PublicEvaluationIn(ContactIn, EvaluationIn):
    pass


def open_door(project_id: str, now: datetime, who: Principal | None = None) -> EvaluationDoor:
    """The project's evaluation door if it takes an evaluation now; else one clear error."""
    with service("intake").db.session() as session:
        door = session.get(EvaluationDoor, project_id)
    if door is not None and who is not None and not who.can_see(door.tenant_path):
        raise DomainProblem(404, "Not Found", "No project with that id.", field="project_id")
    if door is None:
        raise DomainProblem(
            422,
            "Invalid request",
            "This project is not completed (or there is no such project): it is evaluated "
            "once completed.",
            field="project_id",
        )
    if now.astimezone(SHANGHAI).date() > door.closes_on:
        raise DomainProblem(
            422,
            "Invalid request",
            f"The evaluation of this project closed on {door.closes_on.isoformat()}.",
            field="project_id",
        )
    return door


def _event(door: EvaluationDoor, body: dict[str, Any], evaluator: str) -> dict[str, Any]:
    return {
        "project_id": door.project_id,
        "tenant": door.tenant,
        "tenant_path": door.tenant_path,
        "evaluator": evaluator,
        "quality": body["quality"],
        "effect": body["effect"],
        "comment": body.get("comment"),
    }


@blp.route("/<project_id>/evaluations", methods=["POST"])
@requires_role("deputy", "system", "committee")
@CONFLICT
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(DeputyEvaluationIn)
@blp.response(202, ReceiptOut)
def evaluate_as_deputy(headers: dict[str, str], body: dict[str, Any], project_id: str) -> Any:
    """A deputy's evaluation of a completed project's build quality and social effect,
    once: before completion or after the congress's window 422, a second 409."""
    who = principal()
    refuse_other_subject(who, body)
    deputy_id = who.subject if who.role == "deputy" else body.get("deputy_id")
    if deputy_id is None:
        raise DomainProblem(
            422, "Invalid request", "Name the deputy evaluating.", field="deputy_id"
        )
    door = open_door(project_id, service("intake").clock.now(), who)

    def register(session: Session, _submission_id: str) -> list[tuple[str, dict[str, Any]]]:
        # Two evaluations of one deputy at once: the second waits on the register's key until
        # the first commits, then finds it there (a refusal, never an error).
        entry = upsert(session, EvaluationRegister).values(
            project_id=project_id, deputy_id=deputy_id
        )
        entered = entry.on_conflict_do_nothing().returning(EvaluationRegister.deputy_id)
        if session.scalar(entered) is None:
            raise DomainProblem(
                409,
                "Evaluated already",
                f"Deputy {deputy_id} has evaluated this project already.",
                field="deputy_id",
            )
        return []

    return submit(
        kind="project.evaluation",
        idempotency_key=headers["idempotency_key"],
        tenant=door.tenant,
        tenant_path=door.tenant_path,
        event_name="project.evaluation_submitted",
        event_data={**_event(door, body, "deputy"), "deputy_id": deputy_id},
        beside=register,
    )


@public_blp.route("/<project_id>/evaluations", methods=["POST"])
@public_blp.arguments(PublicEvaluationIn)
@public_blp.response(202, OpinionReceiptOut)
@public_blp.doc(security=[])
def evaluate_as_constituent(body: dict[str, Any], project_id: str) -> Any:
    """A constituent's evaluation of a completed project, without an account. The same
    evaluation from the same address within the folding window is one; too many from one
    address get 429; before completion or after the window 422 naming `project_id`."""
    rt = service("intake")
    now = rt.clock.now()
    door = open_door(project_id, now)
    address = visitor_address()
    count_address(address)
    comment = without_spaces(body.get("comment") or "")
    folded = fold("evaluation", project_id, address, body["quality"], body["effect"], comment)
    as_public_form(door.tenant, door.tenant_path)
    new_code = public_code()
    return with_public_code(
        submit(
            kind="project.evaluation",
            idempotency_key=f"fold:{folded}",
            tenant=door.tenant,
            tenant_path=door.tenant_path,
            event_name="project.evaluation_submitted",
            event_data={
                **_event(door, body, "constituent"),
                "deputy_id": None,
                "public_code": new_code,
                **sealed_contact(body),
            },
            payload=without_contact({"project_id": project_id, **body}, new_code),
            fingerprint=folded,
        ),
        new_code,
    )


throttling(evaluate_as_constituent)
