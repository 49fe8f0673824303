"""Suggestions: the lists, one suggestion's timeline, and every action on it."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from openpyxl import Workbook

from services.console import labels
from services.console.views.common import api, directory, expect, person, signed_in
from services.console.views.forms import ACTION_FIELDS, LIST_FIELDS, body_of

bp = Blueprint("suggestions", __name__)

FILTERS = ("tenant", "state", "category", "year")
COLOUR_ORDER = {"red": 0, "yellow": 1, "white": 2}
EXPORT_LIMIT = 500


def _query() -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in FILTERS}


def _listed(query: dict[str, str], limit: int, offset: int = 0) -> dict[str, Any]:
    page = expect(api().get("/workflow/v1/suggestions", limit=limit, offset=offset, **query))
    if person()["role"] == "unit":
        # A unit works by urgency: red first, then the nearest deadline.
        page["items"].sort(
            key=lambda s: (
                COLOUR_ORDER.get(s.get("colour") or "white", 3),
                s.get("deadline") or "9",
            )
        )
    return page


@bp.get("/suggestions")
@signed_in()
def listing() -> Any:
    query = _query()
    offset = max(request.args.get("offset", 0, type=int), 0)
    page = _listed(query, 50, offset)
    unit_colour = None
    if person()["role"] == "unit":
        unit_colour = expect(api().get(f"/workflow/v1/figures/units/{person()['subject']}/colour"))[
            "colour"
        ]
    return render_template(
        "suggestions.html",
        page=page,
        unit_colour=unit_colour,
        query=query,
        offset=offset,
        units=_unit_names(page["items"]),
        counties=_counties(),
    )


EXPORT_HEADER = ["编号", "标题", "类别", "状态", "主办单位", "答复期限", "颜色", "重点", "标记"]


def _export_rows() -> list[list[str]]:
    """The list as filtered, one row per suggestion, each cell safe for a spreadsheet."""
    items = _listed(_query(), EXPORT_LIMIT)["items"]
    units = _unit_names(items)
    rows = []
    for s in items:
        row = [
            s["number"],
            s["title"],
            labels.CATEGORIES.get(s["category"], s["category"]),
            labels.STATES.get(s["state"], s["state"]),
            units.get(s.get("lead_unit_id") or "", ""),
            s.get("deadline") or "",
            labels.COLOURS.get(s.get("colour") or "", ""),
            "是" if s.get("is_key") else "",
            " ".join(s.get("screening_flags") or []),
        ]
        rows.append([_cell(value) for value in row])
    return rows


def _cell(text: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.get("/suggestions.csv")
@signed_in()
def export_csv() -> Response:
    """UTF-8 with a BOM, so that Excel reads the Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(_export_rows())
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=suggestions.csv"},
    )


@bp.get("/suggestions.xlsx")
@signed_in()
def export_xlsx() -> Response:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("建议")
    sheet.append(EXPORT_HEADER)
    for row in _export_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=suggestions.xlsx"},
    )


@bp.get("/mine")
@signed_in("deputy")
def mine() -> Any:
    page = _listed({}, 100)
    points = expect(
        api().get(
            f"/scoring/v1/deputies/{person()['subject']}/points",
            limit=100,
            newest_first="true",
        )
    )
    return render_template(
        "mine.html",
        page=page,
        awaiting=[s for s in page["items"] if s["state"] == "replied" and not _rated(s)],
        points=points,
        units=_unit_names(page["items"]),
    )


def _rated(s: dict[str, Any]) -> bool:
    """Whether this deputy has rated the suggestion's current reply."""
    detail = expect(api().get(f"/workflow/v1/suggestions/{s['id']}"))
    return any(
        e["deputy_id"] == person()["subject"] and e["round"] == detail["round"]
        for e in detail["evaluations"]
    )


@bp.get("/suggestions/<suggestion_id>")
@signed_in()
def detail(suggestion_id: str) -> Any:
    return _detail_page(suggestion_id, {}, {}, 200)


