"""POST /intake/v1/interviews: the committee records its decision to interview (约谈) a deputy."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit

blp = Blueprint("intake_interviews", __name__, url_prefix="/", description="Interviews (约谈)")


class InterviewIn(Schema):
    class Meta:
        unknown = RAISE

    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    period = fields.String(
        required=True,
        validate=validate.Regexp(
            r"\A[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?\Z", error="2026, 2026-Q3 or 2026-03"
        ),
        metadata={"description": "the period the deputy fell behind in"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    decided_on = fields.Date(required=True, metadata={"description": "the meeting's day"})


@blp.route("/interviews", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(InterviewIn)
@blp.response(202, ReceiptOut)
def decide_interview(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Record that the working body decided to interview a deputy; the deputy is told."""
    who = principal()
    deputy = service("intake").directory.deputy(body["deputy_id"])
    if deputy is None or not who.can_see(deputy.node_path):
        raise DomainProblem(
            422, "Invalid request", f"No deputy {body['deputy_id']} in your congress.", "deputy_id"
        )
    return submit(
        kind="interview",
        idempotency_key=headers["idempotency_key"],
        tenant=deputy.node_id,
        tenant_path=who.node_path,
        event_name="duty_interview.decided",
        event_data={"tenant": deputy.node_id, "submitted_by": who.key_id, **body},
    )
