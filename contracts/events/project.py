"""Events of the livelihood projects' votes (民生实事项目票决制), docs/domain.md §3.

No event carries a deputy together with a choice (docs/adr/0012-secret-ballot.md): the
choices travel only in `vote.ballots_released`, anonymous and in random-id order, after
the vote has closed; who voted travels only in `vote.voted`, emitted at the same moment
in deputy-id order.
"""

from marshmallow import fields, validate

from contracts.events.base import ActionRequested, EventData
from contracts.project_actions import EVALUATION_GRADES, PROJECT_ACTIONS
from contracts.registry import EventType

TENANT = {"description": "the congress node id (county or township)"}


class ProposerRef(EventData):
    kind = fields.String(
        required=True, validate=validate.OneOf(("constituent", "deputy", "station"))
    )
    name = fields.String(required=True)
    deputy_id = fields.String(load_default=None, allow_none=True)


class ProjectProposedV1(EventData):
    submission_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    year = fields.Integer(required=True, metadata={"description": "the budget year"})
    title = fields.String(required=True)
    description = fields.String(required=True)
    place = fields.String(required=True)
    estimated_cost = fields.Integer(required=True, metadata={"description": "yuan"})
    funding_source = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(("station", "qr", "deputy")))
    proposer = fields.Nested(ProposerRef, required=True)


class ProjectActor(EventData):
    role = fields.String(required=True)
    subject = fields.String(load_default=None, allow_none=True)
    node_path = fields.String(required=True)


class ProjectActionRequestedV1(ActionRequested):
    ACTIONS = PROJECT_ACTIONS

    submission_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    project_id = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(list(PROJECT_ACTIONS)))
    actor = fields.Nested(ProjectActor, required=True)


class ProjectTaskDoneV1(EventData):
    project_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    title = fields.String(required=True)
    deputy_id = fields.String(required=True, metadata={"description": "whose task it was"})
    task = fields.String(required=True)
    report = fields.String(required=True, metadata={"description": "the deputy's short report"})
    done_by = fields.String(
        required=True, metadata={"description": "role:subject, the deputy or the committee"}
    )
    done_at = fields.AwareDateTime(required=True)


class ProjectCompletedV1(EventData):
    project_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    title = fields.String(required=True)
    completed_on = fields.Date(required=True)
    evaluation_closes_on = fields.Date(
        required=True,
        metadata={"description": "the last local day constituents and deputies may evaluate it"},
    )


class ProjectEvaluationSubmittedV1(EventData):
    submission_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    project_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    evaluator = fields.String(required=True, validate=validate.OneOf(("constituent", "deputy")))
    deputy_id = fields.String(
        load_default=None, allow_none=True, metadata={"description": "a deputy's, once each"}
    )
    quality = fields.String(required=True, validate=validate.OneOf(EVALUATION_GRADES))
    effect = fields.String(required=True, validate=validate.OneOf(EVALUATION_GRADES))
    comment = fields.String(load_default=None, allow_none=True)
    public_code = fields.String(load_default=None, allow_none=True)
    name_encrypted = fields.String(load_default=None, allow_none=True)
    phone_encrypted = fields.String(load_default=None, allow_none=True)
    phone_masked = fields.String(load_default=None, allow_none=True)


class CandidateListApprovalRequestedV1(EventData):
    submission_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    year = fields.Integer(required=True)
    approved_by = fields.List(
        fields.String(),
        required=True,
        metadata={"example": ["中共兴东街道工委", "兴东街道人大工委"]},
    )


class CandidateRef(EventData):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class VoteOpenRequestedV1(EventData):
    submission_id = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    title = fields.String(load_default=None, allow_none=True)
    seats = fields.Integer(load_default=None, allow_none=True)
    candidates = fields.List(fields.Nested(CandidateRef), load_default=list)
    roll = fields.List(fields.String(), required=True)
    present = fields.List(fields.String(), required=True)
    runoff_of = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "a tallied vote whose tie at the last seat this settles"},
    )
    kind = fields.String(
        load_default="election",
        validate=validate.OneOf(("election", "satisfaction", "score")),
        metadata={"description": "score: the monthly anonymous score of a project (月度评议)"},
    )
    project_id = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "the project a satisfaction vote or monthly score is about"},
    )
    month = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "YYYY-MM: the month a monthly score is for"},
    )


