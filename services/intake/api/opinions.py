"""Opinions in: from the public form behind a station's QR code (no key), recorded by a
station, township, county or deputy (reception days, duty shifts, visits, message board,
WeChat group, photo reports), and every action on an opinion. Receipts as for all writes.

The constituent's name and phone are encrypted here, before anything is stored or
published; the stored submission keeps neither (ADR 0011).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from contracts.opinion_actions import OPINION_ACTIONS
from runtime.config import Settings
from runtime.http import not_found, principal, requires_role, service, takes_upload
from runtime.idempotency import IdempotencyHeader, request_fingerprint
from runtime.openapi import throttling
from runtime.problems import DomainProblem
from services.intake.api.constituents import (
    as_public_form,
    fold,
    sealed_contact,
    visitor_address,
    with_public_code,
    without_contact,
    without_spaces,
)
from services.intake.api.opinion_codes import signer
from services.intake.api.opinion_schemas import (
    OpinionReceiptOut,
    PublicCodeOut,
    PublicOpinionFormIn,
    PublicOpinionIn,
    RecordedOpinionFormIn,
    RecordedOpinionIn,
)
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import actor_of, refuse_other_subject, submit
from services.intake.domain.codes import public_code
from services.intake.domain.photos import (
    MAX_PHOTOS,
    NAME_PATTERN,
    Photo,
    PhotoRefused,
    PhotoTooLarge,
    clean_photo,
    megabytes,
    upload_limit,
)
from services.intake.limits import take
from services.intake.photos import photo_storage
from services.intake.store import OpinionCode

blp = Blueprint("opinions_in", __name__, url_prefix="/opinions", description="Opinions")
public_blp = Blueprint(
    "public_opinions_in",
    __name__,
    url_prefix="/public/opinions",
    description="The public form behind a station's QR code",
)

RECORDERS = ("system", "committee", "deputy")


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
    """The station a QR code belongs to and its deputies, for the public form."""
    code = live_code(token)
    directory = service("intake").directory
    station = directory.node(code.station_id)
    return {
        "station_id": code.station_id,
        "station_name": station.name if station else code.station_id,
        "contact_point_kind": code.contact_point_kind,
        "deputies": [
            {"id": d.id, "name": d.name} for d in directory.station_deputies(code.station_id)
        ],
    }


PHOTOS = "photos"
"""The file field of the multipart doors (up to MAX_PHOTOS files)."""


def request_limit(settings: Settings) -> int:
    return upload_limit(settings.opinion_photo_max_bytes, settings.max_request_bytes)


def upload_explained(settings: Settings) -> str:
    return (
        f"up to {MAX_PHOTOS} photos of at most {megabytes(settings.opinion_photo_max_bytes)} each"
    )


def _photos_of_request() -> list[Photo]:
    """The uploaded photos, each decoded and re-encoded without metadata; the first file
    that is not a photo refuses the whole request, before anything is stored."""
    stray = [name for name in request.files if name != PHOTOS]
    stray += [name for name in request.form if name == PHOTOS]
    if stray:
        raise DomainProblem(
            422,
            "Invalid request",
            f"{stray[0]} is not a file field here; send the photos as files named {PHOTOS}.",
            field=stray[0],
            reason=f"unknown file field; photos go in {PHOTOS}",
        )
    uploads = [f for f in request.files.getlist(PHOTOS) if f.filename or f.content_length]
    if len(uploads) > MAX_PHOTOS:
        raise DomainProblem(
            422,
            "Invalid request",
            f"{len(uploads)} photos were sent; an opinion takes at most {MAX_PHOTOS}.",
            field=PHOTOS,
            reason=f"at most {MAX_PHOTOS} photos",
        )
    limit = service("intake").settings.opinion_photo_max_bytes
    photos = []
    for index, upload in enumerate(uploads):
        try:
            photos.append(clean_photo(upload.stream.read(limit + 1), limit))
        except PhotoRefused as refused:
            field = f"{PHOTOS}.{index}"
            label = f"Photo {index + 1} ({upload.filename or 'no name'})"
            raise DomainProblem(
                413 if isinstance(refused, PhotoTooLarge) else 422,
                "Content Too Large" if isinstance(refused, PhotoTooLarge) else "Invalid request",
                f"{label} {refused}; nothing was kept.",
                field=field,
                reason=str(refused),
            ) from None
    return photos


@contextmanager
def _kept(photos: list[Photo]) -> Iterator[list[dict[str, Any]]]:
    """Store the photos for the block, which files the opinion naming them; if it fails,
    they are removed again (and by `_drop_if_replayed` when an earlier submission
    answered: a retry, a folded repeat)."""
    storage = photo_storage(service("intake").settings)
    stored: list[Photo] = []
    try:
        for photo in photos:
            storage.put(photo.name, photo.data, photo.media_type)
            stored.append(photo)
        yield [photo.describe() for photo in photos]
    except BaseException:
        for photo in stored:
            storage.delete(photo.name)
        raise


def _drop_if_replayed(answer: Any, photos: list[Photo]) -> Any:
    """The first submission's photos stand; this request's copies go."""
    if "Idempotent-Replayed" in answer[2]:
        storage = photo_storage(service("intake").settings)
        for photo in photos:
            storage.delete(photo.name)
    return answer


def _throttled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Documents the 429 (rate limits); right under `route`, which reads the docs then."""
    throttling(view)
    return view


@public_blp.route("", methods=["POST"])
@_throttled
@public_blp.arguments(PublicOpinionIn)
@public_blp.response(202, OpinionReceiptOut)
@public_blp.doc(security=[])
def file_public_opinion(body: dict[str, Any]) -> Any:
    """Leave an opinion through a station's QR code, without an account. The same text
    from the same address and code within the folding window is one opinion. Photos go
    through `POST /public/opinions/with-photos`."""
    return _file_public(body, [])


