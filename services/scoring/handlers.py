"""Scoring credits duty points for what deputies did, and reverses what was undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from contracts import Event
from runtime.work import WorkContext
from services.scoring.domain.points import points_for
from services.scoring.store import PointsEntry, PointsRule


def _credit(
    ctx: WorkContext,
    *,
    tenant: str,
    deputy_id: str,
    activity: str,
    source: str,
    reason: str,
    occurred_at: datetime,
) -> None:
    if ctx.session.scalar(select(PointsEntry.id).where(PointsEntry.source == source)):
        return
    rules = dict(
        ctx.session.execute(
            select(PointsRule.activity, PointsRule.points).where(PointsRule.tenant == tenant)
        ).all()
    )
    deputy = ctx.directory.deputy(deputy_id)
    ctx.session.add(
        PointsEntry(
            tenant=tenant,
            tenant_path=deputy.node_path if deputy else f"/{tenant}/",
            deputy_id=deputy_id,
            activity=activity,
            points=points_for(activity, rules),
            reason=reason,
            source=source,
            occurred_at=occurred_at,
            recorded_at=ctx.clock.now(),
        )
    )


def on_suggestion_accepted(event: Event, ctx: WorkContext) -> None:
    d = event.data
    _credit(
        ctx,
        tenant=d["tenant"],
        deputy_id=d["lead_deputy_id"],
        activity="suggestion",
        source=f"suggestion:{d['suggestion_id']}",
        reason=f"suggestion {d['number']} accepted: {d['title']}",
        occurred_at=d["accepted_at"],
    )


def on_suggestion_marked_key(event: Event, ctx: WorkContext) -> None:
    d = event.data
    _credit(
        ctx,
        tenant=d["tenant"],
        deputy_id=d["lead_deputy_id"],
        activity="key_suggestion",
        source=f"key_suggestion:{d['suggestion_id']}",
        reason=f"suggestion {d['number']} made a key suggestion",
        occurred_at=d["at"],
    )


def on_suggestion_screened_out(event: Event, ctx: WorkContext) -> None:
    """A suggestion returned, converted or merged after it was credited: reverse the credit.

    The ledger is append-only, so the correction is a new entry with the reason.
    """
    d = event.data
    for source in (f"suggestion:{d['suggestion_id']}", f"key_suggestion:{d['suggestion_id']}"):
        credit = ctx.session.scalar(select(PointsEntry).where(PointsEntry.source == source))
        reversal = f"reversal:{source}"
        if credit is None or ctx.session.scalar(
            select(PointsEntry.id).where(PointsEntry.source == reversal)
        ):
            continue
        ctx.session.add(
            PointsEntry(
                tenant=credit.tenant,
                tenant_path=credit.tenant_path,
                deputy_id=credit.deputy_id,
                activity=credit.activity,
                points=-credit.points,
                reason=f"suggestion {d['number']} {event.name.split('.')[1]}: credit reversed",
                source=reversal,
                reverses_id=credit.id,
                occurred_at=d.get("returned_at") or d.get("at") or ctx.clock.now(),
                recorded_at=ctx.clock.now(),
            )
        )


HANDLERS = {
    "suggestion.accepted": on_suggestion_accepted,
    "suggestion.marked_key": on_suggestion_marked_key,
    "suggestion.returned": on_suggestion_screened_out,
    "suggestion.converted": on_suggestion_screened_out,
    "suggestion.merged": on_suggestion_screened_out,
}
