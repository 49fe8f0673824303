"""The figures the committee reports (docs/domain.md §1), and the year's best handling units.

Counts are per suggestion; a unit's figures count the suggestions it leads (an
assignment withdrawn on an adjust request does not count against it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    assigned: int = 0
    """Suggestions assigned at least once."""
    closed: int = 0
    replied: int = 0
    replied_on_time: int = 0
    """First reply on or before the deadline in force."""
    done: int = 0
    """A at closing, or B later reported done."""
    evaluated: int = 0
    """Suggestions with at least one rating in their last evaluated round."""
    satisfied: int = 0
    """…whose worst result rating in that round is satisfied."""
    basically_satisfied: int = 0
    second_assignments: int = 0


def rate(part: int, whole: int) -> float | None:
    """A share in [0, 1], rounded to four places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Rates:
    closure: float | None
    on_time: float | None
    done: float | None
    satisfaction: float | None
    strict_satisfaction: float | None


def rates(c: Counts) -> Rates:
    return Rates(
        closure=rate(c.closed, c.assigned),
        on_time=rate(c.replied_on_time, c.replied),
        done=rate(c.done, c.assigned),
        satisfaction=rate(c.satisfied + c.basically_satisfied, c.evaluated),
        strict_satisfaction=rate(c.satisfied, c.evaluated),
    )


BEST_UNIT_WEIGHTS = {"closure": 0.2, "on_time": 0.3, "done": 0.2, "satisfaction": 0.3}
"""The best units' score: a weighted sum of rates (a missing rate counts as 0)."""
MIN_ASSIGNED_FOR_RANKING = 3
"""A unit with fewer suggestions in the year is not ranked: a rate of 1 of 1 proves little."""


def unit_score(r: Rates) -> float:
    score = sum(weight * (getattr(r, name) or 0.0) for name, weight in BEST_UNIT_WEIGHTS.items())
    return round(score, 4)


def best_units(by_unit: dict[str, Counts], n: int = 5) -> list[tuple[str, float]]:
    """The `n` best units: highest score first; ties go to more suggestions, then the id."""
    ranked = [
        (unit_id, unit_score(rates(c)), c.assigned)
        for unit_id, c in by_unit.items()
        if c.assigned >= MIN_ASSIGNED_FOR_RANKING
    ]
    ranked.sort(key=lambda item: (-item[1], -item[2], item[0]))
    return [(unit_id, score) for unit_id, score, _ in ranked[:n]]
