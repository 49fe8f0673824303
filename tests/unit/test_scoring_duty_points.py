"""Duty points from filed activities and events (docs/domain.md §4), through the handlers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import services.scoring as scoring
from runtime.clock import FixedClock
from runtime.db import Database
from services.scoring.admin import set_points_rules, table_in_force
from services.scoring.domain.points import (
    DEFAULT_RULES,
    DEFAULT_RULES_FILE,
    RuleError,
    RuleVersion,
    parse_points,
    parse_rule_table,
    rules_in_force,
)
from services.scoring.ledger import local_day
from services.scoring.store import Base, PointsEntry, PointsRuleVersion
from tests.support.cycle import START
from tests.support.handlers import (
    CITY,
    COUNTY,
    HandlerContext,
    batch_processor,
    delivered,
    handler_context,
)

TOWNSHIP = "45010201"
OFFICE_PATH = f"/{CITY}/{COUNTY}/{TOWNSHIP}/"


def _row(line: int, deputy: str, activity: str, on: str, **extra: Any) -> dict[str, Any]:
    return {
        "line": line,
        "deputy_id": deputy,
        "activity": activity,
        "occurred_on": date.fromisoformat(on),
        "organiser": "township",
        "office_id": TOWNSHIP,
        "office_path": OFFICE_PATH,
        **extra,
    }


def _filing(ctx: HandlerContext, rows: list[dict[str, Any]], submission_id: str | None = None):
    data = {
        "submission_id": submission_id or str(uuid.uuid4()),
        "tenant": COUNTY,
        "submitted_by": "key-township",
        "submitted_at": ctx.clock.now(),
        "rows": rows,
    }
    return data, ctx.handle("duty_activity.submitted", data)


def _ledger(ctx: HandlerContext) -> list[PointsEntry]:
    return list(ctx.session.scalars(select(PointsEntry).order_by(PointsEntry.id)))


def _by_quarter(entries: list[PointsEntry]) -> dict[tuple[str, int], Decimal]:
    sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for entry in entries:
        sums[entry.deputy_id, (local_day(entry.occurred_at).month - 1) // 3 + 1] += entry.points
    return dict(sums)


@pytest.fixture
def ctx():
    with handler_context(scoring.SPEC) as context:
        context.directory.create_node(TOWNSHIP, "township", "朝阳街道", COUNTY)
        context.directory.add_deputy("D450100-001", CITY, "代表甲", "city")
        yield context


def _rule(ctx: HandlerContext, tenant: str, activity: str, points: str, on: str) -> None:
    ctx.session.add(
        PointsRuleVersion(
            tenant=tenant,
            activity=activity,
            effective_from=date.fromisoformat(on),
            points=Decimal(points),
            set_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    ctx.session.flush()


YEAR = [
    _row(2, "D450102-001", "session_attendance", "2026-01-10"),
    _row(3, "D450102-001", "station_duty", "2026-02-14", duration_hours=Decimal("3.5")),
    _row(4, "D450102-002", "absence_without_leave", "2026-01-10"),
    _row(5, "D450102-002", "training", "2026-05-20", organiser="county"),
    _row(6, "D450102-001", "station_duty", "2026-07-03"),
    _row(7, "D450102-002", "station_duty", "2026-09-30"),
    _row(8, "D450102-003", "report_to_constituents", "2026-11-11"),
    _row(9, "D450102-003", "opinion_collected", "2026-12-31"),
]


def test_a_year_of_a_townships_activity_books_the_hand_count(ctx: HandlerContext) -> None:
    # The city raises training to 1.5 for the year; the county raises station duty from Q3.
    _rule(ctx, CITY, "training", "1.5", "2026-01-01")
    _rule(ctx, COUNTY, "station_duty", "3", "2026-07-01")
    data, emitted = _filing(ctx, YEAR)
    ctx.handle(
        "suggestion.accepted",
        {
            "suggestion_id": "s-1",
            "number": "450102-2026-0001",
            "tenant": COUNTY,
            "lead_deputy_id": "D450102-003",
            "title": "修路",
            "category": "transport",
            "urgent": False,
            "accepted_at": datetime(2026, 4, 2, 2, tzinfo=UTC),
        },
    )
    assert [e.name for e in emitted] == ["submission.accepted"]
    assert emitted[0].data["resource_id"] == data["submission_id"]
    assert _by_quarter(_ledger(ctx)) == {
        ("D450102-001", 1): Decimal(5 + 2),  # session 5, station duty 2 (Q1 rule)
        ("D450102-002", 1): Decimal(-5),  # absence without leave
        ("D450102-002", 2): Decimal("1.5"),  # training, the city's figure
        ("D450102-003", 2): Decimal(2),  # the accepted suggestion
        ("D450102-001", 3): Decimal(3),  # station duty at the county's Q3 figure
        ("D450102-002", 3): Decimal(3),
        ("D450102-003", 4): Decimal(3 + 1),
    }
    booked = _ledger(ctx)[1]
    assert (booked.office_path, booked.duration_hours, booked.recorded_by) == (
        OFFICE_PATH,
        Decimal("3.50"),
        "key-township",
    )
    # The same filing told again changes nothing, and settles nothing twice.
    assert ctx.handle("duty_activity.submitted", data) == []
    assert len(_ledger(ctx)) == len(YEAR) + 1


def test_a_rule_change_dated_in_q3_leaves_q1_and_q2_as_they_were(ctx: HandlerContext) -> None:
    _filing(ctx, [_row(2, "D450102-001", "station_duty", "2026-03-31")])
    _rule(ctx, COUNTY, "station_duty", "4", "2026-07-01")
    # A Q2 activity filed after the change still earns the figure in force on its day.
    _filing(ctx, [_row(2, "D450102-001", "station_duty", "2026-06-30")])
    _filing(ctx, [_row(2, "D450102-001", "station_duty", "2026-07-01")])
    assert [e.points for e in _ledger(ctx)] == [Decimal(2), Decimal(2), Decimal(4)]


def test_a_deputy_at_two_levels_has_a_ledger_in_each_congress(ctx: HandlerContext) -> None:
    # The same person sits in the city congress and the county one, with an id in each.
    _rule(ctx, CITY, "inspection", "4", "2026-01-01")
    _rule(ctx, COUNTY, "inspection", "3", "2026-01-01")
    data = {
        "submission_id": str(uuid.uuid4()),
        "tenant": CITY,
        "submitted_by": "key-city",
        "submitted_at": ctx.clock.now(),
        "rows": [_row(2, "D450100-001", "inspection", "2026-03-01", organiser="city")],
    }
    ctx.handle("duty_activity.submitted", data, tenant=CITY)
    _filing(ctx, [_row(2, "D450102-001", "inspection", "2026-03-01", organiser="county")])
    ledgers = {(e.tenant, e.deputy_id): e.points for e in _ledger(ctx)}
    assert ledgers == {(CITY, "D450100-001"): Decimal(4), (COUNTY, "D450102-001"): Decimal(3)}


def test_one_row_of_another_county_refuses_the_whole_filing(ctx: HandlerContext) -> None:
    rows = [_row(n, "D450102-001", "training", "2026-03-01") for n in range(2, 502)]
    rows[300] = _row(302, "D450103-001", "training", "2026-03-01")
    _, emitted = _filing(ctx, rows)
    assert [(e.name, e.data["reason"], e.data["field"]) for e in emitted] == [
        ("submission.rejected", "line 302: no deputy D450103-001 in this county", "deputy_id")
    ]
    assert _ledger(ctx) == []


def test_a_correction_reverses_with_its_reason_and_who(ctx: HandlerContext) -> None:
    _filing(ctx, [_row(2, "D450102-001", "inspection", "2026-03-01")])
    (entry,) = _ledger(ctx)
    ask = {
        "submission_id": str(uuid.uuid4()),
        "tenant": COUNTY,
        "entry_id": entry.id,
        "reason": "录入错误，该代表未参加",
        "submitted_by": "key-committee",
        "submitted_at": ctx.clock.now(),
    }
    assert [e.name for e in ctx.handle("points.correction_requested", ask)] == [
        "submission.accepted"
    ]
    reversal = _ledger(ctx)[1]
    assert (reversal.points, reversal.reverses_id, reversal.recorded_by) == (
        Decimal(-2),
        entry.id,
        "key-committee",
    )
    assert reversal.reason == "correction: 录入错误，该代表未参加"
    again = {**ask, "submission_id": str(uuid.uuid4()), "reason": "再次"}
    (refused,) = ctx.handle("points.correction_requested", again)
    assert refused.data["reason"] == "this entry was already reversed"
    other = {**ask, "submission_id": str(uuid.uuid4()), "tenant": "450103"}
    assert ctx.handle("points.correction_requested", other)[0].name == "submission.rejected"
    assert len(_ledger(ctx)) == 2


def test_the_shipped_table_names_every_activity_type_once() -> None:
    from contracts.events.duty import ACTIVITY_TYPES

    assert set(DEFAULT_RULES) == set(ACTIVITY_TYPES)
    assert parse_rule_table(DEFAULT_RULES_FILE.read_text("utf-8")) == DEFAULT_RULES


@pytest.mark.parametrize(
    ("text", "why"),
    [("1.234", "two decimals"), ("101", "between"), ("abc", "not a number"), ("NaN", "two")],
)
def test_a_figure_is_exact_or_refused(text: str, why: str) -> None:
    with pytest.raises(RuleError, match=why):
        parse_points(text)
    assert parse_points("-2.5") == Decimal("-2.50")


def test_an_unknown_activity_in_a_table_names_its_line() -> None:
    with pytest.raises(RuleError, match="line 3: unknown activity type 'karaoke'"):
        parse_rule_table("activity,points\ntraining,1\nkaraoke,2\n")


def test_the_nearest_congress_wins_and_the_latest_version_on_the_day() -> None:
    versions = [
        RuleVersion(CITY, "training", date(2026, 1, 1), Decimal(2)),
        RuleVersion(COUNTY, "training", date(2026, 7, 1), Decimal(3)),
        RuleVersion(COUNTY, "training", date(2027, 1, 1), Decimal(4)),
    ]
    chain = [COUNTY, CITY]
    assert rules_in_force(date(2026, 6, 30), chain, versions) == {"training": 2}
    assert rules_in_force(date(2026, 7, 1), chain, versions) == {"training": 3}
    assert rules_in_force(date(2027, 1, 1), chain, versions) == {"training": 4}
    assert rules_in_force(date(2025, 12, 31), chain, versions) == {}


def test_a_version_never_replaces_another_of_the_same_day(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'scoring.db'}")
    Base.metadata.create_all(db.engine)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    set_points_rules(db, COUNTY, {"training": Decimal(2)}, date(2026, 7, 1), now)
    with pytest.raises(RuleError, match="training already set from 2026-07-01"):
        set_points_rules(db, COUNTY, {"training": Decimal(9)}, date(2026, 7, 1), now)
    assert table_in_force(db, [COUNTY, CITY], date(2026, 7, 1))["training"] == 2
    assert table_in_force(db, [COUNTY, CITY], date(2026, 6, 1))["training"] == 1
    db.dispose()


def _publish(ctx: HandlerContext, place: str, period: str) -> list:
    return ctx.handle(
        "points_list.publish_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "tenant": COUNTY,
            "place_id": place,
            "period": period,
            "submitted_by": "key-committee",
            "submitted_at": ctx.clock.now(),
        },
    )


def test_a_published_quarter_list_is_frozen(ctx: HandlerContext) -> None:
    from services.scoring.store import PublishedListRow

    _filing(
        ctx,
        [
            _row(2, "D450102-001", "station_duty", "2026-02-01"),
            _row(3, "D450102-002", "inspection", "2026-02-01"),
            _row(4, "D450102-003", "session_attendance", "2026-01-10"),
        ],
    )
    (early,) = _publish(ctx, TOWNSHIP, "2026-Q1")  # the clock stands at 2 March
    assert early.data["reason"] == "2026-Q1 has not ended"
    ctx.clock.advance(timedelta(days=31))
    (monthly,) = _publish(ctx, TOWNSHIP, "2026-03")
    assert monthly.data["field"] == "period"
    (yearly,) = _publish(ctx, TOWNSHIP, "2025")
    assert yearly.data["reason"] == "a township publishes by quarter"
    (elsewhere,) = _publish(ctx, "450103", "2026-Q1")
    assert elsewhere.data["field"] == "place_id"
    (published,) = _publish(ctx, TOWNSHIP, "2026-Q1")
    assert published.name == "submission.accepted"

    def frozen() -> list[tuple[int, str, Decimal]]:
        rows = ctx.session.scalars(select(PublishedListRow).order_by(PublishedListRow.rank))
        return [(r.rank, r.deputy_id, r.total) for r in rows]

    assert frozen() == [
        (1, "D450102-003", Decimal(5)),
        (2, "D450102-001", Decimal(2)),
        (2, "D450102-002", Decimal(2)),
    ]
    # A late record of the quarter books, but the published list stays as it was.
    _filing(ctx, [_row(2, "D450102-001", "inspection", "2026-03-30")])
    assert frozen()[1] == (2, "D450102-001", Decimal(2))
    (again,) = _publish(ctx, TOWNSHIP, "2026-Q1")
    assert again.data["reason"] == "already published; a published list is frozen"


def test_deputies_falling_behind_are_flagged_by_the_tenants_rule(ctx: HandlerContext) -> None:
    from services.scoring.domain.periods import parse_period
    from services.scoring.queries import flagged
    from services.scoring.store import FlagRuleRow

    county = ctx.directory.node(COUNTY)
    deputies = [ctx.directory.deputy(f"D450102-00{n}") for n in (1, 2, 3)]
    _filing(
        ctx,
        [
            _row(2, "D450102-001", "session_attendance", "2026-01-10"),
            _row(3, "D450102-001", "station_duty", "2026-02-01"),
            _row(4, "D450102-002", "session_attendance", "2026-01-10"),
            _row(5, "D450102-002", "station_duty", "2026-02-02"),
        ],
    )
    year, quarter = parse_period("2026"), parse_period("2026-Q1")
    assert flagged(ctx.session, county, deputies, year) == []  # no rule: nobody is flagged
    # The city asks 8 a year; the county overrides: 28 a year and sessions and station duty.
    ctx.session.add(FlagRuleRow(tenant=CITY, min_points=Decimal(8), required="", set_at=START))
    ctx.session.flush()
    assert [f["deputy_id"] for f in flagged(ctx.session, county, deputies, quarter)] == [
        "D450102-003"  # 0 below 8 × 90/365 = 1.97
    ]
    ctx.session.add(
        FlagRuleRow(
            tenant=COUNTY,
            min_points=Decimal(28),
            required="session_attendance,station_duty",
            set_at=START,
        )
    )
    ctx.session.flush()
    (entry,) = [
        e for e in _ledger(ctx) if e.deputy_id == "D450102-002" and e.activity == "station_duty"
    ]
    ctx.handle(
        "points.correction_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "tenant": COUNTY,
            "entry_id": entry.id,
            "reason": "未到岗",
            "submitted_by": "key-committee",
            "submitted_at": datetime(2026, 3, 3, tzinfo=UTC),
        },
    )
    assert {
        (f["deputy_id"], tuple(f["reasons"]))
        for f in flagged(ctx.session, county, deputies, quarter)
    } == {
        # 7 is not below 28 × 90/365 = 6.90
        ("D450102-002", ("points 5.00 below 6.90", "no station_duty")),
        ("D450102-003", ("points 0.00 below 6.90", "no session_attendance", "no station_duty")),
    }


def test_an_interview_decided_is_recorded_and_the_deputy_told(ctx: HandlerContext) -> None:
    from services.notify.handlers import COMPOSERS
    from services.scoring.store import Interview

    decided = {
        "submission_id": str(uuid.uuid4()),
        "tenant": COUNTY,
        "deputy_id": "D450102-003",
        "period": "2026",
        "reason": "全年未进站履职",
        "decided_on": date(2027, 1, 15),
        "submitted_by": "key-committee",
        "submitted_at": ctx.clock.now(),
    }
    recorded, accepted = ctx.handle("duty_interview.decided", decided)
    assert (recorded.name, accepted.name) == ("duty_interview.recorded", "submission.accepted")
    assert ctx.handle("duty_interview.decided", decided) == []  # told again: nothing new
    row = ctx.session.get(Interview, decided["submission_id"])
    assert (row.deputy_id, row.recorded_by, row.tenant) == ("D450102-003", "key-committee", COUNTY)
    (message,) = COMPOSERS["duty_interview.recorded"](recorded.data)
    assert message.recipient == "deputy:D450102-003"
    assert "2027-01-15" in message.body and "全年未进站履职" in message.body
    other = {**decided, "submission_id": str(uuid.uuid4()), "deputy_id": "D450103-001"}
    (refused,) = ctx.handle("duty_interview.decided", other)
    assert refused.data["field"] == "deputy_id"


def test_duty_stars_are_proposed_with_station_duty_weighted_and_confirmed(
    ctx: HandlerContext,
) -> None:
    from services.scoring.domain.periods import parse_period
    from services.scoring.queries import star_proposal
    from services.scoring.store import DutyStar, StarRuleRow

    _rule(ctx, CITY, "training", "1.5", "2026-01-01")
    _rule(ctx, COUNTY, "station_duty", "3", "2026-07-01")
    _filing(ctx, YEAR)
    county = ctx.directory.node(COUNTY)
    # Hand count for 2026: D001 5+2+3 = 10 (station duty 5); D002 -5+1.5+3 = -0.5 (3);
    # D003 3+1 = 4 (0). Weighted ×2: D001 15, D003 4, D002 2.5.
    ctx.session.add(
        StarRuleRow(tenant=COUNTY, count=2, station_duty_weight=Decimal(2), set_at=START)
    )
    ctx.session.flush()
    proposal = star_proposal(ctx.session, county, parse_period("2026"))
    assert [(p["rank"], p["deputy_id"], p["score"]) for p in proposal] == [
        (1, "D450102-001", Decimal(15)),
        (2, "D450102-003", Decimal(4)),
    ]
    ask = {
        "submission_id": str(uuid.uuid4()),
        "tenant": COUNTY,
        "place_id": COUNTY,
        "year": 2026,
        "deputy_ids": ["D450102-001", "D450102-003"],
        "submitted_by": "key-committee",
        "submitted_at": ctx.clock.now(),
    }
    (accepted,) = ctx.handle("duty_stars.confirm_requested", ask)
    assert accepted.data["resource_id"] == "450102-2026"
    assert sorted(ctx.session.scalars(select(DutyStar.deputy_id))) == ["D450102-001", "D450102-003"]
    (again,) = ctx.handle("duty_stars.confirm_requested", {**ask, "submission_id": "x"})
    assert again.data["reason"] == "the 2026 stars are confirmed"
    stranger = {**ask, "submission_id": "y", "year": 2025, "deputy_ids": ["D450103-001"]}
    assert ctx.handle("duty_stars.confirm_requested", stranger)[0].data["field"] == "deputy_ids"


def test_a_tie_at_the_last_star_brings_every_tied_deputy_in() -> None:
    from services.scoring.domain.stars import StarRule, proposed

    scores = {"A": Decimal(9), "B": Decimal(7), "C": Decimal(7), "D": Decimal(5), "E": Decimal(0)}
    rule = StarRule(count=2, station_duty_weight=Decimal(1))
    assert [d for _, d, _ in proposed(scores, rule)] == ["A", "B", "C"]
    assert [d for _, d, _ in proposed(scores, StarRule(9, Decimal(1)))] == ["A", "B", "C", "D"]


def test_coverage_counts_station_duty_and_taking_part(ctx: HandlerContext) -> None:
    from services.scoring.domain.periods import span
    from services.scoring.queries import coverage

    county = ctx.directory.node(COUNTY)
    deputies = [ctx.directory.deputy(f"D450102-00{n}") for n in (1, 2, 3)]
    _filing(
        ctx,
        [
            _row(2, "D450102-001", "station_duty", "2026-02-01"),
            _row(3, "D450102-002", "absence_without_leave", "2026-01-10"),
            _row(4, "D450102-003", "training", "2026-05-01"),
        ],
    )
    term = span(date(2022, 1, 1), date(2026, 12, 31))
    assert coverage(ctx.session, county, deputies, term) == {
        "deputies": 3,
        "station_duty": 1,
        "station_duty_share": Decimal("33.33"),
        "took_part": 2,  # an absence is no taking part
        "took_part_share": Decimal("66.67"),
    }


def test_each_deputy_who_voted_earns_the_fact_of_voting_once(ctx: HandlerContext) -> None:
    for deputy in ("D450102-001", "D450102-002"):
        voted = {"vote_id": "v-1", "tenant": COUNTY, "deputy_id": deputy}
        ctx.handle("vote.voted", voted)
        ctx.handle("vote.voted", voted)  # a redelivery under a new event id
    entries = [e for e in _ledger(ctx) if e.activity == "ballot_cast"]
    assert sorted((e.deputy_id, e.points) for e in entries) == [
        ("D450102-001", Decimal(1)),
        ("D450102-002", Decimal(1)),
    ]
    assert all(local_day(e.occurred_at) == local_day(ctx.clock.now()) for e in entries)


def test_a_deputy_who_adopts_an_opinion_earns_it_once_on_its_day(ctx: HandlerContext) -> None:
    adopted = {
        "opinion_id": "op-1",
        "public_code": "QX-0001",
        "tenant": COUNTY,
        "station_id": "4501020101",
        "level": "station",
        "holder_node_id": "4501020101",
        "has_contact": False,
        "at": datetime(2026, 3, 31, 17, 0, tzinfo=UTC),  # 1 April in China
        "deputy_id": "D450102-002",
        "suggestion_id": "s-9",
    }
    ctx.handle("opinion.adopted", adopted)
    ctx.handle("opinion.adopted", adopted)  # replayed under a new event id: nothing more
    entries = [e for e in _ledger(ctx) if e.activity == "opinion_adopted"]
    assert [(e.deputy_id, e.points, local_day(e.occurred_at)) for e in entries] == [
        ("D450102-002", DEFAULT_RULES["opinion_adopted"], date(2026, 4, 1))
    ]
    assert entries[0].reason == "opinion QX-0001 adopted as a suggestion"


def test_an_event_credit_counts_on_the_list_of_the_township_that_elected_the_deputy(
    ctx: HandlerContext,
) -> None:
    from services.scoring.domain.periods import parse_period
    from services.scoring.queries import ranking

    ctx.directory.set_electing_unit("D450102-003", TOWNSHIP)
    for n, deputy in enumerate(("D450102-003", "D450102-001"), start=1):
        ctx.handle(
            "suggestion.accepted",
            {
                "suggestion_id": f"s-{n}",
                "number": f"450102-2026-000{n}",
                "tenant": COUNTY,
                "lead_deputy_id": deputy,
                "title": "修路",
                "category": "transport",
                "urgent": False,
                "accepted_at": datetime(2026, 4, 2, 2, tzinfo=UTC),
            },
        )
    township = ctx.directory.node(TOWNSHIP)
    # 001 has no electing unit on record: their credit is the county's only.
    assert ranking(ctx.session, township, parse_period("2026-Q2")) == [
        {"rank": 1, "deputy_id": "D450102-003", "total": DEFAULT_RULES["suggestion"]}
    ]
    assert len(ranking(ctx.session, ctx.directory.node(COUNTY), parse_period("2026-Q2"))) == 2


def test_an_electing_unit_sits_right_below_the_congress(ctx: HandlerContext) -> None:
    from runtime.directory.service import DirectoryError

    with pytest.raises(DirectoryError, match="right below 450100"):
        ctx.directory.set_electing_unit("D450100-001", TOWNSHIP)  # a city deputy: a county
    ctx.directory.set_electing_unit("D450100-001", COUNTY)
    assert ctx.directory.deputy("D450100-001").electing_node_id == COUNTY


def test_the_end_of_term_report_ranks_every_deputy_with_what_they_did(
    ctx: HandlerContext,
) -> None:
    from services.scoring.domain.periods import span
    from services.scoring.queries import term_report
    from services.scoring.store import DutyStar, Interview

    ctx.directory.set_electing_unit("D450102-001", TOWNSHIP)
    _filing(
        ctx,
        [
            _row(2, "D450102-001", "station_duty", "2023-02-01"),
            _row(3, "D450102-001", "session_attendance", "2024-01-10"),
            _row(4, "D450102-002", "absence_without_leave", "2024-01-10"),
        ],
    )
    ctx.session.add(
        Interview(
            id="i-1",
            tenant=COUNTY,
            tenant_path=f"/{CITY}/{COUNTY}/",
            deputy_id="D450102-002",
            period="2024",
            reason="无故缺席",
            decided_on=date(2025, 1, 20),
            recorded_by="k",
            recorded_at=ctx.clock.now(),
        )
    )
    ctx.session.add(
        DutyStar(
            place_id=COUNTY,
            year=2023,
            deputy_id="D450102-001",
            place_path=f"/{CITY}/{COUNTY}/",
            confirmed_by="k",
            confirmed_at=ctx.clock.now(),
            submission_id="s",
        )
    )
    ctx.session.flush()
    county = ctx.directory.node(COUNTY)
    deputies = ctx.directory.congress_deputies(COUNTY)
    report = term_report(ctx.session, county, deputies, span(date(2022, 1, 1), date(2026, 12, 31)))
    assert [(i["rank"], i["deputy_id"], i["total"]) for i in report["items"]] == [
        (1, "D450102-001", Decimal(7)),
        (2, "D450102-003", Decimal(0)),  # no entry at all, still on the report
        (3, "D450102-002", Decimal(-5)),
    ]
    first, none, absent = report["items"]
    assert first["electing_unit"] == TOWNSHIP and first["duty_star_years"] == [2023]
    assert first["by_activity"] == [
        {"activity": "session_attendance", "count": 1},
        {"activity": "station_duty", "count": 1},
    ]
    assert (first["station_duty"], first["took_part"]) == (True, True)
    assert (none["took_part"], absent["took_part"], absent["interviews"]) == (False, False, 1)
    assert report["coverage"]["station_duty_share"] == Decimal("33.33")
    # A term that ended before the star year and the interview shows neither.
    earlier = term_report(ctx.session, county, deputies, span(date(2022, 1, 1), date(2022, 12, 31)))
    assert all(i["duty_star_years"] == [] and i["interviews"] == 0 for i in earlier["items"])


def _report_asked(ctx: HandlerContext, **changes: Any) -> tuple[dict[str, Any], list[Any]]:
    data = {
        "submission_id": str(uuid.uuid4()),
        "tenant": COUNTY,
        "deputy_id": "D450102-001",
        "period": "2026-Q1",
        "first_day": None,
        "last_day": None,
        "note": "",
        "submitted_by": "key-county",
        "submitted_at": ctx.clock.now(),
        **changes,
    }
    return data, ctx.handle("duty_report.requested", data)


def test_a_report_to_the_electing_unit_fixes_the_figures_once(ctx: HandlerContext) -> None:
    from services.scoring.store import DutyReport

    _, refused = _report_asked(ctx)
    assert [(e.name, e.data["field"]) for e in refused] == [("submission.rejected", "deputy_id")]
    ctx.directory.set_electing_unit("D450102-001", TOWNSHIP)
    _filing(ctx, [_row(2, "D450102-001", "station_duty", "2026-02-01")])
    _, wrong = _report_asked(ctx, period=None)
    assert [(e.name, e.data["field"]) for e in wrong] == [("submission.rejected", "period")]
    data, emitted = _report_asked(ctx)
    assert [e.name for e in emitted] == ["duty_report.issued", "submission.accepted"]
    issued = emitted[0].data
    assert (issued["electing_node_id"], issued["electing_unit_name"]) == (TOWNSHIP, "朝阳街道")
    assert (issued["total"], issued["rank"], issued["deputies"]) == ("2.00", 1, 3)
    assert issued["by_activity"] == [
        {"activity": "station_duty", "label": "进站履职", "count": 1, "points": "2.00"}
    ]
    assert ctx.handle("duty_report.requested", data) == []  # told again: nothing more
    assert len(list(ctx.session.scalars(select(DutyReport)))) == 1


def test_a_suggestion_told_twice_in_one_batch_is_credited_once() -> None:
    """The second `suggestion.accepted` of a batch (another event id, the same suggestion)
    sees the entry the first booked, not yet flushed: one entry, and the batch applies
    whole instead of failing on the ledger's unique source and going one by one."""
    db = Database("sqlite://")
    scoring.SPEC.metadata.create_all(db.engine)
    processor = batch_processor(scoring.SPEC, db, FixedClock(START))
    accepted = {
        "suggestion_id": str(uuid.uuid4()),
        "number": "450102-2026-0001",
        "tenant": COUNTY,
        "lead_deputy_id": "D450102-001",
        "title": "关于增加城区小学学位的建议",
        "category": "education",
        "urgent": False,
        "accepted_at": START,
    }
    told = [delivered("suggestion.accepted", accepted, tenant=COUNTY, at=START) for _ in range(2)]

    assert processor.process(told) == [True, True]

    with db.session() as session:
        assert [e.source for e in session.scalars(select(PointsEntry))] == [
            f"suggestion:{accepted['suggestion_id']}"
        ]
    db.dispose()
    processor.directory.db.dispose()
