"""What the committee, the contact points and the deputies do on a consultation: the plan,
and one function per action of contracts/consultation_actions.py. Each loads what it
needs, asks the domain, and emits its events in the caller's transaction; a broken rule
raises RuleBroken, which the handler turns into a rejected receipt."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from runtime.work import WorkContext
from services.workflow.consultations.domain import consultation as rules
from services.workflow.consultations.domain.consultation import OpinionState
from services.workflow.consultations.store import (
    Consultation,
    ConsultationOpinion,
    Gathering,
    Report,
)
from services.workflow.domain.actors import Actor
from services.workflow.domain.calendar import local_date
from services.workflow.domain.rules import RuleBroken, require
from services.workflow.policy import consultation_policy_for

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """A public code for an opinion recorded here (a forum's, a deputy's)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def ref(consultation: Consultation, at: datetime) -> dict[str, Any]:
    return {
        "consultation_id": consultation.id,
        "number": consultation.number,
        "tenant": consultation.tenant,
        "title": consultation.title,
        "at": at,
    }


def plan(ctx: WorkContext, data: dict[str, Any]) -> Consultation:
    """Step 1 and 2: register the plan, and publish it (the deputies are told)."""
    now = ctx.clock.now()
    today = local_date(now)
    rules.check_plan(today, data["deadline"], consultation_policy_for(ctx.session, data["tenant"]))
    points = data["contact_points"]
    rules.check_stations(p["station_id"] for p in points)
    stored_points = []
    for n, point in enumerate(points):
        station = ctx.directory.node(point["station_id"])
        require(
            station is not None
            and station.kind == "station"
            and station.path.startswith(data["tenant_path"]),
            f"no contact point {point['station_id']} in this congress",
            f"contact_points.{n}.station_id",
        )
        for deputy_id in point["deputy_ids"]:
            deputy = ctx.directory.deputy(deputy_id)
            require(
                deputy is not None and deputy.node_path.startswith(data["tenant_path"]),
                f"no deputy {deputy_id} in this congress",
                f"contact_points.{n}.deputy_ids",
            )
        stored_points.append(
            {
                "station_id": station.id,
                "station_path": station.path,
                "name": station.name,
                "deputy_ids": list(dict.fromkeys(point["deputy_ids"])),
            }
        )
    year = today.year
    sequence = 1 + (
        ctx.session.scalar(
            select(func.count()).where(
                Consultation.tenant == data["tenant"], Consultation.year == year
            )
        )
        or 0
    )
    consultation = Consultation(
        id=str(uuid.uuid4()),
        submission_id=data["submission_id"],
        number=rules.consultation_number(data["tenant"], year, sequence),
        tenant=data["tenant"],
        tenant_path=data["tenant_path"],
        year=year,
        title=data["title"],
        issuing_body=data["issuing_body"],
        articles=[{"heading": a["heading"], "text": a["text"]} for a in data["articles"]],
        questions=list(data["questions"]),
        deadline=data["deadline"],
        contact_points=stored_points,
        planned_by=data["planned_by"],
        published_at=now,
    )
    ctx.session.add(consultation)
    ctx.session.flush()
    ctx.emit(
        "consultation.published",
        {
            **ref(consultation, now),
            "tenant_path": consultation.tenant_path,
            "deadline": consultation.deadline,
            "station_ids": [p["station_id"] for p in stored_points],
            "deputy_ids": list(dict.fromkeys(d for p in stored_points for d in p["deputy_ids"])),
        },
        tenant=consultation.tenant,
    )
    return consultation


def station_ids(consultation: Consultation) -> list[str]:
    return [p["station_id"] for p in consultation.contact_points]


def _point(consultation: Consultation, station_id: str) -> dict[str, Any]:
    for point in consultation.contact_points:
        if point["station_id"] == station_id:
            return point
    raise RuleBroken(f"{station_id} is not a contact point of this consultation", "station_id")


def _acts_for(actor: Actor, consultation: Consultation, station_id: str) -> dict[str, Any]:
    """The contact point, when the actor's key is the station's or above it."""
    point = _point(consultation, station_id)
    require(
        point["station_path"].startswith(actor.node_path),
        f"this key does not act for contact point {station_id}",
        "station_id",
    )
    return point


def _reported(ctx: WorkContext, consultation: Consultation, station_id: str) -> bool:
    return (
        ctx.session.scalar(
            select(Report.id).where(
                Report.consultation_id == consultation.id, Report.station_id == station_id
            )
        )
        is not None
    )