@public_blp.route("/with-photos", methods=["POST"])
@_throttled
@takes_upload(request_limit, PHOTOS, upload_explained)
@public_blp.arguments(PublicOpinionFormIn, location="form", content_type="multipart/form-data")
@public_blp.response(202, OpinionReceiptOut)
@public_blp.doc(security=[])
def file_public_opinion_with_photos(body: dict[str, Any]) -> Any:
    """The same, as `multipart/form-data` with up to 3 photos (files named `photos`), as
    the page behind the QR code sends it. Each photo must decode as a JPEG, PNG or WebP
    image and be at most RENDA_OPINION_PHOTO_MAX_BYTES (413 naming `photos.N` if larger,
    422 if it is not such an image); it is kept without its metadata (EXIF location).
    A refused photo refuses the whole opinion: nothing is kept."""
    return _file_public(body, None)


def _file_public(body: dict[str, Any], photos: list[Photo] | None) -> Any:
    rt = service("intake")
    settings = rt.settings
    code = live_code(body["code"])
    address = visitor_address()
    take(
        {
            f"code:{code.id}": settings.opinion_rate_per_token,
            f"address:{address}": settings.opinion_rate_per_address,
        },
        settings.opinion_rate_window_seconds,
    )
    # Decoding photos is the costly part: only once the limits let the request in.
    photos = _photos_of_request() if photos is None else photos
    folded = fold(code.id, address, without_spaces(body["text"]))
    as_public_form(code.station_id, code.station_path)
    new_code = public_code()
    with _kept(photos) as described:
        answer = submit(
            kind="opinion",
            idempotency_key=f"fold:{folded}",
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
                "photos": described,
                **sealed_contact(body),
            },
            payload=without_contact({"text": body["text"], "photos": described}, new_code)
            | {"code_id": code.id},
            fingerprint=folded,
        )
    return with_public_code(_drop_if_replayed(answer, photos), new_code)


@public_blp.route("/photos/<name>")
@public_blp.alt_response(404, response="NOT_FOUND")
@public_blp.doc(
    security=[],
    responses={
        200: {
            "description": "the photo, without metadata",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in (
                    "image/jpeg",
                    "image/png",
                    "image/webp",
                )
            },
        }
    },
)
def photo(name: str) -> Response:
    """An opinion's photo, as kept: re-encoded without EXIF (no location). Its name is
    random and appears only in the opinion's record and status page."""
    data = None
    if re.fullmatch(NAME_PATTERN, name):
        data = photo_storage(service("intake").settings).get(name)
    if data is None:
        raise not_found("photo")
    media = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
    response = Response(data, mimetype=media[name.rsplit(".", 1)[1]])
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("", methods=["POST"])
@requires_role(*RECORDERS)
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(RecordedOpinionIn)
@blp.response(202, OpinionReceiptOut)
def record_opinion(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Record an opinion taken at a reception day, a duty shift, a visit, or from a
    station's message board or WeChat group. A deputy's photo report (随手拍) comes with
    its photos through `POST /opinions/with-photos`."""
    return _record(headers, body, [])


@blp.route("/with-photos", methods=["POST"])
@takes_upload(request_limit, PHOTOS, upload_explained)
@requires_role(*RECORDERS)
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(RecordedOpinionFormIn, location="form", content_type="multipart/form-data")
@blp.response(202, OpinionReceiptOut)
def record_opinion_with_photos(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """The same as `multipart/form-data` with up to 3 photos (files named `photos`): a
    deputy's photo report (随手拍: photos, place, text), or any record with photos. The
    photos are checked and kept as on the public form."""
    return _record(headers, body, None)


def _record(headers: dict[str, str], body: dict[str, Any], photos: list[Photo] | None) -> Any:
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
    refuse_other_subject(who, body)
    photos = _photos_of_request() if photos is None else photos
    if body["channel"] == "photo_report" and not (photos and body.get("place")):
        missing = "place" if photos else PHOTOS
        raise DomainProblem(
            422,
            "Invalid request",
            "A photo report (随手拍) has its photos, the place and the text: send it as "
            "multipart/form-data to /intake/v1/opinions/with-photos.",
            field=missing,
            reason="a photo report needs photos and a place",
        )
    deputy_id = who.subject if who.role == "deputy" else body.get("deputy_id")
    new_code = public_code()
    tenant = station.path.strip("/").split("/")[1]
    with _kept(photos) as described:
        answer = submit(
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
                "place": body.get("place"),
                "photos": described,
                "recorded_by": f"deputy:{deputy_id}" if deputy_id else f"{who.role}:{who.node_id}",
                **sealed_contact(body),
            },
            payload=without_contact(body, new_code) | {"photos": described},
            # The stored payload has a new public code and photo names each time: the
            # fingerprint is taken over the fields and the photos' content, so a retry
            # replays. Name and phone stay out of it (a hash of a phone is no secret).
            fingerprint=_fingerprint(body, photos),
        )
    return with_public_code(_drop_if_replayed(answer, photos), new_code)


def _fingerprint(body: dict[str, Any], photos: list[Photo]) -> str:
    digests = [hashlib.sha256(photo.data).hexdigest() for photo in photos]
    fields = {k: v for k, v in body.items() if k not in ("name", "phone", "photos")}
    return request_fingerprint(
        {"method": request.method, "path": request.path, "body": fields, "photos": digests}
    )


def _action_view(action: str, summary: str) -> Callable[..., Any]:
    def act(headers: dict[str, str], body: dict[str, Any], opinion_id: str) -> Any:
        who = principal()
        refuse_other_subject(who, body)
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
