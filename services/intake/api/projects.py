"""/intake/v1/projects: livelihood project proposals (四方联荐), every step on them, and the
approval of a congress's candidate list. Intake checks who may ask and the shape; workflow
decides by the sequence's rules, and the receipt shows the outcome or the rule broken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger, Year
from contracts.project_actions import PROJECT_ACTIONS
from runtime.http import principal, requires_role
from runtime.idempotency import IdempotencyHeader
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import SUBJECT_FIELDS, refuse_other_subject, submit

blp = Blueprint(
    "intake_projects",
    __name__,
    url_prefix="/projects",
    description="Livelihood project proposals (民生实事项目: 四方联荐)",
)


class ProposerIn(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(
        required=True, validate=validate.OneOf(("constituent", "deputy", "station"))
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    deputy_id = fields.String(validate=validate.Length(min=1, max=32))


class ProposalIn(Schema):
    class Meta:
        unknown = RAISE

    year = Year(required=True, metadata={"description": "the budget year it is proposed for"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    place = fields.String(required=True, validate=validate.Length(min=1, max=200))
    estimated_cost = BoundedInteger(
        minimum=0, maximum=10**12, required=True, metadata={"description": "yuan"}
    )
    funding_source = fields.String(required=True, validate=validate.Length(min=1, max=200))
    channel = fields.String(
        required=True,
        validate=validate.OneOf(("station", "qr", "deputy")),
        metadata={"description": "through a station, the QR page or a deputy"},
    )
    proposer = fields.Nested(ProposerIn, required=True)


class ListApprovalIn(Schema):
    class Meta:
        unknown = RAISE

    year = Year(required=True)
    approved_by = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)),
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata={"example": ["中共兴宁区委", "兴宁区人大常委会主任会议"]},
    )


@blp.route("", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(ProposalIn)
@blp.response(202, ReceiptOut)
def propose(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Recommend a project to the key's congress (a county or a township)."""
    who = principal()
    return submit(
        kind="project",
        idempotency_key=headers["idempotency_key"],
        tenant=who.node_id,
        tenant_path=who.node_path,
        event_name="project.proposed",
        event_data={"tenant": who.node_id, "tenant_path": who.node_path, **body},
    )


@blp.route("/candidate-list/approve", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(ListApprovalIn)
@blp.response(202, ReceiptOut)
def approve_candidate_list(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Record the party committee's and the congress's approval of the year's candidate
    list: every shortlisted proposal becomes a candidate for the vote."""
    who = principal()
    return submit(
        kind="project.list",
        idempotency_key=headers["idempotency_key"],
        tenant=who.node_id,
        tenant_path=who.node_path,
        event_name="project.list_approval_requested",
        event_data={"tenant": who.node_id, "tenant_path": who.node_path, **body},
    )


def _view(action: str, summary: str) -> Callable[..., Any]:
    def step(headers: dict[str, str], body: dict[str, Any], project_id: str) -> Any:
        who = principal()
        refuse_other_subject(who, body)
        if (
            who.role in SUBJECT_FIELDS
            and SUBJECT_FIELDS[who.role] in PROJECT_ACTIONS[action].schema().fields
        ):
            body = {**body, SUBJECT_FIELDS[who.role]: who.subject}
        return submit(
            kind=f"project.{action}",
            idempotency_key=headers["idempotency_key"],
            tenant=who.node_id,
            tenant_path=who.node_path,
            event_name="project.action_requested",
            event_data={
                "project_id": project_id,
                "action": action,
                "actor": {"role": who.role, "subject": who.subject, "node_path": who.node_path},
                "args": body,
            },
        )

    step.__name__ = f"project_{action}"
    step.__doc__ = f"{summary}\n\nAnswers 202 with a receipt; workflow settles it."
    return step


for _action, (_schema, _roles, _summary) in PROJECT_ACTIONS.items():
    blp.route(f"/<project_id>/{_action}", methods=["POST"])(
        requires_role(*_roles)(
            blp.arguments(IdempotencyHeader, location="headers")(
                blp.arguments(_schema)(blp.response(202, ReceiptOut)(_view(_action, _summary)))
            )
        )
    )
