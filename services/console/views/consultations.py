"""Consultations on draft laws (docs/domain.md §8) in the console.

For everyone, without sign-in or JavaScript and at phone size: the drafts for comment,
each one's page article by article (printable for a contact point's board) with the
form to leave an opinion, and once answered the outcome per article; an opinion's
status by its public code. For the committee: the plan, the contact points' reports side
by side, and the legislature's answer. For a contact point (a committee account at a
station): its opinions, forums and visits, merging duplicates, and its report. Every write
goes through intake with an Idempotency-Key, as a county system's would.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from runtime.pdf import font_path_from_env
from services.console.client import Answer
from services.console.views.common import api, directory, expect, person, signed_in
from services.workflow.consultations import printing
from services.workflow.domain.calendar import local_date

bp = Blueprint("consultations", __name__)

# Channels and adoptions named as the report's PDF names them.
ADOPTIONS, CHANNELS = printing.ADOPTION_NAMES, printing.CHANNEL_NAMES
STATES = {"received": "已收到", "merged": "已合并", "submitted": "已报送", "answered": "已反馈"}


# The public pages.


@bp.get("/c")
def drafts() -> Any:
    listed = expect(api().get("/workflow/v1/public/consultations"))
    return render_template("consultation_drafts.html", drafts=listed["items"])


@bp.get("/c/<consultation_id>")
def public_page(consultation_id: str) -> Any:
    return _public(consultation_id, {}, {}, 200)


@bp.post("/c/<consultation_id>")
def leave(consultation_id: str) -> Any:
    values = {
        n: request.form.get(n, "").strip()
        for n in ("station_id", "article", "text", "name", "phone")
    }
    body: dict[str, Any] = {k: v for k, v in values.items() if v and k != "article"}
    body.setdefault("text", "")
    if values["article"]:
        body["article"] = (
            int(values["article"]) if values["article"].isdigit() else values["article"]
        )
    answer = api().post(
        f"/intake/v1/public/consultations/{consultation_id}/opinions",
        body,
        uuid.uuid4().hex,
        client_address=request.remote_addr,
    )
    if answer.status == 202:
        flash("已收到您的意见。请记下查询码，凭码查看采纳情况。", "ok")
        return redirect(url_for(".status", code=answer.body["public_code"]), 303)
    errors = answer.field_errors()
    if answer.status == 429:
        errors = {"form": "提交太频繁，请稍后再试。"}
    elif answer.status == 404:
        errors = {"form": "没有这份征求意见稿。"}
    elif "deadline" in errors:
        errors = {"form": "征求意见已截止，不再接收意见。"}
    elif not errors:
        errors = {"form": "暂时无法提交，请稍后再试。"}
    status = answer.status if answer.status in (404, 422, 429) else 502
    response = make_response(_public(consultation_id, values, errors, status))
    if answer.status == 429:
        response.headers["Retry-After"] = "60"
    return response


def _public(
    consultation_id: str, values: dict[str, str], errors: dict[str, str], status: int
) -> Any:
    answer = api().get(f"/workflow/v1/public/consultations/{consultation_id}")
    if answer.status == 404:
        abort(404, "没有这份征求意见稿。")
    draft = expect(answer)
    page = render_template(
        "consultation_public.html",
        c=draft,
        values=values,
        errors=errors,
        adoptions=ADOPTIONS,
    )
    return make_response(page, status)


@bp.get("/c/status")
def lookup() -> Any:
    code = request.args.get("code", "").strip().upper()
    if code:
        return redirect(url_for(".status", code=code), 303)
    return render_template(
        "consultation_status.html", o=None, code="", states=STATES, adoptions=ADOPTIONS
    )


@bp.get("/c/status/<code>")
def status(code: str) -> Any:
    answer = api().get(f"/workflow/v1/public/consultations/opinions/{code}")
    if answer.status in (404, 422):
        page = render_template(
            "consultation_status.html", o=None, code=code, states=STATES, adoptions=ADOPTIONS
        )
        return make_response(page, 404)
    return render_template(
        "consultation_status.html", o=expect(answer), code=code, states=STATES, adoptions=ADOPTIONS
    )


# The committee's and the contact points' pages.


def _is_point() -> bool:
    """A committee account at a station is that legislative contact point's office."""
    node = directory().node(person()["node"])
    return node is not None and node.kind == "station"