@bp.post("/suggestions/<suggestion_id>/act/<action>")
@signed_in("committee", "unit", "deputy")
def act(suggestion_id: str, action: str) -> Any:
    if action not in ACTION_FIELDS:
        abort(404)
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().act(suggestion_id, action.replace("_", "-"), body_of(action, request.form), key)
    name = labels.ACTIONS[action]
    if answer.status in (401, 403, 404):
        expect(answer)
    if answer.status == 422:
        return _refused(suggestion_id, action, answer.field_errors())
    if not answer.ok:
        expect(answer)
    receipt = answer.body
    if receipt["status"] == "accepted":
        flash(f"{name}：已受理。", "ok")
    elif receipt["status"] == "rejected":
        return _refused(
            suggestion_id, action, {receipt.get("field") or "_": receipt.get("reason") or "未受理"}
        )
    else:
        flash(f"{name}：已提交，正在处理（回执 {receipt['id']}），请稍后刷新。", "pending")
    return redirect(url_for("suggestions.detail", suggestion_id=suggestion_id))


def _refused(suggestion_id: str, action: str, errors: dict[str, str]) -> tuple[str, int]:
    """The form again, as posted, each reason beside its field (or above the form when
    the rule concerns no field of it)."""
    shown: dict[str, str] = {}
    for name, reason in errors.items():
        where = name if name in ACTION_FIELDS[action] else "_"
        shown[where] = "；".join(filter(None, [shown.get(where), reason]))
    return _detail_page(suggestion_id, {action: shown}, request.form, 422)


def _detail_page(
    suggestion_id: str, errors: dict[str, dict[str, str]], form: Any, status: int
) -> tuple[str, int]:
    s = expect(api().get(f"/workflow/v1/suggestions/{suggestion_id}"))
    who = person()
    if who["role"] == "deputy":
        # Back to back: a proposer sees no other proposer's rating.
        s["evaluations"] = [e for e in s["evaluations"] if e["deputy_id"] == who["subject"]]
    names = _names(s)
    units = directory().units(s["tenant"]) if who["role"] == "committee" else []
    return (
        render_template(
            "suggestion.html",
            s=s,
            timeline=_timeline(s, names),
            names=names,
            forms=_forms(s, who),
            errors=errors,
            values=_values(s, errors, form),
            units=units,
            unit_choices=[(u.id, u.name) for u in units],
        ),
        status,
    )


def _forms(s: dict[str, Any], who: dict[str, Any]) -> list[str]:
    """The actions this person may take now; workflow still decides (the receipt says)."""
    state, role = s["state"], who["role"]
    if role == "committee":
        forms = []
        if state in ("submitted", "accepted"):
            forms.append("screen")
        if state in ("accepted", "assigned"):
            forms.append("assign")
        if state == "assigned" and s.get("extension_requested") and not s.get("extended"):
            forms.append("approve_extension")
        if state == "awaiting_meeting":
            forms.append("second_assign")
        if state in ("accepted", "assigned") and not s["is_key"]:
            forms.append("mark_key")
        if state in ("assigned", "replied", "awaiting_meeting"):
            forms.append("supervise")
        forms.append("set_publication")
        return forms
    if role == "unit":
        mine = [
            a
            for a in s["assignments"]
            if a["unit_id"] == who["subject"] and a["status"] == "active"
        ]
        forms = []
        if state == "assigned" and mine:
            if mine[0]["role"] == "lead":
                forms += ["record", "reply"]
                if not s.get("extension_requested"):
                    forms.append("request_extension")
            else:
                forms.append("co_input")
            forms.append("request_adjustment")
        if (
            state == "closed"
            and s["reply_class"] == "B"
            and not s["done_at"]
            and s["lead_unit_id"] == who["subject"]
        ):
            forms.append("report_done")
        return forms
    if role == "deputy" and state == "replied":
        rated = any(e["round"] == s["round"] for e in s["evaluations"])
        return [] if rated else ["evaluate"]
    return []


