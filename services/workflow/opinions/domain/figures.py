"""The opinion figures of a place, month by month (docs/domain.md §2): received,
resolved at each level, escalated, forwarded, adopted, and the median working days from
receipt to closing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from services.workflow.domain.calendar import IsWorkingDay

RESOLVING_LEVELS = ("station", "township", "county", "department")


@dataclass
class Month:
    month: str
    received: int = 0
    closed: int = 0
    resolved: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESOLVING_LEVELS, 0))
    escalated: int = 0
    escalated_automatically: int = 0
    forwarded: int = 0
    adopted: int = 0
    working_days: list[int] = field(default_factory=list)

    @property
    def median_working_days(self) -> float | None:
        return median(self.working_days) if self.working_days else None


def working_days_between(start: date, end: date, is_working_day: IsWorkingDay) -> int:
    """Working days after `start` up to and including `end` (0 when closed the same day)."""
    days, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        days += is_working_day(day)
    return days


class MonthlyFigures:
    def __init__(self) -> None:
        self._months: dict[str, Month] = defaultdict(lambda: Month(""))

    def _month(self, day: date) -> Month:
        key = f"{day.year:04d}-{day.month:02d}"
        month = self._months[key]
        month.month = key
        return month

    def received(self, on: date) -> None:
        self._month(on).received += 1

    def closed(self, on: date, level: str, outcome: str, working_days: int) -> None:
        month = self._month(on)
        month.closed += 1
        if outcome != "suggestion_closed":
            month.resolved[level] += 1
        month.working_days.append(working_days)

    def step(self, on: date, kind: str, automatic: bool) -> None:
        month = self._month(on)
        if kind == "escalated":
            month.escalated += 1
            month.escalated_automatically += automatic
        elif kind == "forwarded":
            month.forwarded += 1
        elif kind == "adopted":
            month.adopted += 1

    def months(self) -> list[Month]:
        return [self._months[key] for key in sorted(self._months)]
