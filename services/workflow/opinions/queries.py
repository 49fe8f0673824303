"""Reads of the register: worklists within a key's reach, an opinion's route, the
public status by code, and the figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from runtime.directory import Principal
from services.workflow.opinions.store import Opinion, OpinionStep


def readable_by(who: Principal) -> Select:
    """A unit sees what was forwarded to it; every other key what lies under its node."""
    query = select(Opinion)
    if who.role == "unit":
        return query.where(Opinion.holder_node_id == (who.subject or ""))
    return query.where(Opinion.station_path.startswith(who.node_path, autoescape=True))


def may_read(who: Principal, opinion: Opinion) -> bool:
    if who.role == "unit":
        return opinion.holder_node_id == who.subject
    return who.can_see(opinion.station_path)


def holds(who: Principal, opinion: Opinion) -> bool:
    """The office that holds the opinion now reads its handling record in full."""
    if who.role == "unit":
        return opinion.state == "forwarded" and opinion.holder_node_id == who.subject
    return who.role in ("system", "committee") and who.node_id == opinion.holder_node_id


def worklist(
    session: Session, who: Principal, filters: dict[str, Any], *, limit: int, offset: int
) -> tuple[int, list[Opinion]]:
    """Soonest deadline first; those without one (adopted, closed) last, newest first."""
    query = readable_by(who)
    for name in ("state", "level", "station_id", "holder_node_id", "category", "urgency"):
        if name in filters:
            query = query.where(getattr(Opinion, name) == filters[name])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(
            Opinion.deadline.is_(None), Opinion.deadline, Opinion.received_at.desc(), Opinion.id
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def route(session: Session, opinion_id: str) -> list[OpinionStep]:
    return list(
        session.scalars(
            select(OpinionStep).where(OpinionStep.opinion_id == opinion_id).order_by(OpinionStep.id)
        )
    )


def by_code(session: Session, code: str) -> Opinion | None:
    return session.scalar(select(Opinion).where(Opinion.public_code == code))
