"""Shapes of the projects' public read side."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts.fields import Year


class CandidateOut(Schema):
    id = fields.String()
    title = fields.String()
    votes = fields.Integer(allow_none=True)


class RunoffOut(Schema):
    candidates = fields.List(fields.String())
    seats = fields.Integer()


class ResultOut(Schema):
    elected = fields.List(fields.String())
    runoff = fields.Nested(RunoffOut, allow_none=True)
    ballots = fields.Integer()
    blank = fields.Integer()
    invalid = fields.Integer()
    roll = fields.Integer()
    present = fields.Integer()
    turnout = fields.Integer()
    threshold = fields.Integer(metadata={"description": "votes a candidate must exceed"})
    verdict = fields.String(
        metadata={"description": "a satisfaction vote's: satisfied, basically or dissatisfied"}
    )
    score = fields.Float(
        allow_none=True,
        metadata={"description": "a monthly score's mean of the scores given (1 to 10)"},
    )


class VoteOut(Schema):
    id = fields.String()
    tenant = fields.String()
    title = fields.String()
    seats = fields.Integer()
    state = fields.String(metadata={"description": "open, tallied or unbalanced"})
    runoff_of = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "election, satisfaction or score"})
    project_id = fields.String(allow_none=True)
    month = fields.String(allow_none=True, metadata={"description": "a monthly score's"})
    rules = fields.Dict(metadata={"description": "the vote rules fixed when it opened"})
    candidates = fields.List(fields.Nested(CandidateOut))
    result = fields.Nested(ResultOut, allow_none=True)
    seal = fields.String(allow_none=True)
    opened_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)


class BoardBallotOut(Schema):
    ballot_id = fields.String()
    choices = fields.List(fields.String())


class BoardOut(Schema):
    vote_id = fields.String()
    seal = fields.String(
        metadata={
            "description": "SHA-256 of the canonical JSON {vote_id, ballots:[{ballot_id, "
            "choices sorted}] by ballot_id}, no spaces, keys sorted"
        }
    )
    ballots = fields.List(fields.Nested(BoardBallotOut))


class ProposerOut(Schema):
    kind = fields.String()
    name = fields.String()
    deputy_id = fields.String(allow_none=True)


class TrailStepOut(Schema):
    kind = fields.String(
        metadata={
            "description": "proposed, screen, consult, feasibility, shortlist, drop, "
            "candidate, comment, amend, elected, plan, supervise, progress, problem or answer"
        }
    )
    by = fields.String()
    text = fields.String(allow_none=True)
    details = fields.Dict()
    at = fields.AwareDateTime()


class ProposalOut(Schema):
    id = fields.String()
    tenant = fields.String()
    year = fields.Integer()
    title = fields.String()
    description = fields.String()
    place = fields.String()
    estimated_cost = fields.Integer(metadata={"description": "yuan"})
    funding_source = fields.String()
    channel = fields.String()
    stage = fields.String()
    consulted_unit_ids = fields.List(fields.String())
    proposed_at = fields.AwareDateTime()
    unit_id = fields.String(allow_none=True, metadata={"description": "the responsible unit"})
    budget = fields.Integer(allow_none=True, metadata={"description": "yuan"})
    deadline = fields.Date(allow_none=True)
    progress_percent = fields.Integer()
    completed_on = fields.Date(allow_none=True)
    behind_schedule = fields.Boolean(
        metadata={"description": "progress trails the plan's time gone by (the tenant's margin)"}
    )


class ProjectProblemOut(Schema):
    id = fields.String()
    proposal_id = fields.String()
    project_title = fields.String()
    reporter = fields.String(metadata={"description": "the constituents' representative"})
    text = fields.String()
    reported_at = fields.AwareDateTime()
    due = fields.Date(metadata={"description": "the township answers by this working day"})
    answer = fields.String(allow_none=True)
    answered_by = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "unanswered after its due day"})


class ProjectProblemList(Schema):
    items = fields.List(fields.Nested(ProjectProblemOut))


class ProjectProblemQuery(Schema):
    tenant = fields.String(validate=validate.Length(min=1, max=32))
    unanswered = fields.Boolean(
        load_default=False, metadata={"description": "only those still to answer"}
    )


class GradeCountsOut(Schema):
    good = fields.Integer()
    fair = fields.Integer()
    poor = fields.Integer()


class EvaluatorCountsOut(Schema):
    count = fields.Integer(metadata={"description": "evaluations by this kind of evaluator"})
    quality = fields.Nested(GradeCountsOut, metadata={"description": "build quality (工程质量)"})
    effect = fields.Nested(GradeCountsOut, metadata={"description": "social effect (社会效果)"})


class EvaluationCountsOut(Schema):
    constituent = fields.Nested(EvaluatorCountsOut)
    deputy = fields.Nested(EvaluatorCountsOut)


class ProjectEvaluationsOut(EvaluationCountsOut):
    project_id = fields.String()
    completed_on = fields.Date(allow_none=True)
    closes_on = fields.Date(
        allow_none=True, metadata={"description": "the last day evaluations are taken"}
    )


class EvaluationCommentOut(Schema):
    evaluator = fields.String(metadata={"description": "constituent or deputy"})
    deputy_id = fields.String(allow_none=True)
    quality = fields.String()
    effect = fields.String()
    comment = fields.String(allow_none=True)
    phone_masked = fields.String(allow_none=True, metadata={"description": "a constituent's"})
    at = fields.AwareDateTime()


class ProposalDetailOut(ProposalOut):
    proposer = fields.Nested(ProposerOut)
    targets = fields.String(allow_none=True)
    milestones = fields.List(fields.Dict())
    supervision = fields.Dict(metadata={"description": "deputy id → task"})
    trail = fields.List(fields.Nested(TrailStepOut))
    problems = fields.List(fields.Nested(ProjectProblemOut))
    evaluations = fields.Nested(
        EvaluationCountsOut, metadata={"description": "after completion: counts per grade"}
    )
    evaluation_comments = fields.List(
        fields.Nested(EvaluationCommentOut),
        metadata={"description": "each evaluation with its comment, oldest first"},
    )


class ProposalQuery(Schema):
    tenant = fields.String(validate=validate.Length(min=1, max=32))
    supervisor = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "only projects this deputy has a supervision task on"},
    )
    year = Year()
    stage = fields.String(
        validate=validate.OneOf(
            (
                "recommended",
                "screened",
                "consulted",
                "shortlisted",
                "candidate",
                "elected",
                "implementing",
                "completed",
                "dropped",
            )
        )
    )


class PublicProposalQuery(Schema):
    tenant = fields.String(required=True, validate=validate.Length(min=1, max=32))
    year = Year()


class ProposalList(Schema):
    items = fields.List(fields.Nested(ProposalOut))


class NoticeOut(Schema):
    """The public notice board of an elected project (公示牌), for the stations' boards."""

    title = fields.String()
    place = fields.String()
    reason = fields.String(metadata={"description": "why: the proposal's description"})
    content = fields.String(metadata={"description": "what: the plan's targets"})
    investment = fields.Integer(metadata={"description": "yuan"})
    funding_source = fields.String()
    responsible_unit = fields.String()
    deadline = fields.Date()
    milestones = fields.List(fields.Dict())


