"""The actions on a livelihood project proposal through 四方联荐 and the session: the one
list of their names, who may ask, and the schema of each one's arguments.

Intake validates a request's body with the action's schema at the door; the same schema
validates `args` of `project.action_requested` when workflow consumes it.
"""

from __future__ import annotations

from typing import NamedTuple

from marshmallow import RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger, StrictBoolean

Note = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ProjectActionIn(Schema):
    class Meta:
        unknown = RAISE


class StationScreenIn(ProjectActionIn):
    station = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"example": "兴东街道代表联络站"},
    )
    note = Note


class ConsultIn(ProjectActionIn):
    unit_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the departments the township asks"},
    )


class FeasibilityIn(ProjectActionIn):
    unit_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the department, when a county system writes for it"},
    )
    feasible = StrictBoolean(required=True)
    note = Note


class ShortlistIn(ProjectActionIn):
    note = fields.String(validate=validate.Length(max=5000))


class DropIn(ProjectActionIn):
    reason = Note


class CommentIn(ProjectActionIn):
    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    text = Note


class AmendIn(ProjectActionIn):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    estimated_cost = BoundedInteger(
        minimum=0, maximum=10**12, metadata={"description": "yuan, when the plan changes it"}
    )


class MilestoneIn(ProjectActionIn):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    due = fields.Date(required=True)


class PlanIn(ProjectActionIn):
    unit_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the responsible unit"},
    )
    targets = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    milestones = fields.List(
        fields.Nested(MilestoneIn), load_default=list, validate=validate.Length(max=24)
    )
    budget = BoundedInteger(
        minimum=0, maximum=10**12, required=True, metadata={"description": "yuan"}
    )
    funding_source = fields.String(required=True, validate=validate.Length(min=1, max=200))
    deadline = fields.Date(required=True, metadata={"description": "completion within the year"})


class SupervisionGroupIn(ProjectActionIn):
    tasks = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=32)),
        values=fields.String(validate=validate.Length(min=1, max=500)),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "deputy id → that deputy's task (one-to-one tracking)"},
    )


class TaskDoneIn(ProjectActionIn):
    deputy_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "the deputy whose task it is: required of the committee; a "
            "deputy's key may leave it out (or give its own)"
        },
    )
    report = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "a short report of what the supervision found and did"},
    )


class ProgressIn(ProjectActionIn):
    unit_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the responsible unit, when a county system writes for it"},
    )
    period = fields.String(
        required=True,
        validate=validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2]|Q[1-4])$"),
        metadata={
            "description": "a month (一月一调度) or a quarter (一季一督办)",
            "example": "2027-Q1",
        },
    )
    percent = BoundedInteger(minimum=0, maximum=100, required=True)
    note = fields.String(validate=validate.Length(max=5000))


class ProblemReportIn(ProjectActionIn):
    reporter = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "the constituents' representative who saw the problem"},
    )
    text = Note


class ProblemAnswerIn(ProjectActionIn):
    problem_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "the problem report answered"},
    )
    answer = Note


EVALUATION_GRADES = ("good", "fair", "poor")
"""好 / 一般 / 差: build quality and social effect of a completed project (seeds/000 name the
two aspects, not a scale; three grades as the satisfaction vote has)."""


class EvaluationIn(ProjectActionIn):
    """A completed project's evaluation (工程质量和社会效果), by a constituent on its public
    page or a deputy with their key."""

    quality = fields.String(
        required=True,
        validate=validate.OneOf(EVALUATION_GRADES),
        metadata={"description": "build quality (工程质量): good, fair or poor"},
    )
    effect = fields.String(
        required=True,
        validate=validate.OneOf(EVALUATION_GRADES),
        metadata={"description": "social effect (社会效果): good, fair or poor"},
    )
    comment = fields.String(validate=validate.Length(min=1, max=2000))


class ProjectAction(NamedTuple):
    schema: type[ProjectActionIn]
    roles: tuple[str, ...]
    summary: str


PROJECT_ACTIONS: dict[str, ProjectAction] = {
    "screen": ProjectAction(
        StationScreenIn,
        ("system", "committee"),
        "A station screens and completes the recommendation and passes it to the township.",
    ),
    "consult": ProjectAction(
        ConsultIn, ("system", "committee"), "The township asks the relevant departments."
    ),
    "feasibility": ProjectAction(
        FeasibilityIn,
        ("unit", "system", "committee"),
        "A department consulted gives its feasibility review note.",
    ),
    "shortlist": ProjectAction(
        ShortlistIn,
        ("system", "committee"),
        "The township puts it on its candidate list (after a feasibility note).",
    ),
    "drop": ProjectAction(DropIn, ("system", "committee"), "Not taken further, with the reason."),
    "comment": ProjectAction(
        CommentIn,
        ("deputy", "system", "committee"),
        "A deputy's comment at the session, before the vote.",
    ),
    "amend": ProjectAction(
        AmendIn, ("system", "committee"), "The plan as amended after deliberation."
    ),
    "plan": ProjectAction(
        PlanIn,
        ("system", "committee"),
        "The government's plan for an elected project: unit, targets, milestones, budget.",
    ),
    "supervise": ProjectAction(
        SupervisionGroupIn,
        ("system", "committee"),
        "The deputies' supervision group, each deputy with a task.",
    ),
    "task_done": ProjectAction(
        TaskDoneIn,
        ("deputy", "system", "committee"),
        "A deputy's supervision task is done, with a short report; once per deputy.",
    ),
    "progress": ProjectAction(
        ProgressIn,
        ("unit", "system", "committee"),
        "Progress in percent for a month or a quarter; 100 completes the project.",
    ),
    "report_problem": ProjectAction(
        ProblemReportIn,
        ("system", "committee"),
        "A constituents' representative's problem with the works, reported to the township, "
        "which must answer within the congress's working days.",
    ),
    "answer_problem": ProjectAction(
        ProblemAnswerIn,
        ("system", "committee"),
        "The township's answer to a problem report (what was done about it).",
    ),
}
