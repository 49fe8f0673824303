"""GET /workflow/v1/public/consultations/…: the drafts open for comment and each one's
page, article by article, with the outcome per article once the legislature answered;
and an opinion's status by its public code. Nothing personal, no opinion's text."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import not_found, service
from services.workflow.consultations.api.schemas import (
    PublicConsultationList,
    PublicConsultationOut,
    PublicOpinionStatusOut,
)
from services.workflow.consultations.queries import public_view
from services.workflow.consultations.store import Consultation, ConsultationOpinion
from services.workflow.domain.calendar import local_date

blp = Blueprint(
    "public_consultations",
    __name__,
    url_prefix="/public/consultations",
    description="Drafts for comment, for everyone",
)


class CodePath(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9]{6,16}$"))


class PublicListQuery(Schema):
    tenant = fields.String(validate=validate.Length(min=1, max=32))


@blp.route("")
@blp.arguments(PublicListQuery, location="query")
@blp.response(200, PublicConsultationList)
@blp.doc(security=[])
def public_consultations(query: dict[str, Any]) -> dict[str, Any]:
    """Every consultation (of one congress with `tenant`), newest first, at most 100."""
    rt = service("workflow")
    today = local_date(rt.clock.now())
    statement = select(Consultation)
    if "tenant" in query:
        statement = statement.where(Consultation.tenant == query["tenant"])
    with rt.db.session() as session:
        rows = session.scalars(
            statement.order_by(Consultation.published_at.desc(), Consultation.id).limit(100)
        )
        return {"items": [public_view(session, c, today) for c in rows]}


@blp.route("/opinions/<code>")
@blp.arguments(CodePath, location="path", as_kwargs=False)
@blp.response(200, PublicOpinionStatusOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=[])
def opinion_status(path: dict[str, str], code: str) -> dict[str, Any]:
    """An opinion on a draft by its public code: received, merged, submitted, answered."""
    with service("workflow").db.session() as session:
        opinion = session.scalar(
            select(ConsultationOpinion).where(ConsultationOpinion.public_code == path["code"])
        )
        if opinion is None:
            raise not_found("opinion")
        consultation = session.get(Consultation, opinion.consultation_id)
        return {
            "public_code": opinion.public_code,
            "consultation_id": opinion.consultation_id,
            "title": consultation.title if consultation else "",
            "article": opinion.article,
            "state": opinion.state,
            "adoption": opinion.adoption,
            "reason": opinion.reason,
        }


@blp.route("/<consultation_id>")
@blp.response(200, PublicConsultationOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=[])
def public_consultation(consultation_id: str) -> dict[str, Any]:
    """One draft's public page: its articles, the questions, the contact points, whether
    comments are still taken, and the outcome per article once answered."""
    rt = service("workflow")
    with rt.db.session() as session:
        consultation = session.get(Consultation, consultation_id)
        if consultation is None:
            raise not_found("consultation")
        return public_view(session, consultation, local_date(rt.clock.now()))
