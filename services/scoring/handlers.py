"""Scoring credits duty points for what deputies did."""

from __future__ import annotations

from sqlalchemy import select

from contracts import Event
from runtime.consumer import HandlerContext
from services.scoring.domain.points import points_for
from services.scoring.store import PointsEntry, PointsRule


def on_suggestion_accepted(event: Event, ctx: HandlerContext) -> None:
    data = event.data
    source = f"suggestion:{data['suggestion_id']}"
    if ctx.session.scalar(select(PointsEntry.id).where(PointsEntry.source == source)):
        return
    tenant = data["tenant"]
    rules = dict(
        ctx.session.execute(
            select(PointsRule.activity, PointsRule.points).where(PointsRule.tenant == tenant)
        ).all()
    )
    deputy = ctx.directory.deputy(data["lead_deputy_id"])
    ctx.session.add(
        PointsEntry(
            tenant=tenant,
            tenant_path=deputy.node_path if deputy else f"/{tenant}/",
            deputy_id=data["lead_deputy_id"],
            activity="suggestion",
            points=points_for("suggestion", rules),
            reason=f"suggestion {data['number']} accepted: {data['title']}",
            source=source,
            occurred_at=data["accepted_at"],
            recorded_at=ctx.clock.now(),
        )
    )


HANDLERS = {"suggestion.accepted": on_suggestion_accepted}
