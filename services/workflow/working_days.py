"""China's working-day calendar: the official schedule when the operator loaded one for the
year (`renda holidays load`), otherwise the `holidays` package's rules (docs/adr/0004).

Each year's calendar is kept in memory for `cache_seconds` (RENDA_CALENDAR_CACHE_SECONDS),
then read again: a schedule loaded or removed takes effect in every process within that
time, without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

import holidays

from runtime.directory.holidays import OfficialSchedule
from runtime.metrics import CALENDAR_OFFICIAL

log = logging.getLogger(__name__)

Basis = Literal["official", "rule-based"]
OfficialSource = Callable[[int], OfficialSchedule | None]
"""Where the official schedules are read: the directory's `official_schedule`."""

DEFAULT_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class _Year:
    is_working_day: Callable[[date], bool]
    basis: Basis
    read_at: float


_lock = threading.Lock()
_source: OfficialSource | None = None
_cache_seconds = DEFAULT_CACHE_SECONDS
_years: dict[int, _Year] = {}
_warned: set[int] = set()


def use_official_schedules(
    source: OfficialSource | None, cache_seconds: float = DEFAULT_CACHE_SECONDS
) -> None:
    """Read official schedules from `source` from now on (None: the package's rules only)."""
    global _source, _cache_seconds
    with _lock:
        _source, _cache_seconds = source, cache_seconds
        _years.clear()


def is_working_day(day: date) -> bool:
    return _year(day.year).is_working_day(day)


def basis(year: int) -> Basis:
    """`official` when an official schedule is loaded for the year, else `rule-based`."""
    return _year(year).basis


def basis_between(start: date, end: date) -> Basis:
    """How a deadline counted from `start` to `end` was computed: `official` only when
    every year it crosses has an official schedule."""
    years = range(min(start.year, end.year), max(start.year, end.year) + 1)
    return "official" if all(basis(y) == "official" for y in years) else "rule-based"


@lru_cache(maxsize=64)
def _package(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def _year(year: int) -> _Year:
    now = time.monotonic()
    with _lock:
        known, source, cache_seconds = _years.get(year), _source, _cache_seconds
    if known is not None and now - known.read_at < cache_seconds:
        return known
    schedule = source(year) if source is not None else None
    if schedule is not None:
        found = _Year(schedule.is_working_day, "official", now)
    else:
        found = _Year(_package(year).is_working_day, "rule-based", now)
    CALENDAR_OFFICIAL.labels(year=str(year)).set(1 if schedule is not None else 0)
    with _lock:
        _years[year] = found
        warn = schedule is None and year not in _warned
        if warn:
            _warned.add(year)
    if warn:
        log.warning(
            "no official holiday schedule for %d: its deadlines are rule-based (statutory "
            "holidays without make-up working days); load it with `renda holidays load %d`",
            year,
            year,
        )
    return found