class CandidateListOut(Schema):
    id = fields.String()
    tenant = fields.String()
    year = fields.Integer()
    approved_by = fields.List(fields.String())
    approved_at = fields.AwareDateTime()
    proposal_ids = fields.List(fields.String())


class ProjectFiguresQuery(Schema):
    tenant = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "any node: a township, a county (with its townships), a city"},
    )
    year = Year()


class ProjectCountsOut(Schema):
    voted = fields.Integer()
    completed = fields.Integer()
    on_time = fields.Integer()
    satisfied = fields.Integer()
    basically = fields.Integer()
    dissatisfied = fields.Integer()


class ProjectFigureCountsOut(ProjectCountsOut):
    evaluations = fields.Nested(
        EvaluationCountsOut,
        metadata={"description": "completed projects' evaluations, per kind of evaluator"},
    )


class CongressFiguresOut(ProjectFigureCountsOut):
    tenant = fields.String()


class ProjectFiguresOut(Schema):
    total = fields.Nested(ProjectFigureCountsOut)
    congresses = fields.List(fields.Nested(CongressFiguresOut))


class ProjectReportQuery(Schema):
    tenant = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "any node: a township, a county (with its townships), a city"},
    )
    year = Year(required=True, metadata={"description": "the projects' year"})
    period = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^20\d\d-(Q[1-4]|H[12])$", error="a quarter 2027-Q2 or a half 2027-H1"
        ),
        metadata={
            "description": "a quarter (the quarterly notice, 一季一通报) or a half year (the "
            "half-year report, 半年一报告)",
            "example": "2027-Q2",
        },
    )


class BehindProjectOut(Schema):
    id = fields.String()
    title = fields.String()
    tenant = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    targets = fields.String(allow_none=True)
    progress_percent = fields.Integer()
    deadline = fields.Date()


class ProjectProblemCountsOut(Schema):
    reported = fields.Integer()
    answered = fields.Integer()
    overdue = fields.Integer(metadata={"description": "unanswered after the due day"})


class NoticeFigureOut(Schema):
    label = fields.String()
    value = fields.String()


class ReportNoticeOut(Schema):
    title = fields.String()
    body = fields.String()
    figures = fields.List(fields.Nested(NoticeFigureOut))
    idempotency_key = fields.String(metadata={"example": "project-report:450102:2027:2027-Q2"})


class ProjectReportOut(Schema):
    tenant = fields.String()
    year = fields.Integer()
    period = fields.String()
    kind = fields.String(metadata={"description": "quarterly notice or half-year report"})
    as_of = fields.Date(metadata={"description": "the day the figures stand on"})
    counts = fields.Nested(ProjectCountsOut)
    behind = fields.List(
        fields.Nested(BehindProjectOut),
        metadata={"description": "projects behind schedule: their units are named (通报批评)"},
    )
    problems = fields.Nested(ProjectProblemCountsOut)
    notice = fields.Nested(
        ReportNoticeOut,
        metadata={
            "description": "the same as a formal notice (通报) for POST /notify/v1/notices: "
            "add the recipients and send `idempotency_key` as the Idempotency-Key header, so "
            "issuing the period again is the one numbered notice"
        },
    )


class BestProjectUnitsQuery(Schema):
    tenant = fields.String(required=True, validate=validate.Length(min=1, max=32))
    year = Year(required=True)


class BestProjectUnitOut(ProjectCountsOut):
    unit_id = fields.String()
    unit_name = fields.String()


class BestProjectUnitsOut(Schema):
    items = fields.List(fields.Nested(BestProjectUnitOut))


class MonthlyScoreOut(Schema):
    month = fields.String()
    score = fields.Float(allow_none=True, metadata={"description": "mean of the scores given"})
    ballots = fields.Integer()
    blank = fields.Integer()
    vote_id = fields.String()


class MonthlyScoresOut(Schema):
    items = fields.List(fields.Nested(MonthlyScoreOut))
