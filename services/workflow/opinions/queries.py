"""Reads of the register: worklists within a key's reach, an opinion's route, the
public status by code, and the figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from runtime.directory import Principal
from services.workflow import working_days
from services.workflow.domain.calendar import local_date
from services.workflow.opinions.domain.figures import MonthlyFigures, working_days_between
from services.workflow.opinions.store import Opinion, OpinionStep
from services.workflow.suggestions.store import Suggestion


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


def monthly_figures(session: Session, under_path: str, year: int) -> MonthlyFigures:
    """Every opinion of the place (a station, township, county or city) counted in the
    month, in Asia/Shanghai, when it was received, closed, or took a step of its route."""
    figures = MonthlyFigures()
    in_place = Opinion.station_path.startswith(under_path, autoescape=True)
    for opinion in session.scalars(select(Opinion).where(in_place)):
        received = local_date(opinion.received_at)
        if received.year == year:
            figures.received(received)
        if opinion.closed_at is not None and local_date(opinion.closed_at).year == year:
            closed = local_date(opinion.closed_at)
            figures.closed(
                closed,
                opinion.resolved_level or opinion.level,
                opinion.outcome or "resolved",
                working_days_between(received, closed, working_days.is_working_day),
            )
    steps = session.execute(
        select(OpinionStep.at, OpinionStep.kind, OpinionStep.details)
        .join(Opinion, Opinion.id == OpinionStep.opinion_id)
        .where(in_place, OpinionStep.kind.in_(("escalated", "forwarded", "adopted")))
    )
    for at, kind, details in steps:
        if local_date(at).year == year:
            figures.step(local_date(at), kind, bool((details or {}).get("automatic")))
    return figures


def adopted_at_station(session: Session, station_id: str) -> list[Any]:
    """The station's opinions adopted as suggestions (采纳情况), newest first, with the
    suggestion each became (None once it was returned)."""
    return list(
        session.execute(
            select(Opinion, Suggestion)
            .join(Suggestion, Suggestion.source_opinion_id == Opinion.id)
            .where(Opinion.station_id == station_id, Opinion.adopted_by.is_not(None))
            .order_by(Opinion.received_at.desc(), Opinion.id)
        ).all()
    )


def station_counts(session: Session, station_id: str) -> dict[str, int]:
    at_station = Opinion.station_id == station_id
    received = session.scalar(select(func.count()).where(at_station)) or 0
    closed = session.scalar(select(func.count()).where(at_station, Opinion.state == "closed"))
    return {"received": received, "closed": closed or 0}