def _check_open(ctx: WorkContext, consultation: Consultation, station_id: str) -> None:
    rules.check_collecting(
        local_date(ctx.clock.now()),
        consultation.deadline,
        _reported(ctx, consultation, station_id),
    )


def add_opinion(
    ctx: WorkContext,
    consultation: Consultation,
    *,
    submission_id: str,
    station_id: str,
    channel: str,
    article: int | None,
    text: str,
    public_code: str | None = None,
    recorded_by: str | None = None,
    gathering_id: str | None = None,
    contact: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ConsultationOpinion:
    rules.check_article(article, len(consultation.articles))
    contact = contact or {}
    opinion = ConsultationOpinion(
        id=str(uuid.uuid4()),
        consultation_id=consultation.id,
        submission_id=submission_id,
        public_code=public_code or new_code(),
        station_id=station_id,
        channel=channel,
        gathering_id=gathering_id,
        article=article,
        text=text,
        name_encrypted=contact.get("name_encrypted"),
        phone_encrypted=contact.get("phone_encrypted"),
        phone_masked=contact.get("phone_masked"),
        recorded_by=recorded_by,
        state=OpinionState.RECEIVED,
        received_at=at or ctx.clock.now(),
    )
    ctx.session.add(opinion)
    return opinion


def receive(ctx: WorkContext, consultation: Consultation, data: dict[str, Any]) -> None:
    """An opinion from the public page."""
    _point(consultation, data["station_id"])
    _check_open(ctx, consultation, data["station_id"])
    add_opinion(
        ctx,
        consultation,
        submission_id=data["submission_id"],
        station_id=data["station_id"],
        channel=data["channel"],
        article=data["article"],
        text=data["text"],
        public_code=data["public_code"],
        contact=data,
        at=data["submitted_at"],
    )


Performer = Callable[[WorkContext, Consultation, Actor, dict[str, Any], str], None]


def _by(actor: Actor) -> str:
    return f"{actor.role}:{actor.subject or actor.node_id}"


def record_gathering(
    ctx: WorkContext, consultation: Consultation, actor: Actor, args: dict[str, Any], sid: str
) -> None:
    station_id = args["station_id"]
    _acts_for(actor, consultation, station_id)
    _check_open(ctx, consultation, station_id)
    held_on: date = args["held_on"]
    require(
        local_date(consultation.published_at) <= held_on <= local_date(ctx.clock.now()),
        "a gathering is recorded once held, after the draft was published",
        "held_on",
    )
    gathering = Gathering(
        id=str(uuid.uuid4()),
        consultation_id=consultation.id,
        submission_id=sid,
        station_id=station_id,
        kind=args["kind"],
        held_on=held_on,
        participants=args["participants"],
        note=args.get("note", ""),
        recorded_by=_by(actor),
    )
    ctx.session.add(gathering)
    for n, opinion in enumerate(args["opinions"]):
        try:
            rules.check_article(opinion["article"], len(consultation.articles))
        except RuleBroken as broken:
            raise RuleBroken(broken.reason, f"opinions.{n}.article") from None
        add_opinion(
            ctx,
            consultation,
            submission_id=sid,
            station_id=station_id,
            channel=args["kind"],
            article=opinion["article"],
            text=opinion["text"],
            recorded_by=_by(actor),
            gathering_id=gathering.id,
        )


def record_opinion(
    ctx: WorkContext, consultation: Consultation, actor: Actor, args: dict[str, Any], sid: str
) -> None:
    station_id = args["station_id"]
    _point(consultation, station_id)
    if actor.role == "deputy":
        deputy_id = actor.subject
    else:
        _acts_for(actor, consultation, station_id)
        deputy_id = args.get("deputy_id")
        require(bool(deputy_id), "name the deputy whose opinion this is", "deputy_id")
    deputy = ctx.directory.deputy(deputy_id or "")
    require(
        deputy is not None and deputy.node_path.startswith(consultation.tenant_path),
        f"no deputy {deputy_id} in this congress",
        "deputy_id",
    )
    _check_open(ctx, consultation, station_id)
    add_opinion(
        ctx,
        consultation,
        submission_id=sid,
        station_id=station_id,
        channel="deputy",
        article=args["article"],
        text=args["text"],
        recorded_by=f"deputy:{deputy_id}",
    )


def _opinion(ctx: WorkContext, consultation: Consultation, opinion_id: str, field: str):  # type: ignore[no-untyped-def]
    opinion = ctx.session.get(ConsultationOpinion, opinion_id, with_for_update=True)
    require(
        opinion is not None and opinion.consultation_id == consultation.id,
        "no opinion with that id on this consultation",
        field,
    )
    return opinion


def merge(
    ctx: WorkContext, consultation: Consultation, actor: Actor, args: dict[str, Any], sid: str
) -> None:
    duplicate = _opinion(ctx, consultation, args["opinion_id"], "opinion_id")
    into = _opinion(ctx, consultation, args["into_id"], "into_id")
    require(duplicate.id != into.id, "an opinion is not merged into itself", "into_id")
    _acts_for(actor, consultation, duplicate.station_id)
    rules.check_merge(duplicate.state, into.state, duplicate.station_id == into.station_id)
    duplicate.state = OpinionState.MERGED
    duplicate.merged_into = into.id


def report(
    ctx: WorkContext, consultation: Consultation, actor: Actor, args: dict[str, Any], sid: str
) -> None:
    station_id = args["station_id"]
    _acts_for(actor, consultation, station_id)
    policy = consultation_policy_for(ctx.session, consultation.tenant)
    now = ctx.clock.now()
    rules.check_report(
        local_date(now), consultation.deadline, policy, _reported(ctx, consultation, station_id)
    )
    sequence = 1 + (
        ctx.session.scalar(select(func.count()).where(Report.consultation_id == consultation.id))
        or 0
    )
    filed = Report(
        id=str(uuid.uuid4()),
        consultation_id=consultation.id,
        number=rules.report_number(consultation.number, sequence),
        station_id=station_id,
        summary=args["summary"],
        submitted_by=_by(actor),
        submitted_at=now,
    )
    ctx.session.add(filed)
    kept = list(
        ctx.session.scalars(
            select(ConsultationOpinion).where(
                ConsultationOpinion.consultation_id == consultation.id,
                ConsultationOpinion.station_id == station_id,
                ConsultationOpinion.state == OpinionState.RECEIVED,
            )
        )
    )
    require(bool(kept), "there is no opinion to report from this contact point", "station_id")
    for opinion in kept:
        opinion.state = OpinionState.SUBMITTED
        opinion.report_id = filed.id
    ctx.emit(
        "consultation.report_submitted",
        {
            **ref(consultation, now),
            "report_number": filed.number,
            "station_id": station_id,
            "opinions": len(kept),
        },
        tenant=consultation.tenant,
    )


def answer(
    ctx: WorkContext, consultation: Consultation, actor: Actor, args: dict[str, Any], sid: str
) -> None:
    require(
        consultation.tenant_path.startswith(actor.node_path),
        "only the committee records what the legislature adopted",
        "role",
    )
    now = ctx.clock.now()
    for n, outcome in enumerate(args["outcomes"]):
        try:
            opinion = _opinion(ctx, consultation, outcome["opinion_id"], "outcomes")
            rules.check_answer(opinion.state)
        except RuleBroken as broken:
            raise RuleBroken(broken.reason, f"outcomes.{n}.opinion_id") from None
        merged = list(
            ctx.session.scalars(
                select(ConsultationOpinion).where(ConsultationOpinion.merged_into == opinion.id)
            )
        )
        for told in (opinion, *merged):
            told.adoption = outcome["adoption"]
            told.reason = outcome["reason"]
            told.answered_at = now
            if told is opinion:
                told.state = OpinionState.ANSWERED
            ctx.emit(
                "consultation.opinion_answered",
                {
                    **ref(consultation, now),
                    "opinion_id": told.id,
                    "public_code": told.public_code,
                    "article": opinion.article,
                    "adoption": outcome["adoption"],
                    "reason": outcome["reason"],
                    "has_contact": told.phone_encrypted is not None,
                    "phone_encrypted": told.phone_encrypted,
                    "phone_masked": told.phone_masked,
                },
                tenant=consultation.tenant,
            )
    consultation.answered_at = now


PERFORMERS: dict[str, Performer] = {
    "record_gathering": record_gathering,
    "record_opinion": record_opinion,
    "merge": merge,
    "report": report,
    "answer": answer,
}
"""The performer of each action in contracts/consultation_actions.CONSULTATION_ACTIONS."""