class VoteOpenedV1(EventData):
    vote_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    tenant_path = fields.String(required=True)
    candidates = fields.List(fields.String(), required=True)
    choices_allowed = fields.Integer(required=True)
    present = fields.List(fields.String(), required=True)
    tracker = fields.Boolean(
        load_default=False,
        metadata={"description": "the terminal shows the voter the ballot's random id"},
    )


class AnonymousBallot(EventData):
    ballot_id = fields.String(required=True, metadata={"description": "random, means nothing"})
    choices = fields.List(fields.String(), required=True)


class VoteBallotsReleasedV1(EventData):
    submission_id = fields.String(required=True, metadata={"description": "the close request"})
    vote_id = fields.String(required=True)
    ballots = fields.List(
        fields.Nested(AnonymousBallot),
        required=True,
        metadata={"description": "every ballot, ordered by its random id"},
    )
    registered = fields.Integer(
        required=True, metadata={"description": "deputies the register says have voted"}
    )


class VoteVotedV1(EventData):
    vote_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    deputy_id = fields.String(required=True)


class VoteTalliedV1(EventData):
    vote_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata=TENANT)
    title = fields.String(required=True)
    seats = fields.Integer(required=True)
    elected = fields.List(fields.String(), required=True)
    runoff_candidates = fields.List(fields.String(), load_default=list)
    runoff_seats = fields.Integer(load_default=0)
    ballots = fields.Integer(required=True)
    blank = fields.Integer(required=True)
    invalid = fields.Integer(required=True)
    seal = fields.String(required=True, metadata={"description": "SHA-256 over the board"})
    verdict = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "a satisfaction vote's: satisfied, basically or dissatisfied; a "
            "monthly score's mean as words, e.g. 平均 8.2 分"
        },
    )
    score = fields.Float(
        load_default=None,
        allow_none=True,
        metadata={"description": "a monthly score's mean of the scores given (1 to 10)"},
    )


EVENT_TYPES = [
    EventType(
        "project.proposed",
        1,
        ProjectProposedV1,
        "A livelihood project was recommended (四方联荐: constituents, station, deputy).",
    ),
    EventType(
        "project.action_requested",
        1,
        ProjectActionRequestedV1,
        "Someone asked, through intake, to move a proposal along; workflow decides.",
    ),
    EventType(
        "project.task_done",
        1,
        ProjectTaskDoneV1,
        "A supervision group deputy's task on a project is done (督办任务完成), with a short "
        "report; once per project and deputy.",
    ),
    EventType(
        "project.completed",
        1,
        ProjectCompletedV1,
        "A project reached 100% (completed): constituents and deputies may evaluate its build "
        "quality and social effect until the congress's window closes.",
    ),
    EventType(
        "project.evaluation_submitted",
        1,
        ProjectEvaluationSubmittedV1,
        "A constituent (public page; the contact encrypted) or a deputy evaluated a completed "
        "project's build quality and social effect; workflow records it.",
    ),
    EventType(
        "project.list_approval_requested",
        1,
        CandidateListApprovalRequestedV1,
        "The party committee and the congress approve a congress's candidate list.",
    ),
    EventType(
        "vote.open_requested",
        1,
        VoteOpenRequestedV1,
        "The committee asks to open a vote on the candidate projects (or a runoff of one).",
    ),
    EventType(
        "vote.opened",
        1,
        VoteOpenedV1,
        "A vote is open: its candidates, the choices a ballot may carry, who is present.",
    ),
    EventType(
        "vote.ballots_released",
        1,
        VoteBallotsReleasedV1,
        "The vote closed at the door: every anonymous ballot, in random-id order, to be tallied.",
    ),
    EventType(
        "vote.voted",
        1,
        VoteVotedV1,
        "A deputy cast a ballot in a vote — the fact, never the choice. Emitted when the "
        "vote closes, in deputy-id order, so its timing says nothing either.",
    ),
    EventType(
        "vote.tallied",
        1,
        VoteTalliedV1,
        "A vote's result is published: elected, a runoff if a tie at the last seat calls "
        "one, and the seal of its board.",
    ),
]
