"""Deadlines on the working-day calendar (Asia/Shanghai), docs/domain.md §1 rule 2."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta

from contracts.zone import SHANGHAI

IsWorkingDay = Callable[[date], bool]


def local_date(moment: datetime) -> date:
    """The date it is in Asia/Shanghai at that moment: deadlines are local dates."""
    return moment.astimezone(SHANGHAI).date()


def add_months(start: date, months: int) -> date:
    """Same day of the month `months` later; the month's last day when it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, month_calendar.monthrange(year, month)[1]))


def on_or_after_working_day(day: date, is_working_day: IsWorkingDay) -> date:
    """A deadline that falls on a rest day moves to the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, is_working_day: IsWorkingDay) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
