"""Scoring credits duty points for what deputies did, and reverses what was undone.

Other services' events earn points through one table, EVENT_CREDITS: wiring a new event
to an activity type is one entry (its deputy field, the id that makes it count once, its
moment), plus the subscription in contracts/topology.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from contracts import Event
from runtime.directory.service import Person
from runtime.work import WorkContext
from services.scoring.domain.periods import Period, PeriodError, parse_period, period_kind, span
from services.scoring.domain.points import ACTIVITY_LABELS, congress_chain
from services.scoring.domain.reviews import ReviewError
from services.scoring.domain.station_stars import UnitInputs, rate
from services.scoring.ledger import already_booked, book, local_day, noon_of
from services.scoring.queries import ranking, statement, station_star_rule, term_report
from services.scoring.review_actions import apply_review_command
from services.scoring.store import (
    DutyReport,
    DutyStar,
    Interview,
    PointsEntry,
    PublishedList,
    PublishedListRow,
    StationRating,
)

LIST_PLACES = {"township": ("quarter",), "county": ("quarter", "year")}
"""Which lists are published: a township office's quarterly list, a county's quarterly and
yearly lists."""


@dataclass(frozen=True)
class EventCredit:
    activity: str
    deputy_field: str
    key: str
    """What makes the credit count once, formatted with the event's data (`{suggestion_id}`;
    `{vote_id}:{deputy_id}` where one event type credits many deputies for one thing)."""
    at_field: str | None
    """The data field of the activity's moment; None: the event's own time."""
    reason: str
    """Formatted with the event's data, e.g. "suggestion {number} accepted"."""


EVENT_CREDITS: dict[str, EventCredit] = {
    "suggestion.accepted": EventCredit(
        "suggestion",
        "lead_deputy_id",
        "{suggestion_id}",
        "accepted_at",
        "suggestion {number} accepted: {title}",
    ),
    "suggestion.marked_key": EventCredit(
        "key_suggestion",
        "lead_deputy_id",
        "{suggestion_id}",
        "at",
        "suggestion {number} made a key suggestion",
    ),
    # The deputy who took a constituent's opinion up as a suggestion (意见采纳转化).
    "opinion.adopted": EventCredit(
        "opinion_adopted",
        "deputy_id",
        "{opinion_id}",
        "at",
        "opinion {public_code} adopted as a suggestion",
    ),
    # The fact of voting only: `vote.voted` carries no choice and comes when the vote
    # closes, in deputy order (docs/adr/0012-secret-ballot.md).
    "vote.voted": EventCredit(
        "ballot_cast",
        "deputy_id",
        "{vote_id}:{deputy_id}",
        None,
        "voted in vote {vote_id}",
    ),
    # A supervision group deputy's task on a livelihood project, once per project and deputy.
    "project.task_done": EventCredit(
        "supervision_task",
        "deputy_id",
        "{project_id}:{deputy_id}",
        "done_at",
        "supervision task done on project {title}",
    ),
}


def on_credited_event(event: Event, ctx: WorkContext) -> None:
    credit = EVENT_CREDITS[event.name]
    d = event.data
    source = f"{credit.activity}:{credit.key.format(**d)}"
    if already_booked(ctx, source):
        return
    deputy_id = d[credit.deputy_field]
    deputy = ctx.directory.deputy(deputy_id)
    if deputy is None and ctx.directory.member(deputy_id) is not None:
        return  # a committee member who scored a project: no deputy, no duty points
    book(
        ctx,
        tenant=deputy.node_id if deputy else d["tenant"],
        tenant_path=deputy.node_path if deputy else f"/{d['tenant']}/",
        deputy_id=deputy_id,
        activity=credit.activity,
        source=source,
        reason=credit.reason.format(**d),
        occurred_at=d[credit.at_field] if credit.at_field else event.time,
        office_path=_home_township(ctx, deputy),
    )


def _home_township(ctx: WorkContext, deputy: Person | None) -> str | None:
    """An event's credit counts on the list of the township that elected the deputy (统一计分),
    when the directory knows one; a city deputy's electing unit is a county, no office."""
    if deputy is None or deputy.electing_node_id is None:
        return None
    place = ctx.directory.node(deputy.electing_node_id)
    return place.path if place is not None and place.kind == "township" else None


