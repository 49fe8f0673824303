"""Operator writes to scoring's configuration: a tenant's points rules."""

from __future__ import annotations

from runtime.db import Database
from services.scoring.store import PointsRule


def set_points_rule(db: Database, tenant: str, activity: str, points: int) -> None:
    with db.transaction() as session:
        session.merge(PointsRule(tenant=tenant, activity=activity, points=points))
