"""Reads of the ledger: a deputy's statement and a place's ranking for a period."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.zone import SHANGHAI
from runtime.directory.service import Person, Place
from services.scoring.domain.flags import DEFAULT_FLAG_RULE, FlagRule, reasons, share_of_year
from services.scoring.domain.periods import Period
from services.scoring.domain.points import congress_chain
from services.scoring.domain.ranking import ranked
from services.scoring.domain.stars import DEFAULT_STAR_RULE, StarRule, proposed, weighted
from services.scoring.domain.station_stars import DEFAULT_STATION_STAR_RULE, StationStarRule
from services.scoring.store import (
    DutyStar,
    FlagRuleRow,
    Interview,
    PointsEntry,
    StarRuleRow,
    StationStarRuleRow,
)


def _within(period: Period) -> Any:
    start = datetime.combine(period.start, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(period.end, time(0), tzinfo=SHANGHAI)
    return PointsEntry.occurred_at >= start, PointsEntry.occurred_at < end


def statement(session: Session, deputy_id: str, period: Period) -> dict[str, Any]:
    entries = list(
        session.scalars(
            select(PointsEntry)
            .where(PointsEntry.deputy_id == deputy_id, *_within(period))
            .order_by(PointsEntry.occurred_at, PointsEntry.id)
        )
    )
    counts: dict[str, int] = defaultdict(int)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        counts[entry.activity] += -1 if entry.reverses_id else 1
        sums[entry.activity] += entry.points
    return {
        "deputy_id": deputy_id,
        "period": period.label,
        "first_day": period.start,
        "day_after": period.end,
        "total": sum(sums.values(), Decimal(0)),
        "by_activity": [
            {"activity": activity, "count": counts[activity], "points": sums[activity]}
            for activity in sorted(sums)
        ],
        "entries": entries,
    }


def ranking(session: Session, place: Place, period: Period) -> list[dict[str, Any]]:
    """A congress's deputies (county, city) or what was booked to a township's office."""
    belongs = (
        PointsEntry.office_path == place.path
        if place.kind == "township"
        else PointsEntry.tenant_path == place.path
    )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for deputy_id, points in session.execute(
        select(PointsEntry.deputy_id, PointsEntry.points).where(belongs, *_within(period))
    ):
        totals[deputy_id] += points
    return [
        {"rank": rank, "deputy_id": deputy_id, "total": total}
        for rank, deputy_id, total in ranked(dict(totals))
    ]


def flag_rule(session: Session, chain: list[str]) -> FlagRule:
    """The nearest congress's rule (county, then city); none flags nobody."""
    rows = {
        r.tenant: r
        for r in session.scalars(select(FlagRuleRow).where(FlagRuleRow.tenant.in_(chain)))
    }
    for tenant in chain:
        if tenant in rows:
            row = rows[tenant]
            return FlagRule(row.min_points, tuple(a for a in row.required.split(",") if a))
    return DEFAULT_FLAG_RULE


def flagged(
    session: Session, place: Place, deputies: list[Person], period: Period
) -> list[dict[str, Any]]:
    """The congress's deputies who fall behind in the period, by its rule, with reasons."""
    rule = flag_rule(session, congress_chain(place.path))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for deputy_id, activity, points, reverses_id in session.execute(
        select(
            PointsEntry.deputy_id, PointsEntry.activity, PointsEntry.points, PointsEntry.reverses_id
        ).where(PointsEntry.tenant_path == place.path, *_within(period))
    ):
        totals[deputy_id] += points
        # A reversed activity was not done: its reversal takes it back out.
        counts[deputy_id, activity] += -1 if reverses_id else 1
    done: dict[str, set[str]] = defaultdict(set)
    for (deputy_id, activity), count in counts.items():
        if count > 0:
            done[deputy_id].add(activity)
    share = share_of_year((period.end - period.start).days, 365)
    out = []
    for deputy in deputies:
        why = reasons(rule, totals[deputy.id], done[deputy.id], share)
        if why:
            out.append(
                {
                    "deputy_id": deputy.id,
                    "name": deputy.name,
                    "total": totals[deputy.id],
                    "reasons": why,
                }
            )
    return out


def star_rule(session: Session, chain: list[str]) -> StarRule:
    rows = {
        r.tenant: r
        for r in session.scalars(select(StarRuleRow).where(StarRuleRow.tenant.in_(chain)))
    }
    for tenant in chain:
        if tenant in rows:
            return StarRule(rows[tenant].count, rows[tenant].station_duty_weight)
    return DEFAULT_STAR_RULE


