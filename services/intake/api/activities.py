"""Duty activities filed by township/street offices, and corrections of the points ledger.

Every row is checked here, with its line number, before a receipt exists; a filing with
one bad row is refused whole (422, every bad row named), so a receipt is never half of a
spreadsheet. Scoring checks again when it books, and settles the receipt.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from typing import Any

from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from contracts.events.duty import ORGANISERS, RECORDED_ACTIVITIES
from runtime.directory import Principal
from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.json_input import text_reason
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit
from services.intake.domain.activity_sheet import MAX_BYTES, SheetError, read_sheet

blp = Blueprint(
    "intake_duty_activities",
    __name__,
    url_prefix="/",
    description="Deputies' duty activities and points corrections",
)

MAX_ERRORS = 100
"""Bad rows named in one answer: enough to fix a sheet, not a flood."""


def _hours(value: Decimal) -> None:
    if not value.is_finite() or not 0 <= value <= 24 or value != value.quantize(Decimal("0.01")):
        raise ValidationError("hours from 0 to 24, at most two decimals")


class ActivityIn(Schema):
    class Meta:
        unknown = RAISE

    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    activity = fields.String(required=True, validate=validate.OneOf(RECORDED_ACTIVITIES))
    occurred_on = fields.Date(required=True)
    duration_hours = fields.Decimal(
        load_default=None,
        allow_none=True,
        as_string=True,
        validate=_hours,
        metadata={"description": "hours, 0 to 24, at most two decimals", "example": "3.5"},
    )
    organiser = fields.String(
        load_default="township",
        validate=validate.OneOf(ORGANISERS),
        metadata={"description": "who organised it; the points go to the township office"},
    )
    office_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "the deputy's township office (统一计分); a township or station "
            "key's own office when left out, required from a county key"
        },
    )
    note = fields.String(load_default="", validate=validate.Length(max=500))


class UploadIn(Schema):
    """The sheet travels inside JSON (base64), as every write through the door is JSON."""

    class Meta:
        unknown = RAISE

    filename = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "ends in .csv (UTF-8) or .xlsx", "example": "2026年3月.csv"},
    )
    content = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_BYTES * 4 // 3 + 4),
        metadata={"description": "the file's bytes, base64; first row the header"},
    )


class CorrectionIn(Schema):
    class Meta:
        unknown = RAISE

    entry_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _scope(who: Principal) -> tuple[str, str]:
    """The congress a key files for (its county, or its city for a city key) and its path."""
    parts = _segments(who.node_path)[:2]
    return parts[-1], "/" + "/".join(parts) + "/"


def _own_office(who: Principal) -> str | None:
    """A township key's own office; a station key's township."""
    parts = _segments(who.node_path)
    return parts[2] if len(parts) >= 3 else None


def _row_errors(who: Principal, scope_path: str, row: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with one shape-checked row in the directory, by field."""
    directory = service("intake").directory
    errors: list[tuple[str, str]] = []
    deputy = directory.deputy(row["deputy_id"])
    if deputy is None or not deputy.node_path.startswith(scope_path):
        errors.append(("deputy_id", f"no deputy {row['deputy_id']} in your county"))
    own = _own_office(who)
    office_id = row["office_id"] or own
    office = directory.node(office_id) if office_id else None
    if office_id is None:
        errors.append(("office_id", "a county key names the deputy's township office"))
    elif own and office_id != own:
        errors.append(("office_id", f"this key files for office {own} only"))
    elif office is None or office.kind != "township" or not office.path.startswith(scope_path):
        errors.append(("office_id", f"no township office {office_id} in your county"))
    return {field: [reason] for field, reason in errors}


def _rows(
    who: Principal, raw_rows: list[dict[str, Any]], *, sheet: bool = True
) -> list[dict[str, Any]]:
    """Every row checked; all the errors (up to MAX_ERRORS) or the rows ready to file.

    A sheet's errors are named `line N.field`; a single filing's by the field alone."""
    _, scope_path = _scope(who)
    schema = ActivityIn()
    errors: dict[str, Any] = {}
    rows = []
    for raw in raw_rows:
        line = raw.pop("line")
        # A sheet's cells come from a file, not through the door's check of the body.
        unprintable = {
            name: [reason]
            for name, value in raw.items()
            if isinstance(value, str) and (reason := text_reason(value))
        }
        if unprintable:
            errors[f"line {line}"] = unprintable
            continue
        try:
            row = schema.load(raw)
        except ValidationError as error:
            errors[f"line {line}"] = error.normalized_messages()
            continue
        found = _row_errors(who, scope_path, row)
        if found:
            errors[f"line {line}"] = found
        else:
            office = service("intake").directory.node(row["office_id"] or _own_office(who) or "")
            assert office is not None  # checked by _row_errors
            rows.append({**row, "line": line, "office_id": office.id, "office_path": office.path})
    if errors:
        # Named as `line N.field` in the problem's errors; nothing of the filing is kept.
        named = dict(list(errors.items())[:MAX_ERRORS]) if sheet else errors["line 1"]
        abort(422, messages={"json": named})  # by location, as webargs gives them
    return rows


def _file(headers: dict[str, str], rows: list[dict[str, Any]], body: Any) -> Any:
    who = principal()
    tenant, _ = _scope(who)
    # The receipt lies at the filing office's place, so that the office reads it.
    return submit(
        kind="duty_activities",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=who.node_path,
        event_name="duty_activity.submitted",
        event_data={"tenant": tenant, "submitted_by": who.key_id, "rows": rows},
        payload=body,
    )


@blp.route("/duty-activities", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(ActivityIn)
@blp.response(202, ReceiptOut)
def file_activity(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """File one deputy's duty activity; the receipt settles once scoring booked it."""
    from flask import request

    raw = request.get_json()
    return _file(headers, _rows(principal(), [{"line": 1, **raw}], sheet=False), raw)


@blp.route("/duty-activities/upload", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(UploadIn)
@blp.response(202, ReceiptOut)
def upload_activities(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """File a spreadsheet of duty activities: every row, or (one bad row) none."""
    try:
        data = base64.b64decode(body["content"], validate=True)
    except (binascii.Error, ValueError):  # ValueError: not even ASCII
        raise DomainProblem(
            422, "Invalid spreadsheet", "content is not base64", "content"
        ) from None
    try:
        raw_rows = read_sheet(body["filename"], data)
    except SheetError as error:
        raise DomainProblem(422, "Invalid spreadsheet", str(error), field="content") from None
    rows = _rows(principal(), [dict(row) for row in raw_rows])
    return _file(headers, rows, {"filename": body["filename"], "rows": raw_rows})


@blp.route("/points-corrections", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(CorrectionIn)
@blp.response(202, ReceiptOut)
def correct_points(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Reverse a ledger entry, with the reason; the reversal names this key as who."""
    who = principal()
    tenant, _ = _scope(who)
    return submit(
        kind="points_correction",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=who.node_path,
        event_name="points.correction_requested",
        event_data={"tenant": tenant, "submitted_by": who.key_id, **body},
    )
