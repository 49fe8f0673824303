"""Shapes of the votes' door: opening, a runoff, a ballot, the door as a terminal sees it."""

from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger
from services.intake.api.schemas import ReceiptOut

DEPUTY_ID = fields.String(validate=validate.Length(min=1, max=32))
DEPUTY_IDS = {"validate": validate.Length(min=1, max=5000)}


class CandidateIn(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AttendanceIn(Schema):
    class Meta:
        unknown = RAISE

    roll = fields.List(
        DEPUTY_ID,
        required=True,
        metadata={"description": "every deputy entitled to vote"},
        **DEPUTY_IDS,
    )
    present = fields.List(
        DEPUTY_ID, required=True, metadata={"description": "those present"}, **DEPUTY_IDS
    )


class ScoreVoteIn(AttendanceIn):
    roll = fields.List(
        DEPUTY_ID,
        required=True,
        metadata={
            "description": "everyone entitled to score: deputies, and the congress's committee "
            "and working-committee members (`renda people add-member`)"
        },
        **DEPUTY_IDS,
    )
    month = fields.String(
        required=True,
        validate=validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2])$", error="a month like 2027-05"),
        metadata={"description": "the month scored (月度评议)", "example": "2027-05"},
    )


class VoteIn(AttendanceIn):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    seats = BoundedInteger(minimum=1, maximum=500, required=True)
    candidates = fields.List(
        fields.Nested(CandidateIn), required=True, validate=validate.Length(min=1, max=500)
    )


class BallotIn(Schema):
    class Meta:
        unknown = RAISE

    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    choices = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "candidate ids; an empty list is a valid blank ballot"},
    )


class BallotReceiptOut(ReceiptOut):
    tracker = fields.String(
        metadata={
            "description": "the ballot's random id on the board, only where the congress "
            "turned the tracker on; in this answer only, never stored with the voter, and "
            "not in a replayed answer"
        }
    )


class DoorOut(Schema):
    vote_id = fields.String()
    open = fields.Boolean()
    candidates = fields.List(fields.String())
    choices_allowed = fields.Integer()