def _stations(node_id: str) -> list[Any]:
    return [
        station
        for township in directory().children(node_id)
        for station in directory().children(township.id)
        if station.kind == "station"
    ]


@bp.get("/consultations")
@signed_in("committee", "reader")
def listing() -> Any:
    listed = expect(api().get("/workflow/v1/consultations"))
    year = date.today().year
    figures = api().get("/workflow/v1/consultations/figures", year=year)
    return render_template(
        "consultations.html",
        items=listed["items"],
        figures=figures.body if figures.ok else None,
        year=year,
        may_plan=person()["role"] == "committee" and not _is_point(),
        stations=[] if _is_point() else _stations(person()["node"]),
        values={},
        errors={},
    )


@bp.post("/consultations")
@signed_in("committee")
def plan() -> Any:
    form = request.form
    chosen = form.getlist("station_id")
    paragraphs = [p.strip() for p in form.get("articles", "").replace("\r", "").split("\n\n")]
    body = {
        "title": form.get("title", "").strip(),
        "issuing_body": form.get("issuing_body", "").strip(),
        "deadline": form.get("deadline", "").strip(),
        "articles": [
            {"heading": f"第{n}条", "text": text}
            for n, text in enumerate((p for p in paragraphs if p), start=1)
        ],
        "contact_points": [
            {
                "station_id": s,
                "deputy_ids": [
                    d
                    for d in form.get(f"deputies_{s}", "").replace("，", ",").split(",")
                    if d.strip()
                ],
            }
            for s in chosen
        ],
        "questions": [q.strip() for q in form.get("questions", "").splitlines() if q.strip()],
    }
    body["contact_points"] = [
        {**p, "deputy_ids": [d.strip() for d in p["deputy_ids"]]} for p in body["contact_points"]
    ]
    receipt, errors = _write("/intake/v1/consultations", body)
    if errors:
        listed = expect(api().get("/workflow/v1/consultations"))
        page = render_template(
            "consultations.html",
            items=listed["items"],
            figures=None,
            year=date.today().year,
            may_plan=True,
            stations=_stations(person()["node"]),
            values=form,
            errors=errors,
        )
        return make_response(page, 422)
    flash(f"征求意见稿已发布，编号 {receipt['resource']['number']}。", "ok")
    return redirect(url_for(".detail", consultation_id=receipt["resource"]["id"]), 303)


