"""Review rounds of appointed officials (述职评议, docs/domain.md §5): the committee's
commands, each with its arguments' schema (intake checks them, scoring applies them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from contracts.events.base import EventData
from contracts.registry import EventType


def _score_value(value: Decimal) -> None:
    """0 to 100 with at most two places: more is refused, never rounded (59.999 is not 60).
    (A validator of its own: a Range on a string-typed decimal would document its bounds as
    strings.)"""
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValidationError("a figure from 0 to 100")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("at most two decimals")


SCORE = _score_value


def _score(**kwargs: Any) -> fields.Decimal:
    return fields.Decimal(
        as_string=True, validate=SCORE, metadata={"description": "0 to 100"}, **kwargs
    )


class _Args(Schema):
    class Meta:
        unknown = RAISE


SUBJECTS = ("official", "department", "unit")
"""Who is reviewed: an appointed official (述职评议), a department's work (工作评议), or a
handling unit scored at a suggestion-supervision meeting (督办会无记名打分)."""


class OpenArgs(_Args):
    model = fields.String(
        required=True,
        validate=validate.OneOf(("staged", "two_votes", "written", "onsite")),
        metadata={"description": "onsite: the rater groups' anonymous ballots alone"},
    )
    subject = fields.String(
        load_default="official",
        validate=validate.OneOf(SUBJECTS),
        metadata={"description": "official (述职评议), department (工作评议) or unit (督办会)"},
    )
    unit_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the handling unit reviewed or answering (told of deadlines)"},
    )
    official = fields.String(
        required=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "the official, or the department's or unit's name"},
    )
    post = fields.String(required=True, validate=validate.Length(min=1, max=120))
    remind_working_days = fields.Integer(
        load_default=5,
        strict=True,
        validate=validate.Range(min=0, max=30),
        metadata={"description": "how many working days before a deadline notify reminds"},
    )
    stage_weights = fields.List(
        fields.Decimal(as_string=True, validate=SCORE),
        load_default=None,
        validate=validate.Length(equal=4),
        metadata={"description": "staged: preliminary, investigation, onsite, rectification"},
    )
    groups = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=40)),
        values=fields.Decimal(as_string=True, validate=SCORE),
        load_default=None,
        validate=validate.Length(min=1, max=10),
        metadata={"description": "staged: rater group → weight on the on-site stage"},
    )
    repeat_of = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=36))

    @validates_schema
    def staged_has_groups(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["model"] in ("staged", "onsite") and not data.get("groups"):
            raise ValidationError(f"a {data['model']} round names its rater groups", "groups")
        if data.get("subject") == "unit" and not data.get("unit_id"):
            raise ValidationError("a unit's round names the unit", "unit_id")


class ReportArgs(_Args):
    achievements = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=10**6)
    )
    problems = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**6))
    measures = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**6))


class StageArgs(_Args):
    stage = fields.String(
        required=True, validate=validate.OneOf(("preliminary", "investigation", "rectification"))
    )
    score = _score(required=True)


class BallotsArgs(_Args):
    group = fields.String(required=True, validate=validate.Length(min=1, max=40))
    scores = fields.List(_score(), required=True, validate=validate.Length(min=1, max=500))


class VotesArgs(_Args):
    question = fields.String(required=True, validate=validate.OneOf(("performance", "answers")))
    satisfied = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=10**4)
    )
    basically = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=10**4)
    )
    dissatisfied = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=10**4)
    )


class WrittenArgs(_Args):
    score = _score(required=True)


class AnnounceArgs(_Args):
    opinion_received_on = fields.Date(
        required=True, metadata={"description": "the day the official's unit got the opinion"}
    )


OPINION_RECIPIENTS = ("government", "organisation", "discipline", "unit")
"""Where the written opinion goes (政府、组织部门、纪检监察机关、被评议对象所在单位)."""


class OpinionArgs(_Args):
    approved_on = fields.Date(
        required=True, metadata={"description": "the director's meeting (主任会议) approved it"}
    )
    sent_to = fields.List(
        fields.String(validate=validate.OneOf(OPINION_RECIPIENTS)),
        required=True,
        validate=validate.Length(min=1, max=len(OPINION_RECIPIENTS)),
        metadata={"description": "government, organisation, discipline, unit"},
    )


class TalkArgs(_Args):
    held_on = fields.Date(required=True, metadata={"description": "the day of the talk"})
    held_by = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "who held it", "example": "县人大常委会副主任 陆某"},
    )
    note = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "what was said and asked for"},
    )


class ReceivedArgs(_Args):
    received_on = fields.Date(required=True, metadata={"description": "the day it came in"})


REVIEW_COMMANDS: dict[str, tuple[type[Schema], str]] = {
    "open": (OpenArgs, "Open a round (staged, two votes or written) for one official."),
    "report": (ReportArgs, "The report's three parts by length: the 六三一 check."),
    "stage": (StageArgs, "A stage score (preliminary, investigation, rectification)."),
    "ballots": (BallotsArgs, "One rater group's anonymous on-site ballots."),
    "votes": (VotesArgs, "A satisfaction vote's tally (two-vote model)."),
    "written": (WrittenArgs, "The written review's score."),
    "opinion": (OpinionArgs, "The written opinion, approved by the director's meeting, sent."),
    "announce": (AnnounceArgs, "Announce the result; the opinion's receipt starts deadlines."),
    "talk": (
        TalkArgs,
        "The admonishing talk (诫勉谈话) after a dissatisfied result, before the repeat round.",
    ),
    "plan_received": (ReceivedArgs, "The rectification plan came in (due within 1 month)."),
    "report_received": (ReceivedArgs, "The report on every item came in (due within 3 months)."),
}


class ReviewCommandRequestedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True)
    round_id = fields.String(required=True)
    command = fields.String(required=True, validate=validate.OneOf(tuple(REVIEW_COMMANDS)))
    args = fields.Dict(
        required=True, metadata={"description": "the command's arguments (REVIEW_COMMANDS)"}
    )
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class ReviewRef(EventData):
    round_id = fields.String(required=True)
    tenant = fields.String(required=True)
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    official = fields.String(required=True)
    post = fields.String(required=True)
    unit_id = fields.String(required=True, allow_none=True)


class ReviewResultAnnouncedV1(ReviewRef):
    attempt = fields.Integer(required=True)
    score = fields.Decimal(required=True, as_string=True)
    result = fields.String(
        required=True, validate=validate.OneOf(("satisfied", "basically_satisfied", "dissatisfied"))
    )
    next_step = fields.String(
        required=True,
        validate=validate.OneOf(("rectify", "repeat", "refer")),
        metadata={
            "description": "repeat: an admonishing talk and a new report; refer: to the "
            "party committee"
        },
    )


class ReviewOpinionIssuedV1(ReviewRef):
    tenant_path = fields.String(required=True)
    congress_name = fields.String(required=True, metadata={"description": "the issuer"})
    unit_name = fields.String(
        required=True, allow_none=True, metadata={"description": "the official's unit, if known"}
    )
    attempt = fields.Integer(required=True)
    approved_on = fields.Date(
        required=True, metadata={"description": "the director's meeting (主任会议) approved it"}
    )
    sent_to = fields.List(
        fields.String(validate=validate.OneOf(OPINION_RECIPIENTS)),
        required=True,
        metadata={"description": "the bodies it is addressed to"},
    )
    score = fields.Decimal(required=True, allow_none=True, as_string=True)
    result = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(("satisfied", "basically_satisfied", "dissatisfied")),
        metadata={"description": "none while the round is not graded yet"},
    )
    issued_at = fields.AwareDateTime(required=True)


class ReviewDeadlineV1(ReviewRef):
    item = fields.String(required=True, validate=validate.OneOf(("plan", "report")))
    due = fields.Date(required=True)
    overdue = fields.Boolean(required=True, metadata={"description": "false: a reminder"})


EVENT_TYPES = [
    EventType(
        "review.command_requested",
        1,
        ReviewCommandRequestedV1,
        "The committee acted on a review round (opened, scored, announced); scoring applies it.",
    ),
    EventType(
        "review.result_announced",
        1,
        ReviewResultAnnouncedV1,
        "A review round has its final result and what follows (rectify, repeat, refer).",
    ),
    EventType(
        "review.opinion_issued",
        1,
        ReviewOpinionIssuedV1,
        "A round's written review opinion, approved by the director's meeting, is issued to "
        "the bodies it is sent to; notify makes it a numbered formal notice.",
    ),
    EventType(
        "review.deadline",
        1,
        ReviewDeadlineV1,
        "A rectification plan or report is due soon (the round's reminder lead in working "
        "days) or overdue; each told once.",
    ),
]
