"""Operator writes to scoring's configuration: a tenant's dated points rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from runtime.db import Database
from services.scoring.domain.points import (
    DEFAULT_RULES,
    RuleError,
    RuleVersion,
    points_for,
    rules_in_force,
)
from services.scoring.domain.station_stars import StationStarRule
from services.scoring.store import FlagRuleRow, PointsRuleVersion, StarRuleRow, StationStarRuleRow


def set_points_rules(
    db: Database, tenant: str, table: dict[str, Decimal], effective_from: date, now: datetime
) -> None:
    """Add a version of each figure from a date on. Entries already booked keep the figure
    they were booked with; a version never replaces another of the same date."""
    with db.transaction() as session:
        taken = set(
            session.scalars(
                select(PointsRuleVersion.activity).where(
                    PointsRuleVersion.tenant == tenant,
                    PointsRuleVersion.effective_from == effective_from,
                    PointsRuleVersion.activity.in_(table),
                )
            )
        )
        if taken:
            raise RuleError(
                f"{', '.join(sorted(taken))} already set from {effective_from}; "
                "give the new figure its own date"
            )
        for activity, points in table.items():
            session.add(
                PointsRuleVersion(
                    tenant=tenant,
                    activity=activity,
                    effective_from=effective_from,
                    points=points,
                    set_at=now,
                )
            )


def table_in_force(db: Database, chain: list[str], on: date) -> dict[str, Decimal]:
    """Every activity's figure on a date for a congress (nearest first) and those above it."""
    with db.session() as session:
        versions = [
            RuleVersion(v.tenant, v.activity, v.effective_from, v.points)
            for v in session.scalars(
                select(PointsRuleVersion).where(PointsRuleVersion.tenant.in_(chain))
            )
        ]
    rules = rules_in_force(on, chain, versions)
    return {activity: points_for(activity, rules) for activity in DEFAULT_RULES}


def set_flag_rule(
    db: Database, tenant: str, min_points: Decimal | None, required: tuple[str, ...], now: datetime
) -> None:
    """Replace the tenant's flag rule; flags are computed when read, with the rule then."""
    with db.transaction() as session:
        session.merge(
            FlagRuleRow(
                tenant=tenant, min_points=min_points, required=",".join(required), set_at=now
            )
        )


def set_star_rule(
    db: Database, tenant: str, count: int, station_duty_weight: Decimal, now: datetime
) -> None:
    with db.transaction() as session:
        session.merge(
            StarRuleRow(
                tenant=tenant, count=count, station_duty_weight=station_duty_weight, set_at=now
            )
        )


def set_station_star_rule(db: Database, tenant: str, rule: StationStarRule) -> None:
    with db.transaction() as session:
        session.merge(
            StationStarRuleRow(
                tenant=tenant,
                weight_opinions=rule.weight_opinions,
                weight_shifts=rule.weight_shifts,
                weight_activities=rule.weight_activities,
                five=rule.five,
                four=rule.four,
                three=rule.three,
                models=rule.models,
                rank_apart=rule.rank_apart,
                set_at=datetime.now(UTC),
            )
        )
