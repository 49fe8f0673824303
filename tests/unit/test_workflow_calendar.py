"""Deadlines on China's working-day calendar (DOMAIN.md §1 rule 2), with the real calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.workflow.domain.calendar import (
    add_months,
    add_working_days,
    local_date,
    on_or_after_working_day,
)
from services.workflow.domain.deadlines import (
    DeadlinePolicy,
    adjust_window_closes,
    co_input_deadline,
    extended_deadline,
    handling_deadline,
)
from services.workflow.working_days import is_working_day

D = date.fromisoformat


def weekdays_only(day: date) -> bool:
    return day.weekday() < 5


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-30", True),  # Wednesday before National Day
        ("2026-10-01", False),  # National Day
        ("2026-10-04", False),
        ("2026-10-07", False),  # last day of the Golden Week
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday made a working day (调休)
        ("2026-10-11", False),  # an ordinary Sunday
        ("2026-09-19", False),  # an ordinary Saturday
        ("2026-09-20", True),  # Sunday made a working day (调休)
        ("2026-11-23", True),  # an ordinary Monday
    ],
)
def test_the_china_calendar_knows_2026_national_day_and_its_swapped_days(
    day: str, working: bool
) -> None:
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),  # a shorter month: its last day
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-11-30", 3, "2027-02-28"),  # across the year end into February
        ("2026-10-15", 3, "2027-01-15"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-05-31", 12, "2027-05-31"),
        ("2026-07-01", 3, "2026-10-01"),
        ("2026-07-01", 0, "2026-07-01"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(
    start: str, months: int, expected: str
) -> None:
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-10-01", "2026-10-08"),  # National Day → first day after the Golden Week
        ("2026-10-05", "2026-10-08"),
        ("2026-10-10", "2026-10-10"),  # a working Saturday stays
        ("2026-09-20", "2026-09-20"),  # a working Sunday stays
        ("2026-10-11", "2026-10-12"),  # an ordinary Sunday moves to Monday
        ("2026-11-21", "2026-11-23"),  # Saturday → Monday
        ("2026-11-25", "2026-11-25"),  # a working day stays
    ],
)
def test_a_day_on_a_rest_day_moves_to_the_next_working_day(day: str, expected: str) -> None:
    assert on_or_after_working_day(D(day), is_working_day) == D(expected)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-09-30", 1, "2026-10-08"),  # the Golden Week does not count
        ("2026-09-30", 3, "2026-10-10"),  # 10-08, 10-09, and the working Saturday 10-10
        ("2026-09-30", 4, "2026-10-12"),  # Sunday 10-11 is a rest day
        ("2026-09-18", 1, "2026-09-20"),  # Saturday rests, Sunday 09-20 works
        ("2026-10-03", 1, "2026-10-08"),  # starting on a rest day
        ("2026-11-23", 0, "2026-11-23"),  # zero days: the start itself
    ],
)
def test_add_working_days_counts_only_working_days_after_the_start(
    start: str, days: int, expected: str
) -> None:
    assert add_working_days(D(start), days, is_working_day) == D(expected)


def test_add_working_days_does_not_count_the_start_day() -> None:
    friday = D("2026-11-20")
    assert add_working_days(friday, 1, weekdays_only) == D("2026-11-23")
    assert add_working_days(friday, 5, weekdays_only) == D("2026-11-27")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 6, 30, 15, 59, 59, tzinfo=UTC), "2026-06-30"),
        (datetime(2026, 6, 30, 16, 0, tzinfo=UTC), "2026-07-01"),  # midnight in Shanghai
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "2027-01-01"),
    ],
)
def test_local_date_is_the_date_in_shanghai(moment: datetime, expected: str) -> None:
    assert local_date(moment) == D(expected)


POLICY = DeadlinePolicy()


@pytest.mark.parametrize(
    ("assigned_on", "expected"),
    [
        ("2026-07-01", "2026-10-08"),  # 3 months land on National Day → after the holiday
        ("2026-07-10", "2026-10-10"),  # lands on the working Saturday: stays
        ("2026-06-20", "2026-09-20"),  # lands on the working Sunday: stays
        ("2026-08-22", "2026-11-23"),  # lands on an ordinary Sunday → Monday
        ("2026-11-30", "2027-03-01"),  # Feb 28 2027 is a Sunday → Monday Mar 1
        ("2026-06-30", "2026-09-30"),  # a working day: as is
    ],
)
def test_regular_deadline_is_three_months_moved_off_a_rest_day(
    assigned_on: str, expected: str
) -> None:
    deadline = handling_deadline(
        D(assigned_on), urgent=False, policy=POLICY, is_working_day=is_working_day
    )
    assert deadline == D(expected)


def test_urgent_deadline_is_fifteen_working_days() -> None:
    # 09-29, 09-30 | Golden Week | 10-08, 10-09, 10-10 (Sat, works), 10-12..16, 10-19..23
    deadline = handling_deadline(
        D("2026-09-28"), urgent=True, policy=POLICY, is_working_day=is_working_day
    )
    assert deadline == D("2026-10-23")


def test_urgent_deadline_on_an_ordinary_calendar_is_three_weeks() -> None:
    monday = D("2026-11-23")
    deadline = handling_deadline(monday, urgent=True, policy=POLICY, is_working_day=weekdays_only)
    assert deadline == monday + timedelta(weeks=3)


def test_a_tenant_policy_changes_the_deadlines() -> None:
    policy = DeadlinePolicy(regular_months=6, urgent_working_days=1)
    assert handling_deadline(
        D("2026-04-01"), urgent=False, policy=policy, is_working_day=is_working_day
    ) == D("2026-10-08")
    assert handling_deadline(
        D("2026-09-30"), urgent=True, policy=policy, is_working_day=is_working_day
    ) == D("2026-10-08")


def test_default_policy_matches_the_domain() -> None:
    assert POLICY.regular_months == 3
    assert POLICY.extended_months == 6
    assert POLICY.urgent_working_days == 15
    assert POLICY.co_handler_months == 1
    assert POLICY.adjust_window_working_days == 5
    assert POLICY.warning_days == 15


def test_the_extension_is_six_months_moved_off_a_rest_day() -> None:
    assert extended_deadline(D("2026-04-01"), policy=POLICY, is_working_day=is_working_day) == D(
        "2026-10-08"
    )


def test_co_handlers_have_one_month_moved_off_a_rest_day() -> None:
    def co(day: str) -> date:
        return co_input_deadline(D(day), policy=POLICY, is_working_day=is_working_day)

    assert co("2026-09-01") == D("2026-10-08")  # 10-01 is National Day
    assert co("2026-01-31") == D("2026-02-28")  # a Saturday worked for the Spring Festival
    assert co("2026-10-21") == D("2026-11-23")  # Saturday 11-21 → Monday


def test_the_adjust_window_is_five_working_days() -> None:
    assert adjust_window_closes(D("2026-09-28"), policy=POLICY, is_working_day=is_working_day) == D(
        "2026-10-10"
    )  # 09-29, 09-30, 10-08, 10-09 and the working Saturday 10-10


def test_a_tenant_overrides_only_known_policy_settings() -> None:
    policy = DeadlinePolicy.with_overrides({"urgent_working_days": 10})
    assert policy.urgent_working_days == 10
    assert policy.regular_months == 3
    with pytest.raises(ValueError, match="regular_month"):
        DeadlinePolicy.with_overrides({"regular_month": 2})
