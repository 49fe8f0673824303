"""The actions on a constituent's opinion (docs/domain.md §2): the one list of their
names, who may ask, and each one's arguments. Intake validates a request with the
schema; the same schema validates `args` of `opinion.action_requested` in workflow."""

from __future__ import annotations

from typing import NamedTuple

from marshmallow import RAISE, Schema, fields, validate

from contracts.vocabulary import CATEGORIES

URGENCIES = ("normal", "urgent")
"""urgent: a small urgent matter (小急难事), which may go straight to a department."""

Reply = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class OpinionActionIn(Schema):
    class Meta:
        unknown = RAISE


class ClassifyIn(OpinionActionIn):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))


class ResolveIn(OpinionActionIn):
    reply = Reply


class ForwardIn(OpinionActionIn):
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    note = fields.String(validate=validate.Length(max=2000))


class EscalateIn(OpinionActionIn):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AdoptIn(OpinionActionIn):
    suggestion_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "the suggestion filed with source_opinion_id = this opinion"},
    )


class UnitReplyIn(OpinionActionIn):
    reply = Reply
    unit_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the unit, when a county system acts for it"},
    )


class OpinionAction(NamedTuple):
    schema: type[OpinionActionIn]
    roles: tuple[str, ...]
    summary: str


HOLDERS = ("system", "committee")
"""The keys of a station, township or county office that holds an opinion."""

OPINION_ACTIONS: dict[str, OpinionAction] = {
    "classify": OpinionAction(ClassifyIn, HOLDERS, "Correct its category and urgency."),
    "resolve": OpinionAction(
        ResolveIn, HOLDERS, "Resolve it at this level, with the reply to the constituent."
    ),
    "forward": OpinionAction(ForwardIn, HOLDERS, "Forward it to a department (转办)."),
    "escalate": OpinionAction(
        EscalateIn, HOLDERS, "Send it up: station → township/street centre → county."
    ),
    "adopt": OpinionAction(
        AdoptIn,
        ("deputy", "system"),
        "A deputy adopts it as the suggestion they filed with source_opinion_id.",
    ),
    "unit_reply": OpinionAction(
        UnitReplyIn, ("unit", "system"), "The department it was forwarded to reports the outcome."
    ),
}
