"""How long a handling unit has (DOMAIN.md §1 rule 2; configurable per tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.workflow.domain.calendar import (
    IsWorkingDay,
    add_months,
    add_working_days,
    on_or_after_working_day,
)


@dataclass(frozen=True)
class DeadlinePolicy:
    regular_months: int = 3
    extended_months: int = 6
    urgent_working_days: int = 15
    co_handler_months: int = 1
    adjust_window_working_days: int = 5
    warning_days: int = 15


def handling_deadline(
    assigned_on: date, *, urgent: bool, policy: DeadlinePolicy, is_working_day: IsWorkingDay
) -> date:
    """Regular: calendar months, moved off a rest day. Small/micro/urgent: working days."""
    if urgent:
        return add_working_days(assigned_on, policy.urgent_working_days, is_working_day)
    return on_or_after_working_day(add_months(assigned_on, policy.regular_months), is_working_day)
