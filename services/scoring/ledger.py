"""Booking to the ledger: the figure in force on the day, one entry per source."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import bindparam, select

from contracts.zone import SHANGHAI
from runtime.db import once_per_transaction
from runtime.work import WorkContext
from services.scoring.domain.points import RuleVersion, congress_chain, points_for, rules_in_force
from services.scoring.store import PointsEntry, PointsRuleVersion


def local_day(at: datetime) -> date:
    """Days, quarters and rule dates are China's."""
    return at.astimezone(SHANGHAI).date()


def noon_of(day: date) -> datetime:
    """A filed record's moment: noon on its day, so the day is the same in any zone."""
    return datetime.combine(day, time(12), tzinfo=SHANGHAI)


def already_booked(ctx: WorkContext, source: str) -> bool:
    """Stored, or booked earlier in this transaction and not flushed yet: the look-up does
    not flush, so a batch's entries are inserted together at its end (ADR 0019)."""
    if any(isinstance(o, PointsEntry) and o.source == source for o in ctx.session.new):
        return True
    return ctx.session.connection().execute(_BOOKED, {"source": source}).first() is not None


_BOOKED = select(PointsEntry.__table__.c.id).where(
    PointsEntry.__table__.c.source == bindparam("source")
)


def points_in_force(ctx: WorkContext, node_path: str, activity: str, on: date) -> Decimal:
    """What the activity earned on that day in the deputy's congress (its rules then). The
    rules are read once per transaction: only the operator's own transaction changes them."""
    chain = congress_chain(node_path)

    def read() -> list[RuleVersion]:
        return [
            RuleVersion(v.tenant, v.activity, v.effective_from, v.points)
            for v in ctx.session.scalars(
                select(PointsRuleVersion).where(
                    PointsRuleVersion.tenant.in_(chain), PointsRuleVersion.activity == activity
                )
            )
        ]

    versions = once_per_transaction(ctx.session, (PointsRuleVersion,), (*chain, activity), read)
    return points_for(activity, rules_in_force(on, chain, versions))


def book(
    ctx: WorkContext,
    *,
    tenant: str,
    tenant_path: str,
    deputy_id: str,
    activity: str,
    source: str,
    reason: str,
    occurred_at: datetime,
    office_path: str | None = None,
    organiser: str | None = None,
    duration_hours: Decimal | None = None,
    recorded_by: str | None = None,
) -> PointsEntry:
    entry = PointsEntry(
        tenant=tenant,
        tenant_path=tenant_path,
        deputy_id=deputy_id,
        activity=activity,
        points=points_in_force(ctx, tenant_path, activity, local_day(occurred_at)),
        reason=reason,
        source=source,
        occurred_at=occurred_at,
        recorded_at=ctx.clock.now(),
        office_path=office_path,
        organiser=organiser,
        duration_hours=duration_hours,
        recorded_by=recorded_by,
    )
    ctx.session.add(entry)
    return entry
