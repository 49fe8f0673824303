"""The projects' figures (docs/domain.md §3): voted, completed, on time, satisfaction —
per congress, added up for any node above (a county its townships, a city its counties)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

VOTED_STAGES = ("elected", "implementing", "completed")


@dataclass(frozen=True)
class ProjectCounts:
    voted: int = 0
    """Elected by the deputies' vote."""
    completed: int = 0
    on_time: int = 0
    """Completed on or before the plan's deadline."""
    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0
    """By each project's latest satisfaction vote."""

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ProjectFacts:
    stage: str
    deadline: date | None
    completed_on: date | None
    verdict: str | None


def count(projects: Iterable[ProjectFacts]) -> ProjectCounts:
    tallies = dict.fromkeys(asdict(ProjectCounts()), 0)
    for p in projects:
        if p.stage not in VOTED_STAGES:
            continue
        tallies["voted"] += 1
        if p.completed_on is not None:
            tallies["completed"] += 1
            if p.deadline is not None and p.completed_on <= p.deadline:
                tallies["on_time"] += 1
        if p.verdict in ("satisfied", "basically", "dissatisfied"):
            tallies[p.verdict] += 1
    return ProjectCounts(**tallies)
