"""POST /intake/v1/duty-reports: the committee reports a deputy's performance and points to
the unit that elected them (选举单位); notify issues it as a formal notice (通报)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit

blp = Blueprint(
    "intake_duty_reports", __name__, url_prefix="/", description="Reports to electing units"
)


class DutyReportIn(Schema):
    class Meta:
        unknown = RAISE

    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    period = fields.String(
        validate=validate.Regexp(
            r"\A[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?\Z", error="2026, 2026-Q3 or 2026-03"
        ),
        metadata={"description": "a year, quarter or month; or first_day and last_day"},
    )
    first_day = fields.Date(metadata={"description": "with last_day: a term"})
    last_day = fields.Date()
    note = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "the committee's words, printed in the notice"},
    )

    @validates_schema
    def one_period(self, data: dict[str, Any], **kwargs: Any) -> None:
        days = [name for name in ("first_day", "last_day") if name in data]
        if ("period" in data) == bool(days):
            raise ValidationError("give period, or first_day and last_day", "period")
        if days and len(days) == 1:
            raise ValidationError("first_day and last_day go together", "first_day")
        if len(days) == 2 and data["last_day"] < data["first_day"]:
            raise ValidationError("the last day comes before the first", "last_day")


@blp.route("/duty-reports", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(DutyReportIn)
@blp.response(202, ReceiptOut)
def report_to_electing_unit(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Report a deputy's figures for a period to their electing unit, as recorded in the
    directory (`renda people set-electing-unit`); the receipt's resource is the report."""
    who = principal()
    deputy = service("intake").directory.deputy(body["deputy_id"])
    if deputy is None or not who.can_see(deputy.node_path):
        raise DomainProblem(
            422, "Invalid request", f"No deputy {body['deputy_id']} in your congress.", "deputy_id"
        )
    if deputy.electing_node_id is None:
        raise DomainProblem(
            422,
            "Invalid request",
            f"The directory knows no electing unit of {deputy.id}.",
            "deputy_id",
        )
    return submit(
        kind="duty_report",
        idempotency_key=headers["idempotency_key"],
        tenant=deputy.node_id,
        tenant_path=who.node_path,
        event_name="duty_report.requested",
        event_data={
            "tenant": deputy.node_id,
            "submitted_by": who.key_id,
            "period": None,
            "first_day": None,
            "last_day": None,
            **body,
        },
    )