def star_proposal(session: Session, place: Place, period: Period) -> list[dict[str, Any]]:
    """A congress's deputies ranked by points with station duty weighted, the best named."""
    rule = star_rule(session, congress_chain(place.path))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    station: dict[str, Decimal] = defaultdict(Decimal)
    for deputy_id, activity, points in session.execute(
        select(PointsEntry.deputy_id, PointsEntry.activity, PointsEntry.points).where(
            PointsEntry.tenant_path == place.path, *_within(period)
        )
    ):
        totals[deputy_id] += points
        if activity == "station_duty":
            station[deputy_id] += points
    scores = {d: weighted(totals[d], station[d], rule) for d in totals}
    return [
        {"rank": rank, "deputy_id": deputy_id, "score": score, "total": totals[deputy_id]}
        for rank, deputy_id, score in proposed(scores, rule)
    ]


def station_star_rule(session: Session, chain: list[str]) -> StationStarRule:
    rows = {
        r.tenant: r
        for r in session.scalars(
            select(StationStarRuleRow).where(StationStarRuleRow.tenant.in_(chain))
        )
    }
    for tenant in chain:
        if tenant in rows:
            r = rows[tenant]
            return StationStarRule(
                r.weight_opinions,
                r.weight_shifts,
                r.weight_activities,
                r.five,
                r.four,
                r.three,
                r.models,
                r.rank_apart,
            )
    return DEFAULT_STATION_STAR_RULE


def coverage(
    session: Session, place: Place, deputies: list[Person], period: Period
) -> dict[str, Any]:
    """Shares of a congress's deputies who did station duty, and who took part in anything
    (a net credit of any activity), in the period."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for deputy_id, activity, reverses_id in session.execute(
        select(PointsEntry.deputy_id, PointsEntry.activity, PointsEntry.reverses_id).where(
            PointsEntry.tenant_path == place.path, *_within(period)
        )
    ):
        counts[deputy_id, activity] += -1 if reverses_id else 1
    ids = {d.id for d in deputies}
    done = {(d, a) for (d, a), n in counts.items() if n > 0 and d in ids}
    station = {d for d, a in done if a == "station_duty"}
    active = {d for d, a in done if a != "absence_without_leave"}

    def share(part: set[str]) -> Decimal:
        if not ids:
            return Decimal(0)
        return (Decimal(100 * len(part)) / len(ids)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    return {
        "deputies": len(ids),
        "station_duty": len(station),
        "station_duty_share": share(station),
        "took_part": len(active),
        "took_part_share": share(active),
    }


def term_report(
    session: Session, place: Place, deputies: list[Person], period: Period
) -> dict[str, Any]:
    """The end-of-term report for re-nomination (连选连任推荐): every deputy of the congress,
    with no entry too, ranked by points, with what they did, the flags the tenant's rule
    raises, the interviews decided and the duty stars confirmed in the term; and coverage."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for deputy_id, activity, points, reverses_id in session.execute(
        select(
            PointsEntry.deputy_id, PointsEntry.activity, PointsEntry.points, PointsEntry.reverses_id
        ).where(PointsEntry.tenant_path == place.path, *_within(period))
    ):
        totals[deputy_id] += points
        counts[deputy_id][activity] += -1 if reverses_id else 1
    ids = [d.id for d in deputies]
    interviews: dict[str, int] = defaultdict(int)
    for (deputy_id,) in session.execute(
        select(Interview.deputy_id).where(
            Interview.tenant == place.id,
            Interview.decided_on >= period.start,
            Interview.decided_on < period.end,
        )
    ):
        interviews[deputy_id] += 1
    stars: dict[str, list[int]] = defaultdict(list)
    for deputy_id, year in session.execute(
        select(DutyStar.deputy_id, DutyStar.year)
        .where(
            DutyStar.place_id == place.id,
            DutyStar.year >= period.start.year,
            DutyStar.year <= (period.end - timedelta(days=1)).year,
        )
        .order_by(DutyStar.year)
    ):
        stars[deputy_id].append(year)
    flags = {f["deputy_id"]: f["reasons"] for f in flagged(session, place, deputies, period)}
    people = {d.id: d for d in deputies}
    items = []
    for rank, deputy_id, total in ranked({i: totals[i] for i in ids}):
        done = {a: n for a, n in counts[deputy_id].items() if n > 0}
        items.append(
            {
                "rank": rank,
                "deputy_id": deputy_id,
                "name": people[deputy_id].name,
                "electing_unit": people[deputy_id].electing_node_id,
                "total": total,
                "by_activity": [{"activity": a, "count": done[a]} for a in sorted(done)],
                "station_duty": "station_duty" in done,
                "took_part": any(a != "absence_without_leave" for a in done),
                "flags": flags.get(deputy_id, []),
                "interviews": interviews[deputy_id],
                "duty_star_years": stars[deputy_id],
            }
        )
    return {"coverage": coverage(session, place, deputies, period), "items": items}