def _reverse(ctx: WorkContext, credit: PointsEntry, reason: str, by: str | None, at: Any) -> None:
    """The ledger is append-only: a correction is a new entry of the opposite amount."""
    ctx.session.add(
        PointsEntry(
            tenant=credit.tenant,
            tenant_path=credit.tenant_path,
            deputy_id=credit.deputy_id,
            activity=credit.activity,
            points=-credit.points,
            reason=reason,
            source=f"reversal:{credit.source}",
            reverses_id=credit.id,
            office_path=credit.office_path,
            organiser=credit.organiser,
            recorded_by=by,
            occurred_at=at,
            recorded_at=ctx.clock.now(),
        )
    )


def on_suggestion_screened_out(event: Event, ctx: WorkContext) -> None:
    """A suggestion returned, converted or merged after it was credited: reverse the credit."""
    d = event.data
    for source in (f"suggestion:{d['suggestion_id']}", f"key_suggestion:{d['suggestion_id']}"):
        credit = ctx.session.scalar(select(PointsEntry).where(PointsEntry.source == source))
        if credit is None or already_booked(ctx, f"reversal:{source}"):
            continue
        _reverse(
            ctx,
            credit,
            f"suggestion {d['number']} {event.name.split('.')[1]}: credit reversed",
            None,
            d.get("returned_at") or d.get("at") or ctx.clock.now(),
        )


def _reject(ctx: WorkContext, submission_id: str, reason: str, field: str) -> None:
    ctx.emit(
        "submission.rejected", {"submission_id": submission_id, "reason": reason, "field": field}
    )


def _accept(ctx: WorkContext, submission_id: str, resource_type: str, resource_id: str) -> None:
    ctx.emit(
        "submission.accepted",
        {
            "submission_id": submission_id,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "resource_number": None,
        },
    )


def _row_problem(ctx: WorkContext, tenant: str, row: dict[str, Any]) -> tuple[str, str] | None:
    """Why a filed row cannot be booked (reason, field), or None."""
    deputy = ctx.directory.deputy(row["deputy_id"])
    if deputy is None or tenant not in congress_chain(deputy.node_path):
        return f"no deputy {row['deputy_id']} in this county", "deputy_id"
    office = ctx.directory.node(row["office_id"])
    if office is None or office.kind != "township" or tenant not in congress_chain(office.path):
        return f"no township office {row['office_id']} in this county", "office_id"
    return None


def on_duty_activities_submitted(event: Event, ctx: WorkContext) -> None:
    """Book every row of a filing, or none: one bad row refuses the whole filing."""
    d = event.data
    rows = d["rows"]
    if already_booked(ctx, f"activity:{d['submission_id']}:{rows[0]['line']}"):
        return
    for row in rows:
        problem = _row_problem(ctx, d["tenant"], row)
        if problem:
            reason, field = problem
            _reject(ctx, d["submission_id"], f"line {row['line']}: {reason}", field)
            return
    for row in rows:
        deputy = ctx.directory.deputy(row["deputy_id"])
        assert deputy is not None  # checked above, in the same handling
        book(
            ctx,
            tenant=deputy.node_id,
            tenant_path=deputy.node_path,
            deputy_id=deputy.id,
            activity=row["activity"],
            source=f"activity:{d['submission_id']}:{row['line']}",
            reason=row["note"] or row["activity"],
            occurred_at=noon_of(row["occurred_on"]),
            office_path=row["office_path"],
            organiser=row["organiser"],
            duration_hours=row["duration_hours"],
            recorded_by=d["submitted_by"],
        )
    _accept(ctx, d["submission_id"], "duty_activities", d["submission_id"])


