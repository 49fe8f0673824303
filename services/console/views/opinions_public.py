"""The page behind a station's QR code (扫码留言), no sign-in, no JavaScript: the station's
name, the opinion's text, optionally a name and a mobile number; the answer is a public
code, and the status page shows where the opinion stands by that code, nothing personal.

It posts through intake's public form endpoint like any client; the visitor's address
travels with the request so that intake's per-address limit counts each visitor."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from services.console.client import Api
from services.console.views.common import api, expect

bp = Blueprint("opinions_public", __name__)

FIELDS = ("text", "name", "phone")
PHOTOS_DOOR = "/intake/v1/public/opinions/with-photos"
"""The form posts as multipart/form-data, photos or not: one door for the page."""


@bp.get("/o/<token>")
def form(token: str) -> Any:
    station = api().get(f"/intake/v1/public/opinions/codes/{token}")
    if not station.ok:
        return _invalid_code()
    return render_template(
        "opinion_form.html", token=token, station=station.body, values={}, errors={}
    )


@bp.post("/o/<token>")
def leave(token: str) -> Any:
    station = api().get(f"/intake/v1/public/opinions/codes/{token}")
    if not station.ok:
        return _invalid_code()
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    body = {"code": token, **{k: v for k, v in values.items() if v or k == "text"}}
    photos = [
        ("photos", f.filename or "photo", f.mimetype or "application/octet-stream", f.read())
        for f in request.files.getlist("photos")
        if f.filename
    ]
    answer = api().post_form(
        PHOTOS_DOOR, body, photos, uuid.uuid4().hex, client_address=request.remote_addr
    )
    if answer.status == 202:
        flash("已收到您的意见。请记下查询码，凭码查看办理情况。", "ok")
        return redirect(url_for(".status", code=answer.body["public_code"]), 303)
    errors = _photo_errors(answer.field_errors())
    status = answer.status if answer.status in (413, 422, 429) else 502
    if answer.status == 429:
        errors = {"form": "提交太频繁，请稍后再试。"}
    elif not errors:
        errors = {"form": "暂时无法提交，请稍后再试。"}
    page = render_template(
        "opinion_form.html", token=token, station=station.body, values=values, errors=errors
    )
    response = make_response(page, status)
    if answer.status == 429:
        response.headers["Retry-After"] = "60"
    return response


@bp.get("/o/status")
def lookup() -> Any:
    code = request.args.get("code", "").strip().upper()
    if code:
        return redirect(url_for(".status", code=code), 303)
    return render_template("opinion_status.html", opinion=None, code="", pending=False)


@bp.get("/o/status/<code>")
def status(code: str) -> Any:
    answer = api().get(f"/workflow/v1/public/opinions/{code}")
    if answer.status == 404:
        # Unknown, or just filed and not yet in the register: the page says both.
        page = render_template("opinion_status.html", opinion=None, code=code, pending=True)
        return make_response(page, 404)
    return render_template("opinion_status.html", opinion=expect(answer), code=code, pending=False)


def _photo_errors(errors: dict[str, str]) -> dict[str, str]:
    """Intake names the photo (photos.1); the page has one photo field, the text says which."""
    shown = {k: v for k, v in errors.items() if not k.startswith("photos")}
    photos = [
        f"第{int(k.split('.')[1]) + 1}张照片：{v}" if "." in k else v
        for k, v in errors.items()
        if k.startswith("photos")
    ]
    if photos:
        shown["photos"] = "；".join(photos)
    return shown


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_: RequestEntityTooLarge) -> Any:
    """Over the console's own limit the body is not read at all, so the page comes back
    empty, saying why (the photos' limit is the intake door's)."""
    token = (request.view_args or {}).get("token", "")
    station = Api(current_app.extensions["console"]["send"]).get(
        f"/intake/v1/public/opinions/codes/{token}"
    )
    if not station.ok:
        return _invalid_code()
    limit = current_app.config["OPINION_PHOTO_MAX_BYTES"]
    errors = {
        "photos": f"照片太大，未能提交：最多3张，每张不超过{limit / 1_000_000:g} MB。请重新填写。"
    }
    page = render_template(
        "opinion_form.html", token=token, station=station.body, values={}, errors=errors
    )
    return make_response(page, 413)


def _invalid_code() -> Any:
    return make_response(render_template("opinion_invalid.html"), 404)
