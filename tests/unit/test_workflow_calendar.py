"""Deadlines on China's working-day calendar (docs/domain.md §1 rule 2), with the real calendar."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from runtime.directory.holidays import OfficialSchedule, ScheduleError, read_schedule
from services.workflow import working_days
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


# -- official holiday schedules (renda holidays load) ------------------------------------

CALENDARS = Path(__file__).resolve().parents[2] / "deploy" / "calendars"


@pytest.fixture
def official() -> Iterator[dict[int, OfficialSchedule]]:
    """Official schedules as the directory would serve them; each test's own."""
    loaded: dict[int, OfficialSchedule] = {}
    working_days.use_official_schedules(loaded.get, cache_seconds=0)
    yield loaded
    working_days.use_official_schedules(None)


def test_the_shipped_2026_schedule_agrees_with_the_package_on_every_day() -> None:
    schedule = read_schedule(CALENDARS / "cn-2026.json", 2026)
    assert schedule.holidays[D("2026-02-15")] == "春节"
    assert schedule.working_days[D("2026-10-10")] == "国庆节调休"
    day = D("2026-01-01")
    while day.year == 2026:
        assert schedule.is_working_day(day) is is_working_day(day), day
        day += timedelta(days=1)


def test_an_official_schedule_takes_precedence_over_the_package(
    official: dict[int, OfficialSchedule],
) -> None:
    assert working_days.basis(2027) == "rule-based"
    assert is_working_day(D("2027-02-06")) is False  # the package's Spring Festival
    assert is_working_day(D("2027-02-20")) is False  # a Saturday; the package has no 调休
    official[2027] = OfficialSchedule(
        2027, {D("2027-02-08"): "春节", D("2027-02-09"): "春节"}, {D("2027-02-20"): "春节调休"}
    )
    assert working_days.basis(2027) == "official"
    assert is_working_day(D("2027-02-20")) is True  # made a working day
    assert is_working_day(D("2027-02-06")) is False  # an ordinary Saturday
    assert is_working_day(D("2027-02-05")) is True  # not in the official schedule
    assert is_working_day(D("2027-02-09")) is False
    assert add_working_days(D("2027-02-05"), 1, is_working_day) == D("2027-02-10")
    del official[2027]
    assert working_days.basis(2027) == "rule-based"


def test_a_loaded_schedule_takes_effect_after_the_cache_time(
    official: dict[int, OfficialSchedule],
) -> None:
    working_days.use_official_schedules(official.get, cache_seconds=3600)
    assert working_days.basis(2028) == "rule-based"
    official[2028] = OfficialSchedule(2028, {D("2028-01-03"): "元旦"}, {})
    assert working_days.basis(2028) == "rule-based"  # still cached in this process
    working_days.use_official_schedules(official.get, cache_seconds=0)
    assert working_days.basis(2028) == "official"
    assert is_working_day(D("2028-01-03")) is False


def test_a_rule_based_year_is_logged_once_and_flagged_in_the_metrics(
    official: dict[int, OfficialSchedule], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="services.workflow.working_days"):
        for _ in range(3):
            is_working_day(D("2029-03-01"))
    warnings = [r.getMessage() for r in caplog.records if "2029" in r.getMessage()]
    assert len(warnings) == 1
    assert "rule-based" in warnings[0] and "renda holidays load 2029" in warnings[0]
    assert REGISTRY.get_sample_value("renda_calendar_official", {"year": "2029"}) == 0
    official[2029] = OfficialSchedule(2029, {D("2029-01-01"): "元旦"}, {})
    is_working_day(D("2029-03-01"))
    assert REGISTRY.get_sample_value("renda_calendar_official", {"year": "2029"}) == 1


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_schedule_reads_holidays_and_make_up_days(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "cn-2027.csv",
        "date,kind,name\n2027-02-06,holiday,春节\n\n2027-02-20,working,春节调休\n",
    )
    schedule = read_schedule(path, 2027)
    assert schedule.holidays == {D("2027-02-06"): "春节"}
    assert schedule.working_days == {D("2027-02-20"): "春节调休"}
    assert schedule.source == "cn-2027.csv"


@pytest.mark.parametrize(
    ("name", "text", "refusal"),
    [
        (
            "a.csv",
            "date,kind,name\n2027-01-01,holiday,元旦\n2028-01-01,holiday,元旦\n",
            "a.csv line 3: 2028-01-01 is not in 2027",
        ),
        (
            "a.csv",
            "date,kind,name\n2027-02-20,holiday,春节\n2027-02-20,working,春节调休\n",
            "a.csv line 3: 2027-02-20 is given twice",
        ),
        (
            "a.csv",
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-0x;holiday\n",
            "a.csv line 3: expected date,kind,name",
        ),
        (
            "a.csv",
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,元旦\n",
            "a.csv line 3: '2027-13-01' is not a date",
        ),
        ("a.csv", "date,kind,name\n2027-01-01,feast,元旦\n", "a.csv line 2: kind is holiday"),
        ("a.csv", "day,what\n", "a.csv line 1: the header must be date,kind,name"),
        (
            "a.csv",
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-22,working,春节调休\n",
            "a.csv line 3: 2027-02-22 is a weekday",
        ),
        ("a.csv", "date,kind,name\n2027-01-01,holiday,\n", "a.csv line 2: 2027-01-01 needs a name"),
        ("a.csv", "date,kind,name\n", "a.csv: no holidays"),
        (
            "a.json",
            '{"year": 2027,\n "holidays": {"2027-01-01": "元旦",}\n}',
            "a.json line 2: not JSON",
        ),
        (
            "a.json",
            '{"year": 2027,\n "holidays": {\n  "2027-01-01": "元旦"\n },\n'
            ' "working_days": {\n  "2027-01-01": "调休"\n }\n}',
            "a.json line 6: 2027-01-01 is given twice",
        ),
        (
            "a.json",
            '{"year": 2027,\n "holidays": {\n  "2027-01-01": "元旦",\n  "2026-12-31": "元旦"\n }}',
            "a.json line 4: 2026-12-31 is not in 2027",
        ),
        ("a.json", '{"year": 2026, "holidays": {}}', "the file is for 2026, not 2027"),
        ("a.json", '{"year": 2027, "holiday": {}}', "unknown field 'holiday'"),
        ("a.txt", "2027-01-01 元旦", "write the schedule as .json or .csv"),
    ],
)
def test_a_wrong_schedule_is_refused_with_its_line_named(
    tmp_path: Path, name: str, text: str, refusal: str
) -> None:
    with pytest.raises(ScheduleError) as refused:
        read_schedule(_write(tmp_path, name, text), 2027)
    assert refusal in str(refused.value)
