"""Formal notices (通报): issued by the committee, numbered, told to their recipients,
printable, and kept in an archive that can be searched."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from runtime.http import not_found, principal, requires_role, service
from runtime.problems import DomainProblem
from services.notify.api.access import recipient_field
from services.notify.config import NotifySettings
from services.notify.notices import issue, render
from services.notify.recipients import recipient_name, recipient_path
from services.notify.store import Notice

blp = Blueprint("notices", __name__, url_prefix="/notices", description="Formal notices (通报)")


class Figure(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=100))
    value = fields.String(required=True, validate=validate.Length(min=1, max=100))


class NoticeIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    figures = fields.List(
        fields.Nested(Figure), load_default=list, validate=validate.Length(max=50)
    )
    recipients = fields.List(
        recipient_field(), required=True, validate=validate.Length(min=1, max=100)
    )


class NoticeOut(Schema):
    id = fields.String()
    number = fields.String(metadata={"example": "450102〔2026〕1号"})
    title = fields.String()
    body = fields.String()
    figures = fields.List(fields.Nested(Figure))
    recipients = fields.List(fields.String(), metadata={"description": "As printed."})
    issuer = fields.String()
    issued_at = fields.AwareDateTime()
    href = fields.Function(lambda n: f"/notify/v1/notices/{n.id}/print")


class NoticeQuery(Schema):
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class NoticeList(Schema):
    items = fields.List(fields.Nested(NoticeOut))


@blp.route("", methods=["POST"])
@requires_role("committee")
@blp.arguments(NoticeIn)
@blp.response(201, NoticeOut)
def issue_notice(body: dict[str, Any]) -> Notice:
    """Number it (the next of the tenant's year) and tell each recipient."""
    who = principal()
    rt = service("notify")
    names = []
    for n, recipient in enumerate(body["recipients"]):
        path = recipient_path(rt.directory, recipient)
        name = recipient_name(rt.directory, recipient)
        if path is None or name is None or not who.can_see(path):
            raise DomainProblem(
                422, "Unprocessable Content", f"No recipient {recipient}.", f"recipients.{n}"
            )
        names.append(name)
    node = rt.directory.node(who.node_id)
    now = rt.clock.now()
    year = now.astimezone(NotifySettings.from_env().zone).year

    def numbered() -> Notice:
        with rt.db.transaction() as session:
            return issue(
                session,
                rt.directory,
                tenant=who.node_id,
                tenant_path=who.node_path,
                issuer=node.name if node else who.node_id,
                title=body["title"],
                body=body["body"],
                figures=body["figures"],
                recipients=list(dict.fromkeys(body["recipients"])),
                recipient_names=list(dict.fromkeys(names)),
                now=now,
                year=year,
            )

    try:
        return numbered()
    except IntegrityError:
        # Another notice took the number at the same moment: this one takes the next.
        return numbered()


@blp.route("", methods=["GET"])
@requires_role("committee", "reader", "system")
@blp.arguments(NoticeQuery, location="query")
@blp.response(200, NoticeList)
def search_notices(query: dict[str, Any]) -> dict[str, Any]:
    """The archive, newest first: `q` searches titles and texts, `year` narrows."""
    where = [Notice.tenant_path.startswith(principal().node_path)]
    if query["q"]:
        like = f"%{query['q']}%"
        where.append(or_(Notice.title.like(like), Notice.body.like(like), Notice.number.like(like)))
    if query["year"]:
        where.append(Notice.year == query["year"])
    with service("notify").db.session() as session:
        items = list(
            session.scalars(
                select(Notice).where(*where).order_by(Notice.issued_at.desc()).limit(query["limit"])
            )
        )
    return {"items": items}


def _visible(notice_id: str) -> Notice:
    with service("notify").db.session() as session:
        notice = session.get(Notice, notice_id)
    if notice is None or not principal().can_see(notice.tenant_path):
        raise not_found("notice")
    return notice


@blp.route("/<notice_id>", methods=["GET"])
@requires_role("committee", "reader", "system")
@blp.response(200, NoticeOut)
def get_notice(notice_id: str) -> Notice:
    return _visible(notice_id)


@blp.route("/<notice_id>/print", methods=["GET"])
@requires_role("committee", "reader", "system")
@blp.response(200, content_type="text/html")
def print_notice(notice_id: str) -> Response:
    """The notice as a printable HTML page (A4; print or save as PDF from a browser)."""
    notice = _visible(notice_id)
    day = notice.issued_at.astimezone(NotifySettings.from_env().zone)
    page = render(notice, f"{day.year}年{day.month}月{day.day}日")
    return Response(page, mimetype="text/html")