def on_points_correction_requested(event: Event, ctx: WorkContext) -> None:
    d = event.data
    entry = ctx.session.get(PointsEntry, d["entry_id"])
    if entry is None or d["tenant"] not in congress_chain(entry.tenant_path):
        _reject(ctx, d["submission_id"], f"no ledger entry {d['entry_id']}", "entry_id")
        return
    if entry.reverses_id is not None:
        _reject(ctx, d["submission_id"], "a reversal is not reversed again", "entry_id")
        return
    if already_booked(ctx, f"reversal:{entry.source}"):
        reversal = ctx.session.scalar(
            select(PointsEntry).where(PointsEntry.source == f"reversal:{entry.source}")
        )
        assert reversal is not None
        if reversal.recorded_by == d["submitted_by"] and reversal.reason == d["reason"]:
            return  # this very correction, told again
        _reject(ctx, d["submission_id"], "this entry was already reversed", "entry_id")
        return
    _reverse(ctx, entry, f"correction: {d['reason']}", d["submitted_by"], d["submitted_at"])
    _accept(ctx, d["submission_id"], "points_entry", str(entry.id))


def on_points_list_publish_requested(event: Event, ctx: WorkContext) -> None:
    """Freeze a place's list for an ended quarter (township, county) or year (county)."""
    d = event.data
    place = ctx.directory.node(d["place_id"])
    if (
        place is None
        or place.kind not in LIST_PLACES
        or d["tenant"] not in congress_chain(place.path)
    ):
        _reject(ctx, d["submission_id"], f"no township or county {d['place_id']}", "place_id")
        return
    try:
        period = parse_period(d["period"])
    except PeriodError as error:
        _reject(ctx, d["submission_id"], str(error), "period")
        return
    if period_kind(d["period"]) not in LIST_PLACES[place.kind]:
        allowed = " or ".join(LIST_PLACES[place.kind])
        _reject(ctx, d["submission_id"], f"a {place.kind} publishes by {allowed}", "period")
        return
    if period.end > local_day(ctx.clock.now()):
        _reject(ctx, d["submission_id"], f"{d['period']} has not ended", "period")
        return
    published = ctx.session.scalar(
        select(PublishedList).where(
            PublishedList.place_id == place.id, PublishedList.period == d["period"]
        )
    )
    if published is not None:
        if published.id != d["submission_id"]:
            _reject(
                ctx, d["submission_id"], "already published; a published list is frozen", "period"
            )
        return
    items = ranking(ctx.session, place, period)
    names = ctx.directory.deputies([item["deputy_id"] for item in items])
    ctx.session.add(
        PublishedList(
            id=d["submission_id"],
            place_id=place.id,
            place_path=place.path,
            period=d["period"],
            published_at=ctx.clock.now(),
            published_by=d["submitted_by"],
        )
    )
    ctx.session.flush()
    for item in items:
        person = names.get(item["deputy_id"])
        ctx.session.add(
            PublishedListRow(
                list_id=d["submission_id"],
                deputy_id=item["deputy_id"],
                deputy_name=person.name if person else item["deputy_id"],
                rank=item["rank"],
                total=item["total"],
            )
        )
    _accept(ctx, d["submission_id"], "points_list", d["submission_id"])


def on_interview_decided(event: Event, ctx: WorkContext) -> None:
    """Record the committee's decision and tell the deputy (through notify)."""
    d = event.data
    deputy = ctx.directory.deputy(d["deputy_id"])
    if deputy is None or d["tenant"] not in congress_chain(deputy.node_path):
        _reject(ctx, d["submission_id"], f"no deputy {d['deputy_id']} in this county", "deputy_id")
        return
    if ctx.session.get(Interview, d["submission_id"]) is not None:
        return
    ctx.session.add(
        Interview(
            id=d["submission_id"],
            tenant=deputy.node_id,
            tenant_path=deputy.node_path,
            deputy_id=deputy.id,
            period=d["period"],
            reason=d["reason"],
            decided_on=d["decided_on"],
            recorded_by=d["submitted_by"],
            recorded_at=ctx.clock.now(),
        )
    )
    ctx.emit(
        "duty_interview.recorded",
        {
            "interview_id": d["submission_id"],
            "tenant": deputy.node_id,
            "deputy_id": deputy.id,
            "period": d["period"],
            "reason": d["reason"],
            "decided_on": d["decided_on"],
        },
    )
    _accept(ctx, d["submission_id"], "interview", d["submission_id"])


