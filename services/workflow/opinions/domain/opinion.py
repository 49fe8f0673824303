"""An opinion's route: station → township/street centre → county, or to a department,
or adopted as a suggestion; closed with a reply the constituent is told."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from services.workflow.domain.calendar import IsWorkingDay, add_working_days
from services.workflow.domain.rules import require
from services.workflow.opinions.domain.policy import OpinionPolicy

LEVELS = ("station", "township", "county")
"""The levels an opinion climbs; each is a node of the tenant tree."""


class State(StrEnum):
    OPEN = "open"
    """At a level (station, township or county), waiting for its decision."""
    FORWARDED = "forwarded"
    """With a department (转办, or a small urgent matter sent straight there)."""
    ADOPTED = "adopted"
    """Adopted as a suggestion; follows it and closes when it closes."""
    CLOSED = "closed"


def holder_of(station_path: str, level: str) -> str:
    """The node that holds an opinion at a level: the station, its township, its county
    (a station's path is /city/county/township/station/)."""
    parts = station_path.strip("/").split("/")
    return {"station": parts[3], "township": parts[2], "county": parts[1]}[level]


def path_of(station_path: str, level: str) -> str:
    parts = station_path.strip("/").split("/")
    depth = {"station": 4, "township": 3, "county": 2}[level]
    return "/" + "/".join(parts[:depth]) + "/"


def next_level(level: str) -> str | None:
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


def level_deadline(
    start: date, level: str, policy: OpinionPolicy, is_working_day: IsWorkingDay
) -> date:
    return add_working_days(start, policy.working_days_at(level), is_working_day)


def require_open(state: str) -> None:
    require(state == State.OPEN, f"the opinion is {state}, not open at a level", "state")


def require_escalable(level: str) -> str:
    above = next_level(level)
    require(above is not None, "the county is the last level: resolve, forward or adopt", "level")
    assert above is not None
    return above
