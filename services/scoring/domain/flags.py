"""Deputies falling behind (docs/domain.md §4): flagged by the tenant's rule, for people to
decide on; the system never acts on a flag by itself."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FlagRule:
    min_points: Decimal | None
    """Per year; a shorter period is held to its share (a quarter to a quarter of it)."""
    required: tuple[str, ...]
    """Basic duties every deputy does at least once in the period (e.g. sessions)."""


DEFAULT_FLAG_RULE = FlagRule(min_points=None, required=())
"""A tenant that set no rule flags nobody."""


def reasons(rule: FlagRule, total: Decimal, done: set[str], share_of_year: Decimal) -> list[str]:
    """Why a deputy is behind in a period; empty when they are not."""
    found = []
    if rule.min_points is not None:
        needed = (rule.min_points * share_of_year).quantize(Decimal("0.01"))
        if total < needed:
            found.append(f"points {total.quantize(Decimal('0.01'))} below {needed}")
    found.extend(f"no {activity}" for activity in rule.required if activity not in done)
    return found


def share_of_year(days: int, year_days: int) -> Decimal:
    return min(Decimal(1), Decimal(days) / Decimal(year_days))
