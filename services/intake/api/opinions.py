"""Opinions in: from the public form behind a station's QR code (no key), recorded by a
station, township, county or deputy (reception days, duty shifts, visits, message board,
WeChat group, photo reports), and every action on an opinion. Receipts as for all writes.

The constituent's name and phone are encrypted here, before anything is stored or
published; the stored submission keeps neither (ADR 0011).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_smorest import Blueprint

from contracts.contact import cipher, mask_phone
from contracts.opinion_actions import OPINION_ACTIONS
from runtime.directory import Principal
from runtime.http import principal, requires_role, service
from runtime.openapi import throttling
from runtime.problems import DomainProblem
from services.intake.api.opinion_codes import signer
from services.intake.api.opinion_schemas import (
    OpinionReceiptOut,
    PublicCodeOut,
    PublicOpinionIn,
    RecordedOpinionIn,
)
from services.intake.api.schemas import IdempotencyHeader, ReceiptOut
from services.intake.api.submissions import actor_of, submit
from services.intake.domain.codes import public_code
from services.intake.limits import take
from services.intake.store import OpinionCode, Submission

blp = Blueprint("opinions_in", __name__, url_prefix="/opinions", description="Opinions")
public_blp = Blueprint(
    "public_opinions_in",
    __name__,
    url_prefix="/public/opinions",
    description="The public form behind a station's QR code",
)

RECORDERS = ("system", "committee", "deputy")


def _contact(body: dict[str, Any]) -> dict[str, Any]:
    keys = cipher(service("intake").settings.contact_keys)
    name, phone = body.get("name"), body.get("phone")
    return {
        "name_encrypted": keys.encrypt(name.strip()) if name else None,
        "phone_encrypted": keys.encrypt(phone) if phone else None,
        "phone_masked": mask_phone(phone) if phone else None,
    }


def _without_contact(body: dict[str, Any], code: str) -> dict[str, Any]:
    """What the submission row keeps: the request without name and phone."""
    kept = {k: v for k, v in body.items() if k not in ("name", "phone")}
    return {**kept, "has_contact": bool(body.get("phone")), "public_code": code}


def _answer(answer: tuple[dict[str, Any], int, dict[str, str]], code: str) -> Any:
    body, status, headers = answer
    if "Idempotent-Replayed" in headers:
        with service("intake").db.session() as session:
            stored = session.get(Submission, body["id"])
            code = stored.payload.get("public_code", code) if stored else code
    return {**body, "public_code": code}, status, headers


def live_code(token: str) -> OpinionCode:
    """The QR code a token names; a forged, unknown or revoked one is one clear error."""
    code_id = signer().code_id(token)
    code = None
    if code_id is not None:
        with service("intake").db.session() as session:
            code = session.get(OpinionCode, code_id)
    if code is None or code.revoked_at is not None:
        raise DomainProblem(
            422,
            "Invalid request",
            "This QR code is not (or no longer) valid; scan the code at the station again.",
            field="code",
        )
    return code


@public_blp.route("/codes/<token>")
@public_blp.response(200, PublicCodeOut)
@public_blp.doc(security=[])
def describe_code(token: str) -> dict[str, Any]:
    """The station a QR code belongs to, for the public form."""
    code = live_code(token)
    station = service("intake").directory.node(code.station_id)
    return {
        "station_id": code.station_id,
        "station_name": station.name if station else code.station_id,
        "contact_point_kind": code.contact_point_kind,
    }


@public_blp.route("", methods=["POST"])
@public_blp.arguments(PublicOpinionIn)
@public_blp.response(202, OpinionReceiptOut)
@public_blp.doc(security=[])
def file_public_opinion(body: dict[str, Any]) -> Any:
    """Leave an opinion through a station's QR code, without an account. The same text
    from the same address and code within the folding window is one opinion."""
    rt = service("intake")
    settings = rt.settings
    code = live_code(body["code"])
    address = request.remote_addr or "unknown"
    take(
        {
            f"code:{code.id}": settings.opinion_rate_per_token,
            f"address:{address}": settings.opinion_rate_per_address,
        },
        settings.opinion_rate_window_seconds,
    )
    window = int(rt.clock.now().timestamp() // settings.opinion_fold_window_seconds)
    fold = hashlib.sha256(
        "\x1f".join([code.id, address, "".join(body["text"].split()), str(window)]).encode()
    ).hexdigest()
    g.principal = Principal(
        key_id="public-form",
        node_id=code.station_id,
        node_path=code.station_path,
        role="public",
    )
    new_code = public_code()
    return _answer(
        submit(
            kind="opinion",
            idempotency_key=f"fold:{fold}",
            tenant=code.tenant,
            tenant_path=code.station_path,
            event_name="opinion.submitted",
            event_data={
                "tenant": code.tenant,
                "station_id": code.station_id,
                "station_path": code.station_path,
                "contact_point_kind": code.contact_point_kind,
                "channel": "qr_code",
                "public_code": new_code,
                "text": body["text"],
                "urgency": "normal",
                "token_id": code.id,
                **_contact(body),
            },
            payload=_without_contact({"text": body["text"]}, new_code) | {"code_id": code.id},
            fingerprint=fold,
        ),
        new_code,
    )


throttling(file_public_opinion)


@blp.route("", methods=["POST"])
@requires_role(*RECORDERS)
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(RecordedOpinionIn)
@blp.response(202, OpinionReceiptOut)
def record_opinion(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Record an opinion taken at a reception day, a duty shift, a visit, a photo report,
    or from a station's message board or WeChat group."""
    who = principal()
    rt = service("intake")
    station = rt.directory.node(body["station_id"])
    if station is None or station.kind != "station" or not who.can_see(station.path):
        raise DomainProblem(
            422,
            "Invalid request",
            f"No station {body['station_id']} within your reach.",
            field="station_id",
        )
    deputy_id = who.subject if who.role == "deputy" else body.get("deputy_id")
    if body.get("deputy_id") and who.role == "deputy" and body["deputy_id"] != who.subject:
        raise DomainProblem(
            403, "Forbidden", f"This key records only as deputy {who.subject}.", field="deputy_id"
        )
    new_code = public_code()
    tenant = station.path.strip("/").split("/")[1]
    return _answer(
        submit(
            kind="opinion",
            idempotency_key=headers["idempotency_key"],
            tenant=tenant,
            tenant_path=station.path,
            event_name="opinion.submitted",
            event_data={
                "tenant": tenant,
                "station_id": station.id,
                "station_path": station.path,
                "contact_point_kind": body["contact_point_kind"],
                "channel": body["channel"],
                "public_code": new_code,
                "text": body["text"],
                "category": body["category"],
                "urgency": body["urgency"],
                "recorded_by": f"deputy:{deputy_id}" if deputy_id else f"{who.role}:{who.node_id}",
                **_contact(body),
            },
            payload=_without_contact(body, new_code),
        ),
        new_code,
    )


def _action_view(action: str, summary: str) -> Callable[..., Any]:
    def act(headers: dict[str, str], body: dict[str, Any], opinion_id: str) -> Any:
        who = principal()
        return submit(
            kind=f"opinion.{action}",
            idempotency_key=headers["idempotency_key"],
            tenant=who.node_id,
            tenant_path=who.node_path,
            event_name="opinion.action_requested",
            event_data={
                "opinion_id": opinion_id,
                "action": action,
                "actor": actor_of(who),
                "args": body,
            },
        )

    act.__name__ = f"opinion_{action}"
    act.__doc__ = f"{summary}\n\nAnswers 202 with a receipt; workflow settles it."
    return act


for _action, (_schema, _roles, _summary) in OPINION_ACTIONS.items():
    blp.route(f"/<opinion_id>/{_action.replace('_', '-')}", methods=["POST"])(
        requires_role(*_roles)(
            blp.arguments(IdempotencyHeader, location="headers")(
                blp.arguments(_schema)(
                    blp.response(202, ReceiptOut)(_action_view(_action, _summary))
                )
            )
        )
    )
