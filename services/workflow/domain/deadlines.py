"""How long each party has (docs/domain.md §1 rules 2 and 6; each figure set per tenant)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from typing import Any

from services.workflow.domain.calendar import (
    IsWorkingDay,
    add_months,
    add_working_days,
    on_or_after_working_day,
)


@dataclass(frozen=True)
class DeadlinePolicy:
    regular_months: int = 3
    """A unit's time to reply, from assignment."""
    extended_months: int = 6
    """The deadline after the one extension a complex matter may get."""
    urgent_working_days: int = 15
    """Small/micro/urgent (小微急) suggestions."""
    co_handler_months: int = 1
    """Co-handling units' input to the lead unit."""
    adjust_window_working_days: int = 5
    """A unit may ask to be taken off within this many working days of assignment."""
    warning_days: int = 15
    """Yellow in the last this-many days before the deadline."""
    evaluation_window_days: int = 30
    """Proposers rate a reply within this many days."""
    second_assignment_months: int = 1
    """The new deadline after a face-to-face meeting."""
    max_second_assignments: int = 1
    """How many second assignments a suggestion may have."""
    follow_up_months: int = 6
    """A B reply must be reported done within this many months of closing."""
    auto_accept: bool = True
    """Accept a suggestion that hits no negative-list keyword without waiting for screening."""

    @classmethod
    def with_overrides(cls, overrides: dict[str, Any]) -> DeadlinePolicy:
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}")
        return cls(**{**asdict(cls()), **overrides})


def months_later(start: date, months: int, is_working_day: IsWorkingDay) -> date:
    """Calendar months, moved off a rest day to the next working day."""
    return on_or_after_working_day(add_months(start, months), is_working_day)


def handling_deadline(
    assigned_on: date, *, urgent: bool, policy: DeadlinePolicy, is_working_day: IsWorkingDay
) -> date:
    """Regular: calendar months, moved off a rest day. Small/micro/urgent: working days."""
    if urgent:
        return add_working_days(assigned_on, policy.urgent_working_days, is_working_day)
    return months_later(assigned_on, policy.regular_months, is_working_day)


def assignment_deadlines(
    today: date, *, urgent: bool, round_: int, policy: DeadlinePolicy, is_working_day: IsWorkingDay
) -> tuple[date, date]:
    """The lead unit's reply deadline and the co-handling units' input deadline (never
    later than the lead's): a first assignment by the regular or urgent rule, a second
    one by the second-assignment months."""
    if round_ == 1:
        lead = handling_deadline(today, urgent=urgent, policy=policy, is_working_day=is_working_day)
    else:
        lead = months_later(today, policy.second_assignment_months, is_working_day)
    co = co_input_deadline(today, policy=policy, is_working_day=is_working_day)
    return lead, min(lead, co)


def extended_deadline(
    assigned_on: date, *, policy: DeadlinePolicy, is_working_day: IsWorkingDay
) -> date:
    return months_later(assigned_on, policy.extended_months, is_working_day)


def co_input_deadline(
    assigned_on: date, *, policy: DeadlinePolicy, is_working_day: IsWorkingDay
) -> date:
    return months_later(assigned_on, policy.co_handler_months, is_working_day)


def adjust_window_closes(
    assigned_on: date, *, policy: DeadlinePolicy, is_working_day: IsWorkingDay
) -> date:
    return add_working_days(assigned_on, policy.adjust_window_working_days, is_working_day)


def evaluation_window_closes(replied_on: date, policy: DeadlinePolicy) -> date:
    return replied_on + timedelta(days=policy.evaluation_window_days)
