"""Operator writes and reads of notify: contacts, and the delivery log (list, replay)."""

from __future__ import annotations

from sqlalchemy import select

from runtime.clock import Clock
from runtime.db import Database
from services.notify.deliveries import replay
from services.notify.store import Contact, Delivery


def set_contact(
    db: Database,
    clock: Clock,
    recipient: str,
    email: str | None,
    phone: str | None,
    wechat_openid: str | None,
) -> None:
    with db.transaction() as session:
        session.merge(
            Contact(
                recipient=recipient,
                email=email,
                phone=phone,
                wechat_openid=wechat_openid,
                updated_at=clock.now(),
            )
        )


def list_deliveries(db: Database, status: str | None, limit: int) -> list[Delivery]:
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if status:
        query = query.where(Delivery.status == status)
    with db.session() as session:
        return list(session.scalars(query))


def replay_deliveries(db: Database, clock: Clock, ids: list[int], all_dead: bool) -> list[int]:
    """Make the given (or every dead) delivery due now; the ids that were replayed."""
    with db.transaction() as session:
        query = select(Delivery).with_for_update()
        query = (
            query.where(Delivery.status == "dead")
            if all_dead
            else query.where(Delivery.id.in_(ids))
        )
        return [d.id for d in session.scalars(query) if replay(session, d, clock.now())]
