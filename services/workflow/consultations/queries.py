"""Reads of consultations: which a key may read, the opinions of a consultation grouped
by article, the contact points' reports side by side, the public page, the figures.

The phone (and name) appear in clear only in an opinion's handling record read by its
contact point's own key; every other answer shows the masked phone and no name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from contracts.contact import cipher
from runtime.directory import Principal
from services.workflow.consultations.domain.consultation import is_open
from services.workflow.consultations.domain.figures import (
    Counts,
    GatheringFact,
    OpinionFact,
    count,
)
from services.workflow.consultations.store import (
    Consultation,
    ConsultationOpinion,
    Gathering,
    Report,
)


def may_read(who: Principal, consultation: Consultation) -> bool:
    """The congress and those above it; a participating contact point (or the township
    above it); never another district's."""
    if who.can_see(consultation.tenant_path):
        return True
    return any(who.can_see(p["station_path"]) for p in consultation.contact_points)


def handles(who: Principal, opinion: ConsultationOpinion) -> bool:
    """The contact point's own office reads the handling record in full."""
    return who.role in ("system", "committee") and who.node_id == opinion.station_id


def readable(session: Session, who: Principal, year: int | None = None) -> list[Consultation]:
    """Newest first. Candidates by path (the congress's, or a congress above the key's
    contact point), then each checked against its contact points."""
    above = [who.node_path[: i + 1] for i, c in enumerate(who.node_path) if c == "/"][1:]
    query = select(Consultation).where(
        or_(
            Consultation.tenant_path.startswith(who.node_path, autoescape=True),
            Consultation.tenant_path.in_(above),
        )
    )
    if year is not None:
        query = query.where(Consultation.year == year)
    rows = session.scalars(query.order_by(Consultation.published_at.desc(), Consultation.id))
    return [c for c in rows if may_read(who, c)]


def opinions_of(
    session: Session, consultation_id: str, station_id: str | None = None
) -> list[ConsultationOpinion]:
    query = select(ConsultationOpinion).where(
        ConsultationOpinion.consultation_id == consultation_id
    )
    if station_id is not None:
        query = query.where(ConsultationOpinion.station_id == station_id)
    return list(
        session.scalars(query.order_by(ConsultationOpinion.received_at, ConsultationOpinion.id))
    )


def opinion_view(
    opinion: ConsultationOpinion, keys: tuple[str, ...] = (), *, in_clear: bool = False
) -> dict[str, Any]:
    data = {
        name: getattr(opinion, name)
        for name in (
            "id",
            "public_code",
            "station_id",
            "channel",
            "gathering_id",
            "article",
            "text",
            "recorded_by",
            "state",
            "merged_into",
            "report_id",
            "adoption",
            "reason",
            "received_at",
            "answered_at",
        )
    }
    data["phone"], data["name"] = opinion.phone_masked, None
    if in_clear:
        opener = cipher(keys)
        if opinion.phone_encrypted:
            data["phone"] = opener.decrypt(opinion.phone_encrypted) or opinion.phone_masked
        if opinion.name_encrypted:
            data["name"] = opener.decrypt(opinion.name_encrypted)
    return data


def consultation_view(consultation: Consultation, today: date) -> dict[str, Any]:
    return {
        **{c.key: getattr(consultation, c.key) for c in Consultation.__table__.columns},
        "articles": [{"number": n, **a} for n, a in enumerate(consultation.articles, start=1)],
        "contact_points": [
            {k: p[k] for k in ("station_id", "name", "deputy_ids")}
            for p in consultation.contact_points
        ],
        "open": is_open(today, consultation.deadline),
    }


def gatherings_of(session: Session, consultation_id: str) -> list[Gathering]:
    return list(
        session.scalars(
            select(Gathering)
            .where(Gathering.consultation_id == consultation_id)
            .order_by(Gathering.held_on, Gathering.id)
        )
    )


def by_article(opinions: Iterable[ConsultationOpinion]) -> list[dict[str, Any]]:
    """Kept opinions grouped by article (the whole draft first), each with the public
    codes of the duplicates merged into it."""
    listed = list(opinions)
    duplicates: dict[str, list[str]] = {}
    for o in listed:
        if o.merged_into:
            duplicates.setdefault(o.merged_into, []).append(o.public_code)
    groups: dict[int | None, list[dict[str, Any]]] = {}
    for o in listed:
        if o.state == "merged":
            continue
        groups.setdefault(o.article, []).append(
            {
                "id": o.id,
                "public_code": o.public_code,
                "channel": o.channel,
                "text": o.text,
                "duplicates": duplicates.get(o.id, []),
                "adoption": o.adoption,
                "reason": o.reason,
            }
        )
    order = sorted(groups, key=lambda a: -1 if a is None else a)
    return [{"article": a, "opinions": groups[a]} for a in order]