def _write(path: str, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Post through intake and wait for the receipt: the receipt, or the errors by field."""
    answer: Answer = api().post(
        path, body, request.form.get("idempotency_key") or str(uuid.uuid4())
    )
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    if answer.status == 422:
        return {}, answer.field_errors() or {"_": "提交的内容有误。"}
    receipt = expect(answer)
    if receipt["status"] == "rejected":
        return receipt, {receipt.get("field") or "_": receipt["reason"]}
    if receipt["status"] != "accepted":
        return receipt, {"_": "已提交，正在处理，请稍后刷新。"}
    return receipt, {}


@bp.get("/consultations/<consultation_id>")
@signed_in("committee", "reader")
def detail(consultation_id: str) -> Any:
    return _detail(consultation_id, {}, 200)


def _detail(consultation_id: str, errors: dict[str, str], status: int) -> Any:
    c = expect(api().get(f"/workflow/v1/consultations/{consultation_id}"))
    reports = expect(api().get(f"/workflow/v1/consultations/{consultation_id}/reports"))["items"]
    point = _is_point()
    mine = person()["node"] if point else None
    page = render_template(
        "consultation.html",
        c=c,
        reports=reports,
        point=mine,
        reported={r["station_id"] for r in reports},
        may_answer=person()["role"] == "committee" and not point,
        may_collect=person()["role"] == "committee" and point,
        received=[o for o in c["opinions"] if o["state"] == "received"],
        submitted=[o for o in c["opinions"] if o["state"] == "submitted"],
        errors=errors,
        adoptions=ADOPTIONS,
        states=STATES,
        channels=CHANNELS,
        today=date.today().isoformat(),
    )
    return make_response(page, status)


ACTIONS = {
    "record-gathering": "座谈走访已登记",
    "merge": "重复意见已合并",
    "report": "意见报告已报送",
    "answer": "采纳情况已记录，已告知留下手机号的群众",
    "record-opinion": "代表意见已登记",
}


@bp.post("/consultations/<consultation_id>/<action>")
@signed_in("committee")
def act(consultation_id: str, action: str) -> Any:
    if action not in ACTIONS:
        return _detail(consultation_id, {"_": "没有这项操作。"}, 404)
    form = request.form
    body: dict[str, Any]
    if action == "record-gathering":
        opinions = []
        for line in form.get("opinions", "").splitlines():
            head, sep, text = line.partition("：") if "：" in line else line.partition(":")
            if not line.strip():
                continue
            if sep and head.strip().isdigit():
                opinions.append({"article": int(head.strip()), "text": text.strip()})
            else:
                opinions.append({"article": None, "text": line.strip()})
        participants = form.get("participants", "").strip()
        body = {
            "station_id": person()["node"],
            "kind": form.get("kind", ""),
            "held_on": form.get("held_on", ""),
            "participants": int(participants) if participants.isdigit() else participants,
            "note": form.get("note", "").strip(),
            "opinions": opinions,
        }
    elif action == "merge":
        body = {"opinion_id": form.get("opinion_id", ""), "into_id": form.get("into_id", "")}
    elif action == "report":
        body = {"station_id": person()["node"], "summary": form.get("summary", "").strip()}
    elif action == "record-opinion":
        article = form.get("article", "").strip()
        body = {
            "station_id": person()["node"],
            "deputy_id": form.get("deputy_id", "").strip(),
            "text": form.get("text", "").strip(),
            "article": int(article) if article.isdigit() else None,
        }
    else:
        body = {
            "outcomes": [
                {
                    "opinion_id": opinion_id,
                    "adoption": form.get(f"adoption_{opinion_id}"),
                    "reason": form.get(f"reason_{opinion_id}", "").strip(),
                }
                for opinion_id in form.getlist("opinion_id")
                if form.get(f"adoption_{opinion_id}")
            ]
        }
    _, errors = _write(f"/intake/v1/consultations/{consultation_id}/{action}", body)
    if errors:
        return _detail(consultation_id, errors, 422)
    flash(ACTIONS[action] + "。", "ok")
    return redirect(url_for(".detail", consultation_id=consultation_id), 303)


@bp.get("/consultations/<consultation_id>/reports/<report_id>")
@signed_in("committee", "reader")
def report(consultation_id: str, report_id: str) -> Any:
    """The numbered report, printable, with a link to its PDF."""
    r = expect(api().get(f"/workflow/v1/consultations/{consultation_id}/reports/{report_id}"))
    return render_template("consultation_report.html", r=r, channels=CHANNELS, adoptions=ADOPTIONS)


@bp.get("/consultations/<consultation_id>/reports/<report_id>/pdf")
@signed_in("committee", "reader")
def report_pdf(consultation_id: str, report_id: str) -> Response:
    """Workflow's PDF of the report (the same as the API's), drawn here from what the API
    gives this person, as the notices' PDF is."""
    r = expect(api().get(f"/workflow/v1/consultations/{consultation_id}/reports/{report_id}"))
    day = local_date(datetime.fromisoformat(r["submitted_at"]))
    answer = Response(printing.report_pdf(r, day, font_path_from_env()), mimetype="application/pdf")
    answer.headers["Content-Disposition"] = f'inline; filename="{r["number"]}.pdf"'
    return answer
