"""Review pages (docs/domain.md §5): a congress's rounds, a round's score entry by rater
group and its on-site announcement screen; and the stars pages (duty stars, station stars)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from contracts.zone import SHANGHAI
from services.console.labels import RATINGS
from services.console.views.common import api, directory, expect, person, signed_in

bp = Blueprint("reviews", __name__)

MODELS = {
    "staged": "分阶段计分（马山）",
    "two_votes": "两次满意度测评（青秀）",
    "written": "书面评议",
    "onsite": "现场无记名打分（督办会）",
}
SUBJECTS = {"official": "述职评议", "department": "工作评议", "unit": "督办会承办单位测评"}
NEXT = {"rectify": "整改", "repeat": "诫勉谈话、再行报告", "refer": "提请党委处理"}
STAGES = {
    "preliminary": "初查",
    "investigation": "调查组",
    "onsite": "现场评议",
    "rectification": "整改",
}
COMMANDS = {
    "stage": ("stage", "score"),
    "ballots": ("group", "scores"),
    "votes": ("question", "satisfied", "basically", "dissatisfied"),
    "written": ("score",),
    "opinion": ("approved_on", "sent_to"),
    "announce": ("opinion_received_on",),
    "plan_received": ("received_on",),
    "report_received": ("received_on",),
    "talk": ("held_on", "held_by", "note"),
}
"""What each form of the round's page sends: the intake command and its fields."""
NUMBERS = ("satisfied", "basically", "dissatisfied")
SENT_TO = {
    "government": "政府",
    "organisation": "组织部门",
    "discipline": "纪检监察机关",
    "unit": "被评议对象所在单位",
}
SPLIT = re.compile(r"[\s,，、;；]+")


def _labels() -> dict[str, Any]:
    return {
        "models": MODELS,
        "subjects": SUBJECTS,
        "grades": RATINGS,
        "next_steps": NEXT,
        "stages": STAGES,
        "sent_to": SENT_TO,
    }


def _groups(text: str) -> dict[str, str] | str:
    """`committee 50` lines as rater group → weight; the raw text if a line is not that,
    for the API to refuse with its field named."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = SPLIT.split(line.strip())
        if len(parts) != 2:
            return text
        found[parts[0]] = parts[1]
    return found


def _rounds_page(errors: dict[str, str], status: int = 200) -> Any:
    found = expect(api().get("/scoring/v1/reviews", place=person()["node"]))["items"]
    return (
        render_template(
            "reviews.html",
            rounds=found,
            errors=errors,
            form=request.form,
            **_labels(),
        ),
        status,
    )


@bp.get("/reviews")
@signed_in("committee", "reader")
def rounds() -> Any:
    """The congress's review rounds, and (committee) the form to open one."""
    return _rounds_page({})