def report_view(session: Session, consultation: Consultation, report: Report) -> dict[str, Any]:
    names = {p["station_id"]: p["name"] for p in consultation.contact_points}
    opinions = [
        o
        for o in opinions_of(session, consultation.id, report.station_id)
        if o.report_id == report.id or (o.merged_into and o.state == "merged")
    ]
    gatherings = [
        g for g in gatherings_of(session, consultation.id) if g.station_id == report.station_id
    ]
    return {
        "id": report.id,
        "number": report.number,
        "consultation_id": consultation.id,
        "consultation_number": consultation.number,
        "title": consultation.title,
        "issuing_body": consultation.issuing_body,
        "station_id": report.station_id,
        "station_name": names.get(report.station_id, report.station_id),
        "summary": report.summary,
        "submitted_by": report.submitted_by,
        "submitted_at": report.submitted_at,
        "opinions": sum(1 for o in opinions if o.report_id == report.id),
        "merged": sum(1 for o in opinions if o.state == "merged"),
        "forums": sum(1 for g in gatherings if g.kind == "forum"),
        "visits": sum(1 for g in gatherings if g.kind == "visit"),
        "participants": sum(g.participants for g in gatherings),
        "by_article": by_article(opinions),
    }


def reports_of(session: Session, consultation: Consultation) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Report)
        .where(Report.consultation_id == consultation.id)
        .order_by(Report.submitted_at, Report.number)
    )
    return [report_view(session, consultation, r) for r in rows]


def public_view(session: Session, consultation: Consultation, today: date) -> dict[str, Any]:
    """The public page: the draft article by article, and once answered, the outcome per
    article (counts and the committee's reasons). Never an opinion's text or contact."""
    outcomes: dict[int | None, dict[str, Any]] = {}
    for o in opinions_of(session, consultation.id):
        if o.state != "answered":
            continue
        entry = outcomes.setdefault(o.article, {"fully": 0, "partly": 0, "not": 0, "reasons": []})
        entry[o.adoption or "not"] += 1
        entry["reasons"].append({"adoption": o.adoption, "reason": o.reason})
    articles = [
        {"number": n, **a, "outcome": outcomes.get(n)}
        for n, a in enumerate(consultation.articles, start=1)
    ]
    return {
        "id": consultation.id,
        "number": consultation.number,
        "title": consultation.title,
        "issuing_body": consultation.issuing_body,
        "deadline": consultation.deadline,
        "open": is_open(today, consultation.deadline),
        "questions": consultation.questions,
        "contact_points": [
            {"station_id": p["station_id"], "name": p["name"]} for p in consultation.contact_points
        ],
        "articles": articles,
        "whole_draft_outcome": outcomes.get(None),
        "answered_at": consultation.answered_at,
    }


def figures_under(session: Session, path: str, year: int) -> dict[str, Any]:
    """Drafts, opinions and participation under a node for a year: the total, per county
    (congress) and per contact point."""
    consultations = list(
        session.scalars(
            select(Consultation).where(
                Consultation.tenant_path.startswith(path, autoescape=True),
                Consultation.year == year,
            )
        )
    )
    ids = [c.id for c in consultations]
    by_tenant: dict[str, list[Consultation]] = {}
    for c in consultations:
        by_tenant.setdefault(c.tenant, []).append(c)
    opinions = (
        list(
            session.scalars(
                select(ConsultationOpinion).where(ConsultationOpinion.consultation_id.in_(ids))
            )
        )
        if ids
        else []
    )
    gatherings = (
        list(session.scalars(select(Gathering).where(Gathering.consultation_id.in_(ids))))
        if ids
        else []
    )

    def figures_of(chosen: list[Consultation]) -> Any:
        keep = {c.id for c in chosen}
        return count(
            [tuple(p["station_id"] for p in c.contact_points) for c in chosen],
            [
                OpinionFact(o.station_id, o.channel, o.state, o.adoption)
                for o in opinions
                if o.consultation_id in keep
            ],
            [
                GatheringFact(g.station_id, g.kind, g.participants)
                for g in gatherings
                if g.consultation_id in keep
            ],
        )

    total = figures_of(consultations)
    return {
        "year": year,
        "total": _counts(total.total),
        "counties": {t: _counts(figures_of(cs).total) for t, cs in sorted(by_tenant.items())},
        "contact_points": {s: _counts(c) for s, c in sorted(total.by_station.items())},
    }


def _counts(counts: Counts) -> dict[str, int]:
    return dict(vars(counts))
