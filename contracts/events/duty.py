"""Deputies' duty activities (履职活动, docs/domain.md §4) filed by township/street offices."""

from marshmallow import fields, validate

from contracts.events.base import EventData
from contracts.registry import EventType

RECORDED_ACTIVITIES = (
    "session_attendance",
    "absence_with_leave",
    "absence_without_leave",
    "station_duty",
    "inspection",
    "survey",
    "report_to_constituents",
    "training",
    "opinion_collected",
)
"""What an office files as a record; the rest of the rule table is credited from events."""

EVENT_ACTIVITIES = (
    "suggestion",
    "key_suggestion",
    "opinion_adopted",
    "ballot_cast",
    "supervision_task",
)
"""Credited by scoring from other services' events, never filed by hand."""

ACTIVITY_TYPES = RECORDED_ACTIVITIES + EVENT_ACTIVITIES

ORGANISERS = ("township", "county", "city")


class ActivityRow(EventData):
    line = fields.Integer(
        required=True, metadata={"description": "the row's line in the uploaded sheet, or 1"}
    )
    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    activity = fields.String(required=True, validate=validate.OneOf(RECORDED_ACTIVITIES))
    occurred_on = fields.Date(required=True)
    duration_hours = fields.Decimal(
        load_default=None, allow_none=True, as_string=True, validate=validate.Range(min=0)
    )
    organiser = fields.String(required=True, validate=validate.OneOf(ORGANISERS))
    office_id = fields.String(
        required=True, metadata={"description": "the township office the points are booked to"}
    )
    office_path = fields.String(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class DutyActivitiesSubmittedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "county congress node id"})
    submitted_by = fields.String(required=True, metadata={"description": "the API key's id"})
    submitted_at = fields.AwareDateTime(required=True)
    rows = fields.List(fields.Nested(ActivityRow), required=True, validate=validate.Length(min=1))


class PointsCorrectionRequestedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True)
    entry_id = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class PointsListPublishRequestedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True)
    place_id = fields.String(required=True, metadata={"description": "a township or county"})
    period = fields.String(required=True, metadata={"example": "2026-Q1"})
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class InterviewDecidedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True)
    deputy_id = fields.String(required=True)
    period = fields.String(required=True, metadata={"example": "2026"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    decided_on = fields.Date(required=True, metadata={"description": "the meeting's day"})
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class InterviewRecordedV1(EventData):
    interview_id = fields.String(required=True)
    tenant = fields.String(required=True)
    deputy_id = fields.String(required=True)
    period = fields.String(required=True)
    reason = fields.String(required=True)
    decided_on = fields.Date(required=True)


class DutyStarsConfirmRequestedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True)
    place_id = fields.String(required=True, metadata={"description": "a county or city"})
    year = fields.Integer(required=True)
    deputy_ids = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class StationInputsRow(EventData):
    node_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("centre", "station")))
    opinions_handled = fields.Integer(required=True, validate=validate.Range(min=0))
    duty_shifts = fields.Integer(required=True, validate=validate.Range(min=0))
    activities = fields.Integer(required=True, validate=validate.Range(min=0))


class StationRatingRequestedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "the county"})
    year = fields.Integer(required=True)
    units = fields.List(fields.Nested(StationInputsRow), required=True)
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class DutyReportRequestedV1(EventData):
    submission_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "the deputy's congress"})
    deputy_id = fields.String(required=True)
    period = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "2026, 2026-Q3 or 2026-03; else first_day and last_day"},
    )
    first_day = fields.Date(load_default=None, allow_none=True, metadata={"description": "a term"})
    last_day = fields.Date(load_default=None, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    submitted_by = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class ReportedActivity(EventData):
    activity = fields.String(required=True)
    label = fields.String(required=True, metadata={"example": "进站履职"})
    count = fields.Integer(required=True)
    points = fields.Decimal(required=True, as_string=True)


class DutyReportIssuedV1(EventData):
    report_id = fields.String(required=True)
    tenant = fields.String(required=True, metadata={"description": "the deputy's congress"})
    tenant_path = fields.String(required=True)
    congress_name = fields.String(required=True, metadata={"description": "the issuer"})
    deputy_id = fields.String(required=True)
    deputy_name = fields.String(required=True)
    electing_node_id = fields.String(
        required=True, metadata={"description": "the electing unit (选举单位) told"}
    )
    electing_unit_name = fields.String(required=True)
    period = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    rank = fields.Integer(required=True, metadata={"description": "among the congress's deputies"})
    deputies = fields.Integer(required=True, metadata={"description": "how many were ranked"})
    by_activity = fields.List(fields.Nested(ReportedActivity), required=True)
    flags = fields.List(fields.String(), required=True)
    note = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True)


EVENT_TYPES = [
    EventType(
        "duty_activity.submitted",
        1,
        DutyActivitiesSubmittedV1,
        "An office filed deputies' duty activities (one, or a spreadsheet's rows): scoring "
        "books them all or refuses them all, and settles the receipt.",
    ),
    EventType(
        "points.correction_requested",
        1,
        PointsCorrectionRequestedV1,
        "The committee asked for a ledger entry to be reversed, with its reason.",
    ),
    EventType(
        "points_list.publish_requested",
        1,
        PointsListPublishRequestedV1,
        "The committee asked to publish a place's points list for an ended quarter or year: "
        "scoring freezes it as it stands and anyone may read it.",
    ),
    EventType(
        "duty_interview.decided",
        1,
        InterviewDecidedV1,
        "The committee's working body decided to interview (约谈) a deputy who fell behind.",
    ),
    EventType(
        "duty_interview.recorded",
        1,
        InterviewRecordedV1,
        "Scoring recorded an interview decision; the deputy is told.",
    ),
    EventType(
        "duty_stars.confirm_requested",
        1,
        DutyStarsConfirmRequestedV1,
        "The committee confirmed a year's duty stars (履职之星) of a congress.",
    ),
    EventType(
        "station_rating.requested",
        1,
        StationRatingRequestedV1,
        "The committee gave a year's inputs of its centres and stations: scoring rates them "
        "(星级评定) once for that year.",
    ),
    EventType(
        "duty_report.requested",
        1,
        DutyReportRequestedV1,
        "The committee asked to report a deputy's performance and points for a period to the "
        "unit that elected them (选举单位).",
    ),
    EventType(
        "duty_report.issued",
        1,
        DutyReportIssuedV1,
        "Scoring fixed a deputy's figures for the report; notify issues them to the electing "
        "unit as a formal notice (通报).",
    ),
]
