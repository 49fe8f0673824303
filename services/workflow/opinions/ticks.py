"""The opinion aggregate's scheduled work: missed deadlines escalate, adopted opinions
follow their suggestions, and contacts of long-closed opinions are erased."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from runtime.work import WorkContext
from services.workflow.domain.calendar import local_date
from services.workflow.opinions.actions.route import escalate, follow_suggestion, record_step
from services.workflow.opinions.domain.opinion import State, next_level
from services.workflow.opinions.payloads import ref
from services.workflow.opinions.store import Opinion
from services.workflow.policy import opinion_policy_for
from services.workflow.suggestions.store import Suggestion


def opinion_deadlines(ctx: WorkContext) -> None:
    """A level that let its deadline pass loses the opinion to the level above, which is
    told; the county, the last level, is marked overdue once."""
    today = local_date(ctx.clock.now())
    missed = ctx.session.scalars(
        select(Opinion)
        .where(Opinion.state == State.OPEN, Opinion.deadline < today, Opinion.overdue.is_(False))
        .order_by(Opinion.deadline, Opinion.id)
        .with_for_update(skip_locked=True)
    ).all()
    for opinion in missed:
        if next_level(opinion.level) is None:
            opinion.overdue = True
            record_step(ctx, opinion, "overdue", None)
            ctx.emit(
                "opinion.overdue",
                {**ref(opinion, ctx.clock.now()), "deadline": opinion.deadline},
                tenant=opinion.tenant,
            )
            continue
        escalate(
            ctx,
            opinion,
            f"{opinion.level} missed its deadline {opinion.deadline.isoformat()}",
            None,
            automatic=True,
        )


def adopted_opinions(ctx: WorkContext) -> None:
    rows = ctx.session.execute(
        select(Opinion, Suggestion)
        .join(Suggestion, Suggestion.id == Opinion.suggestion_id)
        .where(Opinion.state == State.ADOPTED)
        .order_by(Opinion.id)
    ).all()
    for opinion, suggestion in rows:
        if suggestion.state in ("closed", "returned", "converted"):
            follow_suggestion(ctx, opinion, suggestion)


def erase_contacts(ctx: WorkContext) -> None:
    """PIPL: a contact is kept no longer than handling needs (the tenant's retention), and
    so are the photos: the name and phone are erased here, the photos by intake, which keeps
    them, on `opinion.contact_erased`."""
    now = ctx.clock.now()
    closed = ctx.session.scalars(
        select(Opinion).where(
            Opinion.state == State.CLOSED,
            Opinion.contact_erased_at.is_(None),
            Opinion.phone_encrypted.is_not(None)
            | Opinion.name_encrypted.is_not(None)
            | Opinion.photos.is_not(None),
        )
    ).all()
    for opinion in closed:
        retention = opinion_policy_for(ctx.session, opinion.tenant).contact_retention_days
        assert opinion.closed_at is not None
        if opinion.closed_at + timedelta(days=retention) > now:
            continue
        photos = [photo["name"] for photo in opinion.photos or []]
        had_contact = opinion.phone_encrypted or opinion.name_encrypted
        opinion.name_encrypted = opinion.phone_encrypted = opinion.phone_masked = None
        opinion.photos = []
        opinion.contact_erased_at = now
        if had_contact or photos:
            record_step(ctx, opinion, "contact_erased", None, photos=len(photos))
        if photos:
            ctx.emit(
                "opinion.contact_erased",
                {"opinion_id": opinion.id, "tenant": opinion.tenant, "photos": photos, "at": now},
                tenant=opinion.tenant,
            )


TICKS = {
    "workflow.opinion_deadlines": opinion_deadlines,
    "workflow.adopted_opinions": adopted_opinions,
    "workflow.opinion_contacts": erase_contacts,
}
