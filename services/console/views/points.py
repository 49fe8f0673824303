"""Duty points pages: the committee's ranking and flags for a place and period, and a
deputy's own statement (docs/domain.md §4)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from contracts.zone import SHANGHAI
from services.console.views.common import api, directory, expect, person, signed_in
from services.scoring.domain.points import ACTIVITY_LABELS

bp = Blueprint("points", __name__)


def _period() -> str:
    """The period asked for, or this year in China."""
    this_year = datetime.now(SHANGHAI).year
    return request.args.get("period", "").strip() or str(this_year)


def _names(ids: list[str]) -> dict[str, str]:
    return {d: p.name for d, p in directory().deputies(ids).items()}


@bp.get("/points")
@signed_in("committee", "reader")
def ranking() -> Any:
    """A congress's or township office's ranking, and (for a congress) who falls behind."""
    place_id = request.args.get("place", "").strip() or person()["node"]
    period = _period()
    ranked = expect(api().get("/scoring/v1/rankings", place=place_id, period=period))
    place = directory().node(place_id)
    flags = None
    if place and place.kind in ("city", "county"):
        flags = expect(api().get("/scoring/v1/flags", place=place_id, period=period))
    return render_template(
        "points.html",
        place=place,
        period=period,
        ranked=ranked,
        flags=flags,
        names=_names([i["deputy_id"] for i in ranked["items"]]),
    )


@bp.get("/my-points")
@signed_in("deputy")
def statement() -> Any:
    """The deputy's own statement for a year, quarter or month, by activity."""
    period = _period()
    found = expect(
        api().get(f"/scoring/v1/deputies/{person()['subject']}/statement", period=period)
    )
    return render_template("my_points.html", found=found, activities=ACTIVITY_LABELS)


ENTRY_FIELDS = ("deputy_id", "activity", "occurred_on", "duration_hours", "organiser", "office_id")
ORGANISERS = {"township": "乡镇（街道）", "county": "区县", "city": "市"}
RECORDED = list(ACTIVITY_LABELS)[:9]
"""What an office files; the rest is credited from events."""


def _entry_page(errors: dict[str, str], outcome: str | None, status: int = 200) -> Any:
    return (
        render_template(
            "activities.html",
            activities={a: ACTIVITY_LABELS[a] for a in RECORDED},
            organisers=ORGANISERS,
            errors=errors,
            outcome=outcome,
            form=request.form,
        ),
        status,
    )


def _outcome(answer: Any) -> Any:
    """The settled receipt as a message, or the form again with every reason."""
    if answer.status in (401, 403, 404):
        expect(answer)
    if answer.status == 422:
        return _entry_page(answer.field_errors(), None, 422)
    if not answer.ok:
        expect(answer)
    receipt = answer.body
    if receipt["status"] == "rejected":
        return _entry_page(
            {receipt.get("field") or "_": receipt.get("reason") or "未受理"}, None, 422
        )
    if receipt["status"] == "accepted":
        return _entry_page({}, "已记入积分。")
    return _entry_page({}, f"已提交，正在处理（回执 {receipt['id']}），请稍后查看。")


@bp.get("/activities")
@signed_in("committee")
def activities() -> Any:
    """A township office's (or the committee's) entry of deputies' duty activities."""
    return _entry_page({}, None)


@bp.post("/activities")
@signed_in("committee")
def file_activity() -> Any:
    body = {name: request.form.get(name, "").strip() for name in ENTRY_FIELDS}
    body = {name: value for name, value in body.items() if value}
    if request.form.get("note", "").strip():
        body["note"] = request.form["note"].strip()
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post("/intake/v1/duty-activities", body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    return _outcome(answer)


@bp.post("/activities/upload")
@signed_in("committee")
def upload_activities() -> Any:
    """A CSV or XLSX sheet: every row is filed, or (one bad row) none, with the lines named."""
    sheet = request.files.get("sheet")
    if sheet is None or not sheet.filename:
        return _entry_page({"sheet": "请选择 CSV 或 XLSX 文件。"}, None, 422)
    body = {
        "filename": sheet.filename,
        "content": base64.b64encode(sheet.read()).decode("ascii"),
    }
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post("/intake/v1/duty-activities/upload", body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    return _outcome(answer)


@bp.post("/points/publish")
@signed_in("committee")
def publish() -> Any:
    """Publish (and so freeze) a township's quarterly or a county's list for an ended period."""
    body = {
        "place_id": request.form.get("place", "").strip(),
        "period": request.form.get("period", "").strip(),
    }
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post("/intake/v1/points-lists", body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    if answer.status == 422:
        flash("未发布：" + "；".join(answer.field_errors().values()), "error")
    elif not answer.ok:
        expect(answer)
    elif answer.body["status"] == "rejected":
        flash("未发布：" + (answer.body.get("reason") or ""), "error")
    elif answer.body["status"] == "accepted":
        flash("已发布，公示后不再变动。", "ok")
    else:
        flash("已提交，正在处理，请稍后刷新。", "pending")
    return redirect(url_for("points.ranking", place=body["place_id"], period=body["period"]))


@bp.get("/public/points")
def public_lists() -> Any:
    """Published points lists, for everyone: a place's and those of the places below it."""
    place_id = request.args.get("place", "").strip()
    chosen = request.args.get("list", "").strip()
    lists = (
        expect(api().get("/scoring/v1/public/points-lists", place=place_id))["items"]
        if place_id
        else []
    )
    shown = expect(api().get(f"/scoring/v1/public/points-lists/{chosen}")) if chosen else None
    places = {item["place_id"]: directory().node(item["place_id"]) for item in lists}
    if shown:
        places[shown["place_id"]] = directory().node(shown["place_id"])
    return render_template(
        "public_points.html",
        place_id=place_id,
        lists=lists,
        shown=shown,
        names={k: v.name if v else k for k, v in places.items()},
    )


INTERVIEW_FIELDS = ("deputy_id", "period", "reason", "decided_on")


def _interviews_page(errors: dict[str, str], status: int = 200) -> Any:
    place_id = person()["node"]
    found = expect(api().get("/scoring/v1/interviews", place=place_id))["items"]
    return (
        render_template(
            "interviews.html",
            interviews=found,
            names=_names([i["deputy_id"] for i in found]),
            errors=errors,
            form=request.form,
        ),
        status,
    )


@bp.get("/interviews")
@signed_in("committee", "reader")
def interviews() -> Any:
    """The interviews (约谈) the working body decided, and (committee) the form to record one."""
    return _interviews_page({})


@bp.post("/interviews")
@signed_in("committee")
def decide_interview() -> Any:
    body = {name: request.form.get(name, "").strip() for name in INTERVIEW_FIELDS}
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post("/intake/v1/interviews", body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    if answer.status == 422:
        return _interviews_page(answer.field_errors(), 422)
    if not answer.ok:
        expect(answer)
    if answer.body["status"] == "rejected":
        reason = answer.body.get("reason") or "未受理"
        return _interviews_page({answer.body.get("field") or "_": reason}, 422)
    flash("约谈决定已记录，并已通知代表。", "ok")
    return redirect(url_for("points.interviews"))
