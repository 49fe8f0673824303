"""Constituents' opinions for the offices: the worklist by deadline, an opinion's record
with its whole route, the decisions of the office that holds it (resolve, forward,
escalate), a deputy's adoption of it as their suggestion, and the QR codes to print."""

from __future__ import annotations

import uuid
from typing import Any

import segno
from flask import Blueprint, flash, redirect, render_template, request, url_for

from services.console.views.common import api, directory, expect, person, signed_in

bp = Blueprint("opinions_staff", __name__)

DECISIONS = {
    "resolve": ("答复办结", ("reply",)),
    "forward": ("转办职能部门", ("unit_id", "note")),
    "escalate": ("上交上一级", ("reason",)),
}
ADOPT = ("采纳为代表建议", ("suggestion_id",))
"""A deputy's decision: the opinion follows the suggestion they lead that names it as its
source (filed by the county with source_opinion_id), and closes when it closes."""


@bp.get("/opinions")
@signed_in("committee", "reader", "unit")
def worklist() -> Any:
    state = request.args.get("state", "open")
    page = expect(api().get("/workflow/v1/opinions", state=state, limit=200))
    return render_template("opinions.html", page=page, state=state)


@bp.get("/opinions/<opinion_id>")
@signed_in("committee", "reader", "unit", "deputy")
def record(opinion_id: str) -> Any:
    return _record_page(opinion_id, {}, 200)


@bp.post("/opinions/<opinion_id>/act/<action>")
@signed_in("committee", "deputy")
def decide(opinion_id: str, action: str) -> Any:
    mine = {"adopt": ADOPT} if person()["role"] == "deputy" else DECISIONS
    if action not in mine:
        return _record_page(opinion_id, {"_": "没有这项操作。"}, 404)
    label, names = mine[action]
    body = {n: request.form.get(n, "").strip() for n in names if request.form.get(n, "").strip()}
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post(f"/intake/v1/opinions/{opinion_id}/{action}", body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    if answer.status == 422:
        return _record_page(opinion_id, answer.field_errors(), 422)
    receipt = expect(answer)
    if receipt["status"] == "rejected":
        return _record_page(opinion_id, {receipt.get("field") or "_": receipt["reason"]}, 422)
    flash(f"{label}：{'已受理' if receipt['status'] == 'accepted' else '已提交，正在处理'}。", "ok")
    return redirect(url_for(".record", opinion_id=opinion_id), 303)


def _record_page(opinion_id: str, errors: dict[str, str], status: int) -> tuple[str, int]:
    opinion = expect(api().get(f"/workflow/v1/opinions/{opinion_id}"))
    who = person()
    holds = (
        who["role"] == "committee"
        and who["node"] == opinion["holder_node_id"]
        and opinion["state"] == "open"
    )
    units = directory().units(opinion["tenant"]) if holds else []
    decisions = {
        name: label
        for name, (label, _) in DECISIONS.items()
        if holds
        and not (name == "escalate" and opinion["level"] == "county")
        and not (
            name == "forward" and opinion["level"] == "station" and opinion["urgency"] != "urgent"
        )
    }
    adoptable = _adoptable(opinion) if who["role"] == "deputy" else None
    page = render_template(
        "opinion_record.html",
        o=opinion,
        decisions=decisions,
        adoptable=adoptable,
        errors=errors,
        units=[(u.id, u.name) for u in units],
    )
    return page, status


def _adoptable(opinion: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The suggestions the signed-in deputy leads that were filed from this opinion (None:
    the opinion cannot be adopted now)."""
    if opinion["state"] != "open":
        return None
    listed = expect(api().get("/workflow/v1/suggestions", limit=200))["items"]
    return [
        (s["id"], f"{s.get('number') or ''} {s['title']}".strip())
        for s in listed
        if s.get("source_opinion_id") == opinion["id"]
        and s.get("lead_deputy_id") == person()["subject"]
    ]


@bp.get("/opinion-codes")
@signed_in("committee")
def codes() -> Any:
    listed = expect(api().get("/intake/v1/opinion-codes"))["items"]
    for code in listed:
        code["image"] = segno.make(code["link"], error="m").svg_data_uri(scale=4)
    stations = [
        node
        for township in directory().children(person()["node"])
        for node in directory().children(township.id)
    ]
    return render_template("opinion_codes.html", codes=listed, stations=stations)


@bp.post("/opinion-codes")
@signed_in("committee")
def new_code() -> Any:
    answer = api().post(
        "/intake/v1/opinion-codes",
        {"station_id": request.form.get("station_id", ""), "label": request.form.get("label", "")},
        str(uuid.uuid4()),
    )
    if answer.ok:
        flash("已生成二维码。", "ok")
    else:
        flash("；".join(answer.field_errors().values()) or "未能生成二维码。", "error")
    return redirect(url_for(".codes"), 303)
