"""A proposal's way through 四方联荐 and the session: which step may follow which.

recommended → screened (a station) → consulted (the township asks departments) →
shortlisted (on the township's list, after a feasibility note) → candidate (the list
approved by the party committee and the congress) → elected (by the deputies' vote) →
implementing (the government's plan) → completed (progress 100%). Dropped, with a reason,
at any step before it is a candidate. Deputies comment and plans are amended only on
candidates; the supervision group, progress and problem reports (the township answers
each within the congress's working days) come with implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from services.workflow.domain.rules import require


class Stage(StrEnum):
    RECOMMENDED = "recommended"
    SCREENED = "screened"
    CONSULTED = "consulted"
    SHORTLISTED = "shortlisted"
    CANDIDATE = "candidate"
    ELECTED = "elected"
    IMPLEMENTING = "implementing"
    COMPLETED = "completed"
    DROPPED = "dropped"


NEEDS = {
    "screen": (Stage.RECOMMENDED,),
    "consult": (Stage.SCREENED,),
    "feasibility": (Stage.CONSULTED,),
    "shortlist": (Stage.CONSULTED,),
    "drop": (Stage.RECOMMENDED, Stage.SCREENED, Stage.CONSULTED, Stage.SHORTLISTED),
    "comment": (Stage.CANDIDATE,),
    "amend": (Stage.CANDIDATE,),
    "plan": (Stage.ELECTED,),
    "supervise": (Stage.IMPLEMENTING,),
    "progress": (Stage.IMPLEMENTING,),
    # A deputy may finish the supervision after the works are done (the last quarter's visit).
    "task_done": (Stage.IMPLEMENTING, Stage.COMPLETED),
    "report_problem": (Stage.IMPLEMENTING, Stage.COMPLETED),
    "answer_problem": (Stage.IMPLEMENTING, Stage.COMPLETED),
}
"""The stages an action may be taken at."""

AFTER = {
    "screen": Stage.SCREENED,
    "consult": Stage.CONSULTED,
    "shortlist": Stage.SHORTLISTED,
    "drop": Stage.DROPPED,
    "plan": Stage.IMPLEMENTING,
}
"""The stage an action moves a proposal to (the others leave it where it is)."""


def check_step(action: str, stage: str) -> None:
    allowed = NEEDS[action]
    require(
        stage in allowed,
        f"a proposal {stage} cannot be taken to {action}; only one {' or '.join(allowed)}",
        "project_id",
    )


def check_feasibility_by(unit_id: str, consulted: Sequence[str]) -> None:
    require(unit_id in consulted, f"unit {unit_id} was not asked about this proposal", "unit_id")


def check_shortlist(feasibility_notes: int) -> None:
    require(
        feasibility_notes > 0,
        "a proposal goes on the candidate list after a department's feasibility note",
        "project_id",
    )


def behind_schedule(
    today: date, planned_on: date, deadline: date, percent: int, margin: int
) -> bool:
    """Behind when progress trails the share of the plan's time gone by more than `margin`
    percentage points (a straight line from the plan's day to the deadline)."""
    if percent >= 100 or today <= planned_on:
        return False
    span = max((deadline - planned_on).days, 1)
    expected = min(100 * (today - planned_on).days / span, 100)
    return percent + margin < expected


def check_list(shortlisted: int) -> None:
    require(shortlisted > 0, "no shortlisted proposal to approve for that year", "year")
