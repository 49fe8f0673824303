"""The periods a statement or list covers: a month, a quarter, a year, or a span of days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

PERIOD = re.compile(r"(?P<year>[0-9]{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    """The first day after the period."""


def _after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def parse_period(text: str) -> Period:
    """`2026` (a year), `2026-Q3` (a quarter) or `2026-03` (a month)."""
    found = PERIOD.fullmatch(text)
    if found is None or not 2000 <= int(found["year"]) <= 2100:
        raise PeriodError("a year (2026), a quarter (2026-Q3) or a month (2026-03)")
    year = int(found["year"])
    if found["quarter"]:
        first = (int(found["quarter"]) - 1) * 3 + 1
        return Period(text, date(year, first, 1), _after(year, first + 2))
    if found["month"]:
        month = int(found["month"])
        return Period(text, date(year, month, 1), _after(year, month))
    return Period(text, date(year, 1, 1), date(year + 1, 1, 1))


def span(start: date, last: date) -> Period:
    """A span of whole days, e.g. a term: from its first day to its last, inclusive."""
    if last < start:
        raise PeriodError("the last day comes before the first")
    return Period(
        f"{start.isoformat()}..{last.isoformat()}", start, date.fromordinal(last.toordinal() + 1)
    )


def period_kind(text: str) -> str:
    """year, quarter or month, of a period `parse_period` reads."""
    return "quarter" if "Q" in text else "month" if "-" in text else "year"
