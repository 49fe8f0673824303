"""The actions on a suggestion: the one list of their names, who may ask, and the schema
of each one's arguments.

Intake validates a request's body with the action's schema at the door; the same schema
validates `args` of `suggestion.action_requested` when workflow consumes it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from contracts.fields import StrictBoolean
from contracts.vocabulary import RATINGS, REPLY_CLASSES

Text = fields.String(required=True, validate=validate.Length(min=1, max=10000))
UnitId = fields.String(
    validate=validate.Length(min=1, max=32),
    metadata={"description": "the acting unit, when a county system acts for it"},
)


class ActionIn(Schema):
    class Meta:
        unknown = RAISE


class ScreenIn(ActionIn):
    decision = fields.String(
        required=True, validate=validate.OneOf(["accept", "return", "convert", "merge"])
    )
    reason = fields.String(validate=validate.Length(max=2000))
    into = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "the surviving suggestion's id (merge)"},
    )

    @validates_schema
    def _needs(self, data: dict[str, Any], **_: Any) -> None:
        if data["decision"] in ("return", "convert") and not data.get("reason"):
            raise ValidationError("the deputy is told why: give a reason", "reason")
        if data["decision"] == "merge" and not data.get("into"):
            raise ValidationError("name the suggestion to merge into", "into")


class MarkKeyIn(ActionIn):
    leading_official = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"example": "分管副市长 张三"},
    )
    supervisor = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "the director's-meeting member who supervises it"},
    )


class AssignIn(ActionIn):
    lead_unit_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    co_unit_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        load_default=list,
        validate=validate.Length(max=20),
    )


class UnitRequestIn(ActionIn):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    unit_id = UnitId


class ApproveExtensionIn(ActionIn):
    note = fields.String(validate=validate.Length(max=2000))


class RecordIn(ActionIn):
    kind = fields.String(
        required=True, validate=validate.OneOf(["contact", "commitment", "ledger"])
    )
    stage = fields.String(
        validate=validate.OneOf(["before", "during", "after"]),
        metadata={"description": "for a contact: 办前沟通, 办中协商 or 办后反馈"},
    )
    text = Text
    unit_id = UnitId

    @validates_schema
    def _stage(self, data: dict[str, Any], **_: Any) -> None:
        if data["kind"] == "contact" and not data.get("stage"):
            raise ValidationError("a contact is before, during or after handling", "stage")


class CoInputIn(ActionIn):
    text = Text
    unit_id = UnitId


class ReplyIn(ActionIn):
    reply_class = fields.String(
        required=True,
        validate=validate.OneOf(REPLY_CLASSES),
        metadata={"description": "A solved; B being solved or planned; C not now, with reasons"},
    )
    text = Text
    public = StrictBoolean(load_default=True)
    unit_id = UnitId


class EvaluateIn(ActionIn):
    attitude = fields.String(required=True, validate=validate.OneOf(RATINGS))
    result = fields.String(required=True, validate=validate.OneOf(RATINGS))
    comment = fields.String(validate=validate.Length(max=2000))
    deputy_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the rating proposer, when a county system relays it"},
    )


class SecondAssignIn(ActionIn):
    meeting_note = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    held_on = fields.Date()
    lead_unit_id = fields.String(validate=validate.Length(min=1, max=32))
    co_unit_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)), validate=validate.Length(max=20)
    )


class ReportDoneIn(ActionIn):
    note = fields.String(validate=validate.Length(max=2000))
    unit_id = UnitId


class SuperviseIn(ActionIn):
    text = Text
    unit_id = fields.String(
        validate=validate.Length(min=1, max=32), metadata={"description": "default: the lead unit"}
    )


class PublicationIn(ActionIn):
    publish = StrictBoolean(required=True)


class Action(NamedTuple):
    schema: type[ActionIn]
    """Its arguments: the request body at intake, `args` on the bus."""
    roles: tuple[str, ...]
    """The key roles intake lets ask for it (workflow's rules decide the rest)."""
    summary: str


ACTIONS: dict[str, Action] = {
    "screen": Action(
        ScreenIn, ("system", "committee"), "Screen: accept, return, convert or merge."
    ),
    "mark_key": Action(MarkKeyIn, ("system", "committee"), "Make it a key suggestion (重点建议)."),
    "assign": Action(AssignIn, ("system", "committee"), "Assign (or reassign) to units by hand."),
    "request_adjustment": Action(
        UnitRequestIn,
        ("unit", "system", "committee"),
        "A unit asks, within the window, to be taken off (申请调整).",
    ),
    "request_extension": Action(
        UnitRequestIn,
        ("unit", "system", "committee"),
        "The lead unit asks for the one extension.",
    ),
    "approve_extension": Action(
        ApproveExtensionIn,
        ("system", "committee"),
        "The committee approves the extension.",
    ),
    "record": Action(
        RecordIn,
        ("unit", "system", "committee"),
        "The lead unit records a contact, a commitment or a ledger line.",
    ),
    "co_input": Action(
        CoInputIn,
        ("unit", "system", "committee"),
        "A co-handling unit sends its input to the lead unit.",
    ),
    "reply": Action(ReplyIn, ("unit", "system", "committee"), "The lead unit replies (A/B/C)."),
    "evaluate": Action(
        EvaluateIn,
        ("deputy", "system"),
        "A proposer rates attitude and result, back to back.",
    ),
    "second_assign": Action(
        SecondAssignIn,
        ("system", "committee"),
        "After the face-to-face meeting: a second assignment with a new deadline.",
    ),
    "report_done": Action(
        ReportDoneIn,
        ("unit", "system", "committee"),
        "The lead unit reports a B reply's matter done (办成).",
    ),
    "supervise": Action(
        SuperviseIn,
        ("system", "committee"),
        "Record a supervision opinion (督办意见).",
    ),
    "set_publication": Action(
        PublicationIn,
        ("system", "committee"),
        "Mark it for publication when closed, or not.",
    ),
}
