"""A tenant's own words for each kind of message (Jinja2), set by its committee's key."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import not_found, principal, requires_role, service
from runtime.problems import DomainProblem
from services.notify.domain.messages import KINDS
from services.notify.store import Template
from services.notify.templates import template_problem

blp = Blueprint("templates", __name__, url_prefix="/templates", description="Message templates")


class TemplateIn(Schema):
    subject = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"example": "【兴宁区人大】{{ subject }}"},
    )
    body = fields.String(
        required=True,
        validate=validate.Length(min=1, max=10000),
        metadata={"example": "{{ body }}\n如有疑问请致电 0771-0000000。"},
    )


class TemplateOut(TemplateIn):
    kind = fields.String()
    updated_at = fields.AwareDateTime()


class TemplateList(Schema):
    kinds = fields.List(fields.String(), metadata={"description": "Every kind that can be set."})
    items = fields.List(fields.Nested(TemplateOut))


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise not_found("message kind")
    return kind


@blp.route("", methods=["GET"])
@requires_role("committee")
@blp.response(200, TemplateList)
def list_templates() -> dict[str, Any]:
    """The tenant's own templates; kinds without one use the built-in words."""
    with service("notify").db.session() as session:
        items = list(
            session.scalars(select(Template).where(Template.tenant == principal().node_id))
        )
    return {"kinds": list(KINDS), "items": items}


@blp.route("/<kind>", methods=["PUT"])
@requires_role("committee")
@blp.arguments(TemplateIn)
@blp.response(200, TemplateOut)
def put_template(body: dict[str, Any], kind: str) -> Template:
    """Takes effect with the next event; `{{ subject }}` and `{{ body }}` are the built-in words."""
    for field in ("subject", "body"):
        problem = template_problem(body[field])
        if problem:
            raise DomainProblem(422, "Unprocessable Content", f"{field}: {problem}", field=field)
    rt = service("notify")
    with rt.db.transaction() as session:
        template = session.merge(
            Template(
                tenant=principal().node_id,
                kind=_kind(kind),
                updated_at=rt.clock.now(),
                **body,
            )
        )
    return template


@blp.route("/<kind>", methods=["DELETE"])
@requires_role("committee")
@blp.response(204)
def delete_template(kind: str) -> None:
    """Back to the built-in words."""
    with service("notify").db.transaction() as session:
        template = session.get(Template, (principal().node_id, _kind(kind)))
        if template is None:
            raise not_found("template")
        session.delete(template)
