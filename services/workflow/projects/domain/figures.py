"""The projects' figures (docs/domain.md §3): voted, completed, on time, satisfaction —
per congress, added up for any node above (a county its townships, a city its counties);
and the best project units of a year (十佳民生实事项目单位)."""

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


@dataclass(frozen=True)
class UnitRecord:
    unit_id: str
    counts: ProjectCounts


def best_units(projects: Iterable[tuple[str, ProjectFacts]], how_many: int) -> list[UnitRecord]:
    """The best responsible units of a year's voted projects: a unit qualifies when every
    one of its projects was completed on time and none was judged dissatisfied; ranked by
    projects judged satisfied, then basically satisfied, then projects; ties by unit id."""
    by_unit: dict[str, list[ProjectFacts]] = {}
    for unit_id, facts in projects:
        if facts.stage in VOTED_STAGES:
            by_unit.setdefault(unit_id, []).append(facts)
    records = [UnitRecord(unit, count(facts)) for unit, facts in by_unit.items()]
    qualified = [
        r for r in records if r.counts.on_time == r.counts.voted and not r.counts.dissatisfied
    ]
    qualified.sort(
        key=lambda r: (-r.counts.satisfied, -r.counts.basically, -r.counts.voted, r.unit_id)
    )
    return qualified[:how_many]
