"""Duty points (履职积分, docs/domain.md §4): a rule table and an append-only ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_RULES: dict[str, int] = {
    "session_attendance": 5,
    "absence_without_leave": -5,
    "suggestion": 2,
    "key_suggestion": 5,
    "station_duty": 2,
    "inspection": 2,
    "report_to_constituents": 3,
    "training": 1,
    "opinion_collected": 1,
}
"""Activity → points, the default for a tenant that has set none (configurable per tenant)."""


@dataclass(frozen=True)
class Entry:
    activity: str
    points: int
    reverses: int | None = None


def points_for(activity: str, tenant_rules: dict[str, int]) -> int:
    """The tenant's own figure if it set one, else the default."""
    if activity in tenant_rules:
        return tenant_rules[activity]
    return DEFAULT_RULES[activity]


def balance(entries: Iterable[Entry]) -> int:
    """A deputy's total: the sum of the ledger; corrections are entries too."""
    return sum(entry.points for entry in entries)
