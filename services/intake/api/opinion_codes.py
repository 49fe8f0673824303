"""/intake/v1/opinion-codes: a station's QR codes, created, listed and revoked by its
county's or township's key, with the code's image to print."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Response
from flask_smorest import Blueprint
from sqlalchemy import select

from runtime.directory import Principal
from runtime.http import not_found, principal, requires_role, service
from runtime.problems import DomainProblem
from services.intake.api.opinion_schemas import CodeIn, CodeList, CodeOut, CodeQuery, RevokeIn
from services.intake.codes import issue_code, signer_for
from services.intake.domain.codes import CodeSigner
from services.intake.store import OpinionCode

blp = Blueprint(
    "opinion_codes",
    __name__,
    url_prefix="/opinion-codes",
    description="QR codes at the stations (扫码留言)",
)

MANAGERS = ("system", "committee")
FORM_PATH = "/console/o/{token}"
"""The public form the code opens (services/console/views/opinions_public.py)."""


def signer() -> CodeSigner:
    return signer_for(service("intake").settings)


def code_view(code: OpinionCode) -> dict[str, Any]:
    token = signer().token(code.id)
    return {
        "id": code.id,
        "station_id": code.station_id,
        "label": code.label,
        "contact_point_kind": code.contact_point_kind,
        "token": token,
        "link": service("intake").settings.api_base_url + FORM_PATH.format(token=token),
        "created_at": code.created_at,
        "revoked_at": code.revoked_at,
        "revoked_reason": code.revoked_reason,
    }


def _manager(who: Principal) -> None:
    """A county's or township's office manages its stations' codes."""
    place = service("intake").directory.node(who.node_id)
    if place is None or place.kind not in ("county", "township"):
        raise DomainProblem(
            403, "Forbidden", "QR codes are managed with a county's or a township's key."
        )


def _code_in_reach(who: Principal, code_id: str) -> OpinionCode:
    with service("intake").db.session() as session:
        code = session.get(OpinionCode, code_id)
    if code is None or not who.can_see(code.station_path):
        raise not_found("QR code")
    return code


@blp.route("", methods=["POST"])
@requires_role(*MANAGERS)
@blp.arguments(CodeIn)
@blp.response(201, CodeOut)
def create_code(body: dict[str, Any]) -> dict[str, Any]:
    """A new QR code for a station (one per poster); its token is signed."""
    who = principal()
    _manager(who)
    rt = service("intake")
    station = rt.directory.node(body["station_id"])
    if station is None or station.kind != "station" or not who.can_see(station.path):
        raise DomainProblem(
            422,
            "Invalid request",
            f"No station {body['station_id']} under your office.",
            field="station_id",
        )
    with rt.db.transaction() as session:
        code = issue_code(
            session,
            station,
            body["label"],
            body["contact_point_kind"],
            who.key_id,
            rt.clock.now(),
        )
    return code_view(code)


@blp.route("")
@requires_role(*MANAGERS, "reader")
@blp.arguments(CodeQuery, location="query")
@blp.response(200, CodeList)
def list_codes(query: dict[str, Any]) -> dict[str, Any]:
    """The QR codes under the key's office, revoked ones included."""
    who = principal()
    statement = select(OpinionCode).where(
        OpinionCode.station_path.startswith(who.node_path, autoescape=True)
    )
    if "station_id" in query:
        statement = statement.where(OpinionCode.station_id == query["station_id"])
    with service("intake").db.session() as session:
        codes = session.scalars(statement.order_by(OpinionCode.created_at, OpinionCode.id)).all()
    return {"items": [code_view(c) for c in codes]}


@blp.route("/<code_id>/revoke", methods=["POST"])
@requires_role(*MANAGERS)
@blp.arguments(RevokeIn)
@blp.response(200, CodeOut)
def revoke_code(body: dict[str, Any], code_id: str) -> dict[str, Any]:
    """Revoke a code (a poster torn down or copied): its token is refused from now on."""
    who = principal()
    _manager(who)
    code = _code_in_reach(who, code_id)
    rt = service("intake")
    with rt.db.transaction() as session:
        row = session.get(OpinionCode, code.id)
        assert row is not None
        if row.revoked_at is None:
            row.revoked_at, row.revoked_reason = rt.clock.now(), body["reason"] or None
        code = row
    return code_view(code)


@blp.route("/<code_id>/qr.svg")
@requires_role(*MANAGERS, "reader")
@blp.response(200, content_type="image/svg+xml")
def code_svg(code_id: str) -> Response:
    """The QR code as SVG, to print."""
    return _image(code_id, "svg", "image/svg+xml")


@blp.route("/<code_id>/qr.png")
@requires_role(*MANAGERS, "reader")
@blp.response(200, content_type="image/png")
def code_png(code_id: str) -> Response:
    """The QR code as PNG, to print."""
    return _image(code_id, "png", "image/png")


def _image(code_id: str, kind: str, media_type: str) -> Response:
    code = _code_in_reach(principal(), code_id)
    out = io.BytesIO()
    segno.make(code_view(code)["link"], error="m").save(out, kind=kind, scale=8, border=4)
    return Response(out.getvalue(), mimetype=media_type)
