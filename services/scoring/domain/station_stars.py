"""Station stars (星级评定, docs/domain.md §6): a yearly score per centre and station from
weighted inputs, 5/4/3 stars by the tenant's proportions, model stations at the top.

Ties: units are ordered by score, then duty shifts, then opinions handled, then
activities; units equal on all four share the better star of the places they hold
together, so a tie is never split by an arbitrary order (the best tier may then hold more
than its share).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class UnitInputs:
    node_id: str
    kind: str
    """centre (a township's 中心联络站) or station."""
    opinions_handled: int
    duty_shifts: int
    activities: int


@dataclass(frozen=True)
class StationStarRule:
    weight_opinions: Decimal
    weight_shifts: Decimal
    weight_activities: Decimal
    five: Decimal
    four: Decimal
    three: Decimal
    """Shares of each group (centres, stations) given 5, 4 and 3 stars; the rest none."""
    models: int
    """Model units (示范站点) designated per group, from the top of the 5-star ones."""
    rank_apart: bool = True
    """Centres and stations ranked apart (the default), or together as one group."""


DEFAULT_STATION_STAR_RULE = StationStarRule(
    Decimal(1), Decimal(2), Decimal(1), Decimal("0.2"), Decimal("0.3"), Decimal("0.3"), 1
)


@dataclass(frozen=True)
class Rated:
    node_id: str
    kind: str
    score: Decimal
    stars: int
    model: bool


def score(unit: UnitInputs, rule: StationStarRule) -> Decimal:
    return (
        rule.weight_opinions * unit.opinions_handled
        + rule.weight_shifts * unit.duty_shifts
        + rule.weight_activities * unit.activities
    )


def _cut(share: Decimal, size: int) -> int:
    return int((share * size).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rate_group(units: Sequence[UnitInputs], rule: StationStarRule) -> list[Rated]:
    def key(unit: UnitInputs) -> tuple:
        return (-score(unit, rule), -unit.duty_shifts, -unit.opinions_handled, -unit.activities)

    ordered = sorted(units, key=lambda u: (key(u), u.node_id))
    size = len(ordered)
    bounds = [
        (5, _cut(rule.five, size)),
        (4, _cut(rule.five + rule.four, size)),
        (3, _cut(rule.five + rule.four + rule.three, size)),
    ]

    def by_place(position: int) -> int:
        return next((stars for stars, bound in bounds if position < bound), 0)

    best_of_key: dict[tuple, int] = {}
    for position, unit in enumerate(ordered):
        best_of_key.setdefault(key(unit), by_place(position))
    rated = [Rated(u.node_id, u.kind, score(u, rule), best_of_key[key(u)], False) for u in ordered]
    fives = [r for r in rated if r.stars == 5][: rule.models]
    models = {r.node_id for r in fives}
    return [Rated(r.node_id, r.kind, r.score, r.stars, r.node_id in models) for r in rated]


def rate(units: Sequence[UnitInputs], rule: StationStarRule) -> list[Rated]:
    """Every unit's score, stars and model designation, best first within each group."""
    if not rule.rank_apart:
        return _rate_group(units, rule)
    return [
        *_rate_group([u for u in units if u.kind == "centre"], rule),
        *_rate_group([u for u in units if u.kind == "station"], rule),
    ]
