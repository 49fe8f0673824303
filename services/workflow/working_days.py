"""China's working-day calendar from the `holidays` package (statutory days and 调休)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def is_working_day(day: date) -> bool:
    return _china(day.year).is_working_day(day)
