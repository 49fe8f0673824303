"""The livelihood projects' pages (民生实事). Public, no sign-in: a congress's projects and
their progress, an elected project's notice board, a vote's result and its verifiable
board, the quarterly notice or half-year report and the best units (all printable for the
stations' boards). Signed in: the committee's project list and each project's trail
through 四方联荐, its supervision group, progress entry, problem reports and answers; a
unit's progress entry; a deputy's supervision tasks."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from services.console.views.common import api, expect, person, signed_in
from services.console.views.public import counties
from services.console.views.votes import ids, write

bp = Blueprint("projects", __name__)


@bp.get("/public/projects")
def progress() -> Any:
    tenant = request.args.get("tenant", "").strip()
    year = request.args.get("year", "").strip()
    items: list[dict] = []
    if tenant:
        items = expect(api().get("/workflow/v1/public/projects", tenant=tenant, year=year))["items"]
    return render_template(
        "public_projects.html", items=items, tenant=tenant, year=year, counties=counties()
    )


@bp.get("/public/projects/<project_id>/notice")
def notice(project_id: str) -> Any:
    board = expect(api().get(f"/workflow/v1/public/projects/{project_id}/notice"))
    return render_template("project_notice.html", notice=board)


EVALUATION_FIELDS = ("quality", "effect", "comment", "name", "phone")


@bp.route("/public/projects/<project_id>/evaluate", methods=["GET", "POST"])
def evaluate(project_id: str) -> Any:
    """A completed project's evaluation by constituents (工程质量和社会效果), no sign-in:
    the results so far, and the form. It posts through intake's public door like any
    client, with the visitor's address for intake's per-address limit."""
    board = expect(api().get(f"/workflow/v1/public/projects/{project_id}/notice"))
    results = expect(api().get(f"/workflow/v1/public/projects/{project_id}/evaluations"))
    values = {n: request.form.get(n, "").strip() for n in EVALUATION_FIELDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        body = {k: v for k, v in values.items() if v}
        answer = api().post(
            f"/intake/v1/public/projects/{project_id}/evaluations",
            body,
            uuid.uuid4().hex,
            client_address=request.remote_addr,
        )
        if answer.status == 202:
            flash(f"感谢您的评价。查询码 {answer.body['public_code']}。", "ok")
            return redirect(url_for(".evaluate", project_id=project_id), 303)
        status = answer.status if answer.status in (422, 429) else 502
        errors = answer.field_errors() if answer.status == 422 else {}
        if answer.status == 429:
            errors = {"form": "提交太频繁，请稍后再试。"}
        elif "project_id" in errors:  # not completed, or the window closed
            closes = results["closes_on"]
            errors = {"form": f"评价已于{closes}截止。" if closes else "项目完成后方可评价。"}
        elif not errors:
            errors = {"form": "暂时无法提交，请稍后再试。"}
    page = render_template(
        "project_evaluate.html",
        project_id=project_id,
        notice=board,
        results=results,
        values=values,
        errors=errors,
    )
    response = make_response(page, status)
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


@bp.get("/public/votes/<vote_id>")
def vote(vote_id: str) -> Any:
    found = expect(api().get(f"/workflow/v1/public/votes/{vote_id}"))
    board = None
    if found["state"] == "tallied":
        board = expect(api().get(f"/workflow/v1/public/votes/{vote_id}/board"))
    return render_template("public_vote.html", vote=found, board=board)


@bp.get("/public/projects/report")
def report() -> Any:
    """The quarterly notice or half-year report: printable, naming the units behind."""
    tenant = request.args.get("tenant", "").strip()
    year = request.args.get("year", "").strip()
    period = request.args.get("period", "").strip()
    found = None
    if tenant and year and period:
        found = expect(
            api().get(
                "/workflow/v1/public/projects/report", tenant=tenant, year=year, period=period
            )
        )
    return render_template(
        "project_report.html",
        report=found,
        tenant=tenant,
        year=year,
        period=period,
        counties=counties(),
    )


@bp.post("/projects/report/notice")
@signed_in("committee")
def issue_report_notice() -> Any:
    """The committee issues the period's notice as a formal notice (通报): numbered and
    archived by notify, told to the units it names and to the committee. Drawn from the
    public report as a notice board is from a public list; issuing the period again shows
    the notice issued before (the archive, and notify's Idempotency-Key)."""
    tenant = person()["node"]
    year = request.form.get("year", "").strip()
    period = request.form.get("period", "").strip()
    found = expect(
        api().get("/workflow/v1/public/projects/report", tenant=tenant, year=year, period=period)
    )
    draft = found["notice"]
    issued = expect(api().get("/notify/v1/notices", q=draft["title"], kind="notice"))["items"]
    before = next((n for n in issued if n["title"] == draft["title"]), None)
    if before is not None:
        flash(f"本期通报已印发：{before['number']}。", "ok")
        return redirect(url_for("notices.archive", q=before["number"]))
    recipients = [f"committee:{tenant}"]
    recipients += list(dict.fromkeys(f"unit:{b['unit_id']}" for b in found["behind"]))
    notice = {
        "title": draft["title"],
        "body": draft["body"],
        "figures": draft["figures"],
        "recipients": recipients,
    }
    made = expect(api().post("/notify/v1/notices", notice, draft["idempotency_key"]))
    flash(f"通报 {made['number']} 已印发。", "ok")
    return redirect(url_for("notices.archive", q=made["number"]))


@bp.get("/public/projects/best-units")
def best_units() -> Any:
    tenant = request.args.get("tenant", "").strip()
    year = request.args.get("year", "").strip()
    items: list[dict] = []
    if tenant and year:
        items = expect(
            api().get("/workflow/v1/public/projects/best-units", tenant=tenant, year=year)
        )["items"]
    return render_template(
        "project_best_units.html", items=items, tenant=tenant, year=year, counties=counties()
    )


@bp.get("/projects")
@signed_in("committee", "reader", "unit")
def listing() -> Any:
    year = request.args.get("year", "").strip()
    stage = request.args.get("stage", "").strip()
    items = expect(api().get("/workflow/v1/projects", year=year, stage=stage))["items"]
    if person()["role"] == "unit":  # a unit's own projects: those it is responsible for
        items = [p for p in items if p["unit_id"] == person()["subject"]]
    return render_template("projects.html", items=items, year=year, stage=stage)


@bp.get("/projects/problems")
@signed_in("committee", "reader")
def problems() -> Any:
    unanswered = request.args.get("unanswered") == "true"
    items = expect(
        api().get("/workflow/v1/projects/problems", unanswered="true" if unanswered else "false")
    )["items"]
    return render_template("project_problems.html", items=items, unanswered=unanswered)


@bp.get("/projects/tasks")
@signed_in("deputy")
def tasks() -> Any:
    """The deputy's supervision tasks (一对一跟踪监督): each project, the task, progress."""
    me = person()["subject"]
    rows = expect(api().get("/workflow/v1/projects", supervisor=me))["items"]
    items = []
    for row in rows:
        found = expect(api().get(f"/workflow/v1/projects/{row['id']}"))
        done = next(
            (
                n
                for n in found["trail"]
                if n["kind"] == "task_done" and n["details"].get("deputy_id") == me
            ),
            None,
        )
        items.append({**row, "task": found["supervision"][me], "done": done})
    return render_template("project_tasks.html", items=items)


@bp.get("/projects/<project_id>")
@signed_in("committee", "reader", "unit")
def project(project_id: str) -> Any:
    found = expect(api().get(f"/workflow/v1/projects/{project_id}"))
    scores = expect(api().get(f"/workflow/v1/public/projects/{project_id}/scores"))["items"]
    return render_template("project.html", project=found, scores=scores)


@bp.post("/projects/<project_id>/score")
@signed_in("committee")
def open_score(project_id: str) -> Any:
    """Open the month's anonymous score (月度评议); the ballots go through the terminal."""
    body = {
        "month": request.form.get("month", "").strip(),
        "roll": ids(request.form.get("roll", "")),
        "present": ids(request.form.get("present", "")),
    }
    receipt, error = write(f"/intake/v1/votes/score/{project_id}", body)
    if receipt:
        flash("月度评议已开始。", "ok")
        return redirect(url_for("votes.vote", vote_id=receipt["resource"]["id"]))
    flash(f"未能开始评议：{error}", "error")
    return redirect(url_for("projects.project", project_id=project_id))


ACTION_FORMS: dict[str, tuple[tuple[str, ...], str]] = {
    "progress": (("period", "percent", "note"), "进度已报送。"),
    "report_problem": (("reporter", "text"), "问题已登记，请乡镇按期答复。"),
    "answer_problem": (("problem_id", "answer"), "答复已记录。"),
    "supervise": (("tasks",), "监督小组已确定。"),
    "task_done": (("deputy_id", "report"), "督办任务已完成，履职积分将记入。"),
}
"""The project actions the pages post, the form fields of each, and what the page says
once intake has accepted it. The rest of the checking is intake's and workflow's."""


def _body(action: str) -> dict[str, Any]:
    """Empty fields left out, so intake's own rules say what is missing."""
    body: dict[str, Any] = {}
    for name in ACTION_FORMS[action][0]:
        value = request.form.get(name, "").strip()
        if not value:
            continue
        if name == "percent":
            body[name] = int(value) if value.isdigit() else value
        elif name == "tasks":  # one line per deputy: "D450102-005 跟踪招标"
            pairs = [line.strip().split(maxsplit=1) for line in value.splitlines()]
            body[name] = {p[0]: (p[1] if len(p) > 1 else "") for p in pairs if p}
        else:
            body[name] = value
    return body


OWN_ACTIONS = {"unit": "progress", "deputy": "task_done"}
"""The one action a unit's or a deputy's page posts; the committee posts any."""


@bp.post("/projects/<project_id>/<action>")
@signed_in("committee", "unit", "deputy")
def act(project_id: str, action: str) -> Any:
    role = person()["role"]
    if action not in ACTION_FORMS or OWN_ACTIONS.get(role, action) != action:
        abort(404)
    receipt, error = write(f"/intake/v1/projects/{project_id}/{action}", _body(action))
    flash(
        ACTION_FORMS[action][1] if receipt else f"未能提交：{error}", "ok" if receipt else "error"
    )
    if role == "deputy":
        return redirect(url_for("projects.tasks"))
    return redirect(url_for("projects.project", project_id=project_id))