def on_duty_stars_confirm_requested(event: Event, ctx: WorkContext) -> None:
    """Record the year's stars as the committee named them: once per congress and year."""
    d = event.data
    place = ctx.directory.node(d["place_id"])
    if (
        place is None
        or place.kind not in ("city", "county")
        or d["tenant"] not in congress_chain(place.path)
    ):
        _reject(ctx, d["submission_id"], f"no congress {d['place_id']}", "place_id")
        return
    for deputy_id in d["deputy_ids"]:
        deputy = ctx.directory.deputy(deputy_id)
        if deputy is None or deputy.node_id != place.id:
            _reject(
                ctx, d["submission_id"], f"{deputy_id} is no deputy of {place.id}", "deputy_ids"
            )
            return
    held = ctx.session.scalar(
        select(DutyStar.submission_id).where(
            DutyStar.place_id == place.id, DutyStar.year == d["year"]
        )
    )
    if held is not None:
        if held != d["submission_id"]:
            _reject(ctx, d["submission_id"], f"the {d['year']} stars are confirmed", "year")
        return
    for deputy_id in dict.fromkeys(d["deputy_ids"]):
        ctx.session.add(
            DutyStar(
                place_id=place.id,
                year=d["year"],
                deputy_id=deputy_id,
                place_path=place.path,
                confirmed_by=d["submitted_by"],
                confirmed_at=ctx.clock.now(),
                submission_id=d["submission_id"],
            )
        )
    _accept(ctx, d["submission_id"], "duty_stars", f"{place.id}-{d['year']}")


CENTRE_KINDS = {"centre": "township", "station": "station"}
"""A centre (中心联络站) is rated as its township's node, a station as its own."""


def _unit_problem(ctx: WorkContext, county_path: str, unit: dict[str, Any]) -> str | None:
    node = ctx.directory.node(unit["node_id"])
    if node is None or not node.path.startswith(county_path):
        return f"no {unit['kind']} {unit['node_id']} in this county"
    if node.kind != CENTRE_KINDS[unit["kind"]]:
        return f"{unit['node_id']} is a {node.kind}, not a {unit['kind']}"
    return None


def on_station_rating_requested(event: Event, ctx: WorkContext) -> None:
    """Rate a county's centres and stations for a year, once; all units or none."""
    d = event.data
    county = ctx.directory.node(d["tenant"])
    if county is None or county.kind != "county":
        _reject(ctx, d["submission_id"], f"no county {d['tenant']}", "tenant")
        return
    held = ctx.session.scalar(
        select(StationRating.submission_id).where(
            StationRating.county == county.id, StationRating.year == d["year"]
        )
    )
    if held is not None:
        if held != d["submission_id"]:
            _reject(ctx, d["submission_id"], f"{d['year']} is rated already", "year")
        return
    seen: set[str] = set()
    for index, unit in enumerate(d["units"]):
        problem = _unit_problem(ctx, county.path, unit)
        if problem is None and unit["node_id"] in seen:
            problem = f"{unit['node_id']} appears twice"
        if problem:
            _reject(ctx, d["submission_id"], problem, f"units.{index}.node_id")
            return
        seen.add(unit["node_id"])
    rule = station_star_rule(ctx.session, congress_chain(county.path))
    inputs = {u["node_id"]: u for u in d["units"]}
    for position, rated in enumerate(rate([UnitInputs(**u) for u in d["units"]], rule)):
        given = inputs[rated.node_id]
        ctx.session.add(
            StationRating(
                county=county.id,
                year=d["year"],
                node_id=rated.node_id,
                county_path=county.path,
                kind=rated.kind,
                opinions_handled=given["opinions_handled"],
                duty_shifts=given["duty_shifts"],
                activities=given["activities"],
                score=rated.score,
                stars=rated.stars,
                model=rated.model,
                position=position,
                submission_id=d["submission_id"],
            )
        )
    _accept(ctx, d["submission_id"], "station_ratings", f"{county.id}-{d['year']}")