def _values(s: dict[str, Any], errors: dict[str, Any], form: Any) -> dict[str, dict[str, Any]]:
    """What each form shows: what was just posted to it, else the assignment forms start
    from the current assignment (the routing rule's choice, when it made one)."""
    active = [a for a in s["assignments"] if a["status"] == "active"]
    assignment = {
        "lead_unit_id": s.get("lead_unit_id") or "",
        "co_unit_ids": [a["unit_id"] for a in active if a["role"] == "co"],
    }
    values: dict[str, dict[str, Any]] = {"assign": assignment, "second_assign": assignment}
    for action in errors:
        values[action] = {
            name: form.getlist(name) if name in LIST_FIELDS else form.get(name, "")
            for name in ACTION_FIELDS[action]
        }
    return values


def _names(s: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for unit_id in {a["unit_id"] for a in s["assignments"]} | {
        r["unit_id"] for r in s["records"] + s["replies"]
    }:
        unit = directory().unit(unit_id)
        found[unit_id] = unit.name if unit else unit_id
    for deputy_id in [s["lead_deputy_id"], *s["cosigner_ids"]]:
        deputy = directory().deputy(deputy_id)
        found[deputy_id] = deputy.name if deputy else deputy_id
    return found


def _timeline(s: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """Every step, oldest first: when, what, who, and the deadline and colour it set."""
    steps: list[dict[str, Any]] = [
        {"at": s["submitted_at"], "what": "提交", "who": names.get(s["lead_deputy_id"], "")}
    ]
    if s["accepted_at"]:
        steps.append({"at": s["accepted_at"], "what": "立案", "who": "人大常委会工作机构"})
    for a in s["assignments"]:
        what = f"第{a['round']}轮交办（{labels.ASSIGNMENT_ROLES.get(a['role'], a['role'])}）"
        if a["status"] == "withdrawn":
            what += "，已撤回" + (f"：{a['adjust_reason']}" if a.get("adjust_reason") else "")
        steps.append(
            {
                "at": a["assigned_at"],
                "what": what,
                "who": names.get(a["unit_id"], a["unit_id"]),
                "deadline": a["deadline"],
                "colour": a["colour"] if a["status"] == "active" else None,
            }
        )
    for r in s["records"]:
        kind = labels.RECORD_KINDS.get(r["kind"], r["kind"])
        stage = labels.STAGES.get(r.get("stage") or "", "")
        steps.append(
            {
                "at": r["at"],
                "what": f"{kind}{'（' + stage + '）' if stage else ''}",
                "who": names.get(r["unit_id"], r["unit_id"]),
                "text": r["text"],
            }
        )
    for r in s["replies"]:
        steps.append(
            {
                "at": r["replied_at"],
                "what": f"答复：{labels.REPLY_CLASSES.get(r['reply_class'], r['reply_class'])}",
                "who": names.get(r["unit_id"], r["unit_id"]),
                "text": r["text"],
            }
        )
    for e in s["evaluations"]:
        steps.append(
            {
                "at": e["rated_at"],
                "what": "评价：态度"
                + labels.RATINGS.get(e["attitude"], e["attitude"])
                + "，结果"
                + labels.RATINGS.get(e["result"], e["result"]),
                "who": names.get(e["deputy_id"], e["deputy_id"]),
                "text": e.get("comment") or "",
            }
        )
    for m in s["meetings"]:
        steps.append({"at": m["held_on"], "what": "知情议政会", "who": "", "text": m["note"]})
    for o in s["supervision_opinions"]:
        steps.append({"at": o["at"], "what": "督办意见", "who": o["author"], "text": o["text"]})
    if s["closed_at"]:
        steps.append({"at": s["closed_at"], "what": "办结", "who": ""})
    if s["done_at"]:
        steps.append({"at": s["done_at"], "what": "办成", "who": ""})
    return sorted(steps, key=lambda step: str(step["at"]))


def _unit_names(items: list[dict[str, Any]]) -> dict[str, str]:
    found = {}
    for unit_id in {s.get("lead_unit_id") for s in items if s.get("lead_unit_id")}:
        unit = directory().unit(unit_id)
        found[unit_id] = unit.name if unit else unit_id
    return found


def _counties() -> list[tuple[str, str]]:
    """A city-level person chooses among the counties."""
    home = directory().node(person()["node"])
    if home is None or home.kind != "city":
        return []
    return [(c.id, c.name) for c in directory().children(home.id)]