def _settle(path: str, body: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    """Send through intake and wait for the receipt: (its body, or None; the errors)."""
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post(path, body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    if answer.status == 422:
        return None, answer.field_errors()
    if not answer.ok:
        expect(answer)
    if answer.body["status"] == "rejected":
        return None, {answer.body.get("field") or "_": answer.body.get("reason") or "未受理"}
    return answer.body, {}


@bp.post("/reviews")
@signed_in("committee")
def open_round() -> Any:
    form = request.form
    body: dict[str, Any] = {
        name: form.get(name, "").strip() for name in ("model", "subject", "official", "post")
    }
    if form.get("unit_id", "").strip():
        body["unit_id"] = form["unit_id"].strip()
    if form.get("groups", "").strip():
        body["groups"] = _groups(form["groups"])
    receipt, errors = _settle("/intake/v1/reviews", body)
    if errors:
        return _rounds_page(errors, 422)
    if receipt["status"] != "accepted":
        flash("已提交，正在处理，请稍后刷新。", "pending")
        return redirect(url_for("reviews.rounds"))
    return redirect(url_for("reviews.round_page", round_id=receipt["resource"]["id"]))


def _round(round_id: str) -> dict[str, Any]:
    return expect(api().get(f"/scoring/v1/reviews/{round_id}"))


def _round_page(round_id: str, errors: dict[str, str], status: int = 200) -> Any:
    return (
        render_template(
            "review.html",
            r=_round(round_id),
            errors=errors,
            form=request.form,
            **_labels(),
        ),
        status,
    )


@bp.get("/reviews/<round_id>")
@signed_in("committee", "reader")
def round_page(round_id: str) -> Any:
    """A round: its scores so far and (committee) score entry by rater group, the votes or
    the written score, the announcement, and the rectification's plan and report."""
    return _round_page(round_id, {})


@bp.post("/reviews/<round_id>/<command>")
@signed_in("committee")
def command(round_id: str, command: str) -> Any:
    if command not in COMMANDS:
        return _round_page(round_id, {"_": "没有这项操作。"}, 404)
    body: dict[str, Any] = {}
    for name in COMMANDS[command]:
        value = request.form.get(name, "").strip()
        if name == "sent_to":
            body[name] = request.form.getlist(name)
            continue
        if name == "scores":
            body[name] = [s for s in SPLIT.split(value) if s]
        elif name in NUMBERS:
            body[name] = int(value) if value.isdigit() else value
        else:
            body[name] = value
    receipt, errors = _settle(f"/intake/v1/reviews/{round_id}/{command}", body)
    if errors:
        return _round_page(round_id, errors, 422)
    if receipt["status"] == "accepted":
        flash("已记录。", "ok")
    else:
        flash("已提交，正在处理，请稍后刷新。", "pending")
    return redirect(url_for("reviews.round_page", round_id=round_id))


@bp.get("/reviews/<round_id>/screen")
@signed_in("committee", "reader")
def screen(round_id: str) -> Any:
    """The on-site announcement screen (当场公布): the scores once announced, never a rater;
    it refreshes itself while the sitting scores."""
    return render_template("review_screen.html", r=_round(round_id), **_labels())


def _year() -> str:
    this_year = datetime.now(SHANGHAI).year
    return request.args.get("year", "").strip() or str(this_year)


@bp.get("/stars")
@signed_in("committee", "reader")
def stars() -> Any:
    """Duty stars (履职之星): the proposal from the year's ranking and the stars confirmed;
    station stars (星级评定) of the county's centres and stations for the year."""
    place_id = person()["node"]
    year = _year()
    place = directory().node(place_id)
    proposal = confirmed = rating = None
    if place and place.kind in ("city", "county"):
        proposal = expect(api().get("/scoring/v1/duty-stars/proposal", place=place_id, year=year))
        held = api().get(f"/scoring/v1/duty-stars/{place_id}-{year}")
        confirmed = held.body if held.ok else None
    if place and place.kind == "county":
        rated = api().get(f"/scoring/v1/station-ratings/{place_id}-{year}")
        rating = rated.body if rated.ok else None
    ids = [i["deputy_id"] for i in (proposal or {"items": []})["items"]]
    ids += [i["deputy_id"] for i in (confirmed or {"items": []})["items"]]
    units = {
        i["node_id"]: directory().node(i["node_id"]) for i in (rating or {"items": []})["items"]
    }
    return render_template(
        "stars.html",
        place=place,
        year=year,
        proposal=proposal,
        confirmed=confirmed,
        rating=rating,
        names={d: p.name for d, p in directory().deputies(ids).items()},
        nodes={n: node.name if node else n for n, node in units.items()},
    )


@bp.post("/stars")
@signed_in("committee")
def confirm_stars() -> Any:
    """The committee confirms the deputies it chose (ticked from the proposal)."""
    year = request.form.get("year", "").strip()
    body = {
        "place_id": person()["node"],
        "year": int(year) if year.isdigit() else year,
        "deputy_ids": request.form.getlist("deputy_ids"),
    }
    receipt, errors = _settle("/intake/v1/duty-stars", body)
    if errors:
        flash("未确认：" + "；".join(errors.values()), "error")
    elif receipt["status"] == "accepted":
        flash("履职之星已确认。", "ok")
    else:
        flash("已提交，正在处理，请稍后刷新。", "pending")
    return redirect(url_for("reviews.stars", year=year))