def on_review_command_requested(event: Event, ctx: WorkContext) -> None:
    """Apply the committee's command to a review round, or refuse it whole with the rule."""
    d = event.data
    try:
        with ctx.session.begin_nested():
            round_ = apply_review_command(ctx, d)
    except ReviewError as broken:
        _reject(ctx, d["submission_id"], str(broken), broken.field or d["command"])
        return
    except ValidationError as wrong:  # intake checks the args; any other producer may not
        _reject(ctx, d["submission_id"], f"bad arguments: {wrong.normalized_messages()}", "args")
        return
    _accept(ctx, d["submission_id"], "review_round", round_.id)


def _reported_period(d: dict[str, Any]) -> Period:
    if d["period"]:
        return parse_period(d["period"])
    if d["first_day"] is None or d["last_day"] is None:
        raise PeriodError("give period, or first_day and last_day")
    return span(d["first_day"], d["last_day"])


def on_duty_report_requested(event: Event, ctx: WorkContext) -> None:
    """Fix a deputy's figures for a period and have them reported to their electing unit."""
    d = event.data
    if ctx.session.get(DutyReport, d["submission_id"]) is not None:
        return
    deputy = ctx.directory.deputy(d["deputy_id"])
    if deputy is None or d["tenant"] not in congress_chain(deputy.node_path):
        _reject(ctx, d["submission_id"], f"no deputy {d['deputy_id']} in this county", "deputy_id")
        return
    unit = ctx.directory.node(deputy.electing_node_id) if deputy.electing_node_id else None
    congress = ctx.directory.node(deputy.node_id)
    if unit is None or congress is None:
        reason = f"the directory knows no electing unit of {deputy.id} (people set-electing-unit)"
        _reject(ctx, d["submission_id"], reason, "deputy_id")
        return
    try:
        period = _reported_period(d)
    except PeriodError as error:
        _reject(ctx, d["submission_id"], str(error), "period")
        return
    figures = statement(ctx.session, deputy.id, period)
    report = term_report(
        ctx.session, congress, ctx.directory.congress_deputies(congress.id), period
    )
    line = next((i for i in report["items"] if i["deputy_id"] == deputy.id), None)
    rank, deputies = (line["rank"], len(report["items"])) if line else (0, 0)
    by_activity = [{**a, "label": ACTIVITY_LABELS[a["activity"]]} for a in figures["by_activity"]]
    now = ctx.clock.now()
    ctx.session.add(
        DutyReport(
            id=d["submission_id"],
            tenant=deputy.node_id,
            tenant_path=deputy.node_path,
            deputy_id=deputy.id,
            electing_node_id=unit.id,
            period=period.label,
            total=figures["total"],
            rank=rank,
            deputies=deputies,
            figures=[{**a, "points": str(a["points"])} for a in by_activity],
            flags=line["flags"] if line else [],
            note=d["note"],
            reported_by=d["submitted_by"],
            reported_at=now,
        )
    )
    ctx.emit(
        "duty_report.issued",
        {
            "report_id": d["submission_id"],
            "tenant": deputy.node_id,
            "tenant_path": deputy.node_path,
            "congress_name": congress.name,
            "deputy_id": deputy.id,
            "deputy_name": deputy.name,
            "electing_node_id": unit.id,
            "electing_unit_name": unit.name,
            "period": period.label,
            "total": figures["total"],
            "rank": rank,
            "deputies": deputies,
            "by_activity": by_activity,
            "flags": line["flags"] if line else [],
            "note": d["note"],
            "issued_at": now,
        },
    )
    _accept(ctx, d["submission_id"], "duty_report", d["submission_id"])


HANDLERS = {
    **{name: on_credited_event for name in EVENT_CREDITS},
    "suggestion.returned": on_suggestion_screened_out,
    "suggestion.converted": on_suggestion_screened_out,
    "suggestion.merged": on_suggestion_screened_out,
    "duty_activity.submitted": on_duty_activities_submitted,
    "points.correction_requested": on_points_correction_requested,
    "points_list.publish_requested": on_points_list_publish_requested,
    "duty_interview.decided": on_interview_decided,
    "duty_stars.confirm_requested": on_duty_stars_confirm_requested,
    "station_rating.requested": on_station_rating_requested,
    "review.command_requested": on_review_command_requested,
    "duty_report.requested": on_duty_report_requested,
}
