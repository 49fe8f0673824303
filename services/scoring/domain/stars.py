"""Duty stars (履职之星, docs/domain.md §4): proposed from the ranking, decided by people."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.scoring.domain.ranking import ranked


@dataclass(frozen=True)
class StarRule:
    count: int
    """How many stars a congress names a year; a tie at the last place brings all tied in."""
    station_duty_weight: Decimal
    """Station duty counts this many times its points in the proposal's score."""


DEFAULT_STAR_RULE = StarRule(count=10, station_duty_weight=Decimal(1))


def weighted(total: Decimal, station_duty: Decimal, rule: StarRule) -> Decimal:
    return total + (rule.station_duty_weight - 1) * station_duty


def proposed(scores: dict[str, Decimal], rule: StarRule) -> list[tuple[int, str, Decimal]]:
    """The best `count` by weighted score (above zero), ties at the boundary included."""
    ranking = [row for row in ranked(scores) if row[2] > 0]
    if len(ranking) <= rule.count:
        return ranking
    last = ranking[rule.count - 1][0]
    return [row for row in ranking if row[0] <= last]
