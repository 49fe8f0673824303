"""Formal notices (通报) and notice-board lists (公示): issued by the committee, numbered,
notices told to their recipients, both printable (HTML and PDF) and kept in one archive
that can be searched by number, title, text, kind and date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from runtime.http import not_found, principal, requires_role, service
from runtime.idempotency import (
    REPLAYED,
    OptionalIdempotencyHeader,
    fingerprint_request,
    key_reused,
)
from runtime.problems import DomainProblem
from services.notify.api.access import recipient_field
from services.notify.config import NotifySettings
from services.notify.notices import issue, post_board, render, render_pdf
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


class BoardIn(Schema):
    title = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"example": "2026年第一季度代表履职积分公示"},
    )
    columns = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        validate=validate.Length(min=1, max=12),
        metadata={"example": ["代表", "积分"]},
    )
    rows = fields.List(
        fields.List(fields.String(validate=validate.Length(max=200))),
        required=True,
        validate=validate.Length(max=2000),
        metadata={"example": [["张三", "12"]]},
    )
    note = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "Printed under the title: the period, where to object…"},
    )

    @validates_schema
    def _rows_fit(self, data: dict[str, Any], **_: Any) -> None:
        width = len(data["columns"])
        for n, row in enumerate(data["rows"]):
            if len(row) != width:
                raise ValidationError(
                    f"{len(row)} cells; the table has {width} columns", f"rows.{n}"
                )


class NoticeOut(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "notice (通报) or board (公示栏)"})
    number = fields.String(metadata={"example": "450102〔2026〕1号"})
    title = fields.String()
    body = fields.String()
    figures = fields.List(fields.Nested(Figure))
    recipients = fields.List(fields.String(), metadata={"description": "As printed."})
    issuer = fields.String()
    issued_at = fields.AwareDateTime()
    columns = fields.List(fields.String(), allow_none=True, metadata={"description": "board"})
    rows = fields.List(fields.List(fields.String()), allow_none=True)
    href = fields.Function(lambda n: f"/notify/v1/notices/{n.id}/print")
    pdf = fields.Function(lambda n: f"/notify/v1/notices/{n.id}/pdf")


class NoticeQuery(Schema):
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "In the number, the title or the text."},
    )
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    kind = fields.String(load_default=None, validate=validate.OneOf(("notice", "board")))
    issued_from = fields.Date(load_default=None, metadata={"description": "local date, inclusive"})
    issued_to = fields.Date(load_default=None, metadata={"description": "local date, inclusive"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data["issued_from"], data["issued_to"]
        if start and end and start > end:
            raise ValidationError("after issued_to", "issued_from")


class NoticeList(Schema):
    items = fields.List(fields.Nested(NoticeOut))


Answer = tuple[Notice, int, dict[str, str]]


@blp.route("", methods=["POST"])
@requires_role("committee")
@blp.arguments(OptionalIdempotencyHeader, location="headers")
@blp.arguments(NoticeIn)
@blp.response(201, NoticeOut)
def issue_notice(headers: dict[str, str | None], body: dict[str, Any]) -> Answer:
    """Number it (the next of the tenant's year) and tell each recipient. Sent again with
    the same Idempotency-Key and body, the same notice is answered and nobody is told twice."""
    who = principal()
    rt = service("notify")
    key, fingerprint = headers["idempotency_key"], fingerprint_request(request.get_json())
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
            notice = issue(
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
            notice.idempotency_key, notice.request_hash = key, fingerprint
            return notice

    return _numbered(numbered, key, fingerprint)


@blp.route("", methods=["GET"])
@requires_role("committee", "reader", "system")
@blp.arguments(NoticeQuery, location="query")
@blp.response(200, NoticeList)
def search_notices(query: dict[str, Any]) -> dict[str, Any]:
    """The archive, newest first: `q` searches numbers, titles and texts; `year`, `kind`
    and the issue dates narrow."""
    where = [Notice.tenant_path.startswith(principal().node_path)]
    if query["q"]:
        like = f"%{query['q']}%"
        where.append(or_(Notice.title.like(like), Notice.body.like(like), Notice.number.like(like)))
    if query["year"]:
        where.append(Notice.year == query["year"])
    if query["kind"]:
        where.append(Notice.kind == query["kind"])
    zone = NotifySettings.from_env().zone
    if query["issued_from"]:
        start = datetime.combine(query["issued_from"], time(), zone)
        where.append(Notice.issued_at >= start)
    if query["issued_to"]:
        end = datetime.combine(query["issued_to"] + timedelta(days=1), time(), zone)
        where.append(Notice.issued_at < end)
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
    """The notice or board as a printable HTML page (A4; print from a browser)."""
    notice = _visible(notice_id)
    return Response(render(notice, _issued_on(notice)), mimetype="text/html")


@blp.route("/<notice_id>/pdf", methods=["GET"])
@requires_role("committee", "reader", "system")
@blp.response(200, content_type="application/pdf")
def notice_pdf(notice_id: str) -> Response:
    """The notice or board as an A4 PDF, to print, post or send as it is."""
    notice = _visible(notice_id)
    pdf = render_pdf(notice, _issued_on(notice), NotifySettings.from_env().notice_font)
    answer = Response(pdf, mimetype="application/pdf")
    answer.headers["Content-Disposition"] = f'inline; filename="{notice.id}.pdf"'
    return answer


def _issued_on(notice: Notice) -> str:
    day = notice.issued_at.astimezone(NotifySettings.from_env().zone)
    return f"{day.year}年{day.month}月{day.day}日"


@blp.route("/boards", methods=["POST"])
@requires_role("committee")
@blp.arguments(OptionalIdempotencyHeader, location="headers")
@blp.arguments(BoardIn)
@blp.response(201, NoticeOut)
def post_board_list(headers: dict[str, str | None], body: dict[str, Any]) -> Answer:
    """A public list for the stations' notice boards (公示栏) — quarterly duty points,
    project results, adopted opinions — from a title and a table: numbered, archived with
    the notices, printed the same way. An Idempotency-Key works as for a notice."""
    who = principal()
    rt = service("notify")
    key, fingerprint = headers["idempotency_key"], fingerprint_request(request.get_json())
    node = rt.directory.node(who.node_id)
    now = rt.clock.now()

    def numbered() -> Notice:
        with rt.db.transaction() as session:
            board = post_board(
                session,
                tenant=who.node_id,
                tenant_path=who.node_path,
                issuer=node.name if node else who.node_id,
                title=body["title"],
                columns=body["columns"],
                rows=body["rows"],
                note=body["note"],
                now=now,
                year=now.astimezone(NotifySettings.from_env().zone).year,
            )
            board.idempotency_key, board.request_hash = key, fingerprint
            return board

    return _numbered(numbered, key, fingerprint)


ATTEMPTS = 3


def _numbered(make: Callable[[], Notice], key: str | None, fingerprint: str) -> Answer:
    """Issue it once per Idempotency-Key (runtime.idempotency): a repeat is answered with the
    first, as it was (201, same number)."""
    failed = 0
    while True:
        first = _issued_with(key) if key else None
        if first is not None:
            if first.request_hash != fingerprint:
                raise key_reused()
            return first, 201, REPLAYED
        try:
            return make(), 201, {}
        except IntegrityError:
            # Another notice took the number at the same moment (this one takes the next),
            # or a concurrent repeat took the key (the next round answers with it).
            failed += 1
            if failed == ATTEMPTS:
                raise


def _issued_with(key: str) -> Notice | None:
    tenant = principal().node_id
    with service("notify").db.session() as session:
        return session.scalar(
            select(Notice).where(Notice.tenant == tenant, Notice.idempotency_key == key)
        )
