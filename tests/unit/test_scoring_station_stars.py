"""Station stars (docs/domain.md §6): 7 centres and 58 stations, ties at the boundaries."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

from services.scoring.domain.station_stars import (
    DEFAULT_STATION_STAR_RULE,
    UnitInputs,
    rate,
)

RULE = DEFAULT_STATION_STAR_RULE  # opinions ×1, shifts ×2, activities ×1; 20/30/30 %


def _centres() -> list[UnitInputs]:
    return [
        UnitInputs("C1", "centre", 0, 10, 0),  # 20, tied in full with C2 across 5★ | 4★
        UnitInputs("C2", "centre", 0, 10, 0),
        UnitInputs("C3", "centre", 0, 9, 0),
        UnitInputs("C4", "centre", 0, 8, 0),
        UnitInputs("C5", "centre", 0, 3, 0),  # 6: more duty shifts than C6 wins the tie
        UnitInputs("C6", "centre", 2, 2, 0),  # 6, tied in full with C7 across 3★ | none
        UnitInputs("C7", "centre", 2, 2, 0),
    ]


def _stations() -> list[UnitInputs]:
    units = [UnitInputs(f"S{i:02d}", "station", 0, 100 - i, 0) for i in range(58)]
    units[12] = replace(units[11], node_id="S12")  # tied across 5★ | 4★ (12 fives)
    units[29] = replace(units[28], node_id="S29")  # tied across 4★ | 3★ (29 cumulative)
    return units


def test_centres_and_stations_are_ranked_apart_with_ties_sharing_the_better_star() -> None:
    rated = rate([*_stations(), *_centres()], RULE)
    centres = {r.node_id: r.stars for r in rated if r.kind == "centre"}
    # 7 centres: 1 five (round 1.4), 4 by 4★ cumulative (3.5 → 4), 6 by 3★ (5.6 → 6).
    assert centres == {"C1": 5, "C2": 5, "C3": 4, "C4": 4, "C5": 3, "C6": 3, "C7": 3}
    stations = [r for r in rated if r.kind == "station"]
    # 58 stations: 12 fives (11.6), 29 by 4★ (29.0), 46 by 3★ (46.4); each tie adds one.
    assert Counter(r.stars for r in stations) == {5: 13, 4: 17, 3: 16, 0: 12}
    stars = {r.node_id: r.stars for r in stations}
    assert (stars["S11"], stars["S12"], stars["S13"]) == (5, 5, 4)
    assert (stars["S28"], stars["S29"], stars["S30"]) == (4, 4, 3)
    assert (stars["S45"], stars["S46"]) == (3, 0)
    assert [r.node_id for r in rated if r.model] == ["C1", "S00"]
    assert [r.node_id for r in rated][:2] == ["C1", "C2"]  # centres first, best first


def test_ranked_together_when_the_tenant_says_so() -> None:
    together = replace(RULE, rank_apart=False, models=2)
    rated = rate([*_stations(), *_centres()], together)
    assert len(rated) == 65
    assert Counter(r.stars for r in rated)[5] == 13  # 65 × 20 % = 13, no tie at its edge
    assert [r.node_id for r in rated if r.model] == ["S00", "S01"]


def test_the_score_is_the_weighted_sum_of_the_inputs() -> None:
    rule = replace(RULE, weight_opinions=Decimal("0.5"), weight_activities=Decimal(3))
    (rated,) = rate([UnitInputs("S", "station", 3, 2, 1)], rule)
    assert rated.score == Decimal("1.5") + 4 + 3


def test_a_countys_year_is_rated_once_through_the_handler() -> None:
    import uuid

    from sqlalchemy import select

    import services.scoring as scoring
    from services.scoring.store import StationRating
    from tests.support.handlers import COUNTY, handler_context

    with handler_context(scoring.SPEC) as ctx:
        units = []
        for centre in _centres():
            ctx.directory.create_node(f"T{centre.node_id}", "township", centre.node_id, COUNTY)
            units.append({**centre.__dict__, "node_id": f"T{centre.node_id}"})
        for station in _stations():
            ctx.directory.create_node(station.node_id, "station", station.node_id, "TC1")
            units.append(station.__dict__)
        ask = {
            "submission_id": str(uuid.uuid4()),
            "tenant": COUNTY,
            "year": 2026,
            "units": units,
            "submitted_by": "key-committee",
            "submitted_at": ctx.clock.now(),
        }
        (accepted,) = ctx.handle("station_rating.requested", ask)
        assert accepted.data["resource_id"] == "450102-2026"
        rows = list(ctx.session.scalars(select(StationRating).order_by(StationRating.position)))
        assert len(rows) == 65
        assert Counter(r.stars for r in rows if r.kind == "station") == {5: 13, 4: 17, 3: 16, 0: 12}
        assert [r.node_id for r in rows if r.model] == ["TC1", "S00"]
        (again,) = ctx.handle("station_rating.requested", {**ask, "submission_id": "x"})
        assert again.data["reason"] == "2026 is rated already"
        wrong = {**ask, "submission_id": "y", "year": 2025}
        wrong["units"] = [{**units[0], "kind": "station"}]
        (refused,) = ctx.handle("station_rating.requested", wrong)
        assert (refused.data["reason"], refused.data["field"]) == (
            "TC1 is a township, not a station",
            "units.0.node_id",
        )
        twice = {**wrong, "units": [units[0], units[0]]}
        assert (
            ctx.handle("station_rating.requested", twice)[0].data["reason"] == "TC1 appears twice"
        )
        assert ctx.session.scalar(select(StationRating).where(StationRating.year == 2025)) is None
