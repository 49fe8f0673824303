"""The committee's vote pages: open a vote on the approved candidates, close and tally it,
call the runoff; and the voting terminal's ballot page, which never shows the previous
voter's choices (each ballot page is new, and nothing of a ballot is kept in the session)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from services.console.client import Answer
from services.console.views.common import api, expect, signed_in

bp = Blueprint("votes", __name__)

NO_STORE = {"Cache-Control": "no-store"}
"""A ballot page is never kept by the browser: the back button shows no one's choices."""


def ids(text: str) -> list[str]:
    """One id a line, as a textarea of deputy ids gives them."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _outcome(answer: Answer) -> tuple[dict | None, str | None]:
    """The settled receipt, or the reason the write was refused."""
    if answer.status in (401, 403, 404):
        expect(answer)
    if answer.status in (409, 422):
        return None, "；".join(answer.field_errors().values()) or answer.body.get("detail")
    if not answer.ok:
        expect(answer)
    receipt = answer.body
    if receipt["status"] == "rejected":
        return None, receipt.get("reason") or "未受理"
    if receipt["status"] != "accepted":
        return None, f"已提交，正在处理（回执 {receipt['id']}），请稍后刷新。"
    return receipt, None


def write(path: str, body: dict[str, Any]) -> tuple[dict | None, str | None]:
    """A write through intake with the form's Idempotency-Key, waited for until settled."""
    key = request.form.get("idempotency_key") or str(uuid.uuid4())
    answer = api().post(path, body, key)
    if answer.status == 202:
        answer = api().settled(answer.body["id"], answer)
    return _outcome(answer)


@bp.route("/votes/new", methods=["GET", "POST"])
@signed_in("committee")
def new_vote() -> Any:
    year = request.values.get("year", "").strip()
    candidates = expect(api().get("/workflow/v1/projects", stage="candidate", year=year))["items"]
    error = None
    if request.method == "POST":
        chosen = [c for c in candidates if c["id"] in request.form.getlist("candidates")]
        body = {
            "title": request.form.get("title", "").strip(),
            "seats": request.form.get("seats", type=int) or 0,
            "candidates": [{"id": c["id"], "title": c["title"]} for c in chosen],
            "roll": ids(request.form.get("roll", "")),
            "present": ids(request.form.get("present", "")),
        }
        receipt, error = write("/intake/v1/votes", body)
        if receipt:
            flash("投票已开始。", "ok")
            return redirect(url_for("votes.vote", vote_id=receipt["resource"]["id"]))
    return render_template(
        "vote_new.html", candidates=candidates, year=year, error=error, form=request.form
    )


@bp.get("/votes/<vote_id>")
@signed_in("committee")
def vote(vote_id: str) -> Any:
    found = expect(api().get(f"/workflow/v1/public/votes/{vote_id}"))
    return render_template("vote_committee.html", vote=found)


@bp.post("/votes/<vote_id>/close")
@signed_in("committee")
def close(vote_id: str) -> Any:
    receipt, error = write(f"/intake/v1/votes/{vote_id}/close", {})
    flash(
        "已结束投票并计票。" if receipt else f"未能结束投票：{error}", "ok" if receipt else "error"
    )
    return redirect(url_for("votes.vote", vote_id=vote_id))


@bp.post("/votes/<vote_id>/runoff")
@signed_in("committee")
def runoff(vote_id: str) -> Any:
    body = {
        "roll": ids(request.form.get("roll", "")),
        "present": ids(request.form.get("present", "")),
    }
    receipt, error = write(f"/intake/v1/votes/{vote_id}/runoff", body)
    if receipt:
        flash("决选投票已开始。", "ok")
        return redirect(url_for("votes.vote", vote_id=receipt["resource"]["id"]))
    flash(f"未能开始决选：{error}", "error")
    return redirect(url_for("votes.vote", vote_id=vote_id))


@bp.route("/votes/<vote_id>/terminal", methods=["GET", "POST"])
@signed_in("committee")
def terminal(vote_id: str) -> Any:
    """One deputy's ballot: choose (at most the limit), confirm, cast; then a blank page."""
    door = api().get(f"/intake/v1/votes/{vote_id}")
    if door.status == 404 or (door.ok and not door.body["open"]):
        abort(404, "这次投票未开始或已结束。")
    door_state = expect(door)
    titles = {
        c["id"]: c["title"]
        for c in expect(api().get(f"/workflow/v1/public/votes/{vote_id}"))["candidates"]
    }
    deputy = request.form.get("deputy_id", "").strip()
    choices = [c for c in request.form.getlist("choices") if c in titles]
    step = request.form.get("step", "choose")
    error = None
    if request.method == "POST" and step == "cast":
        body = {"deputy_id": deputy, "choices": choices}
        receipt, error = write(f"/intake/v1/votes/{vote_id}/ballots", body)
        if receipt:
            flash("投票成功。请下一位代表投票。", "ok")
            return redirect(url_for("votes.terminal", vote_id=vote_id))
        step = "choose"
    elif request.method == "POST":
        if not deputy:
            error = "请填写代表编号。"
        elif len(choices) > door_state["choices_allowed"]:
            error = f"最多选择 {door_state['choices_allowed']} 项。"
        else:
            step = "confirm"
    page = render_template(
        "vote_terminal.html",
        vote_id=vote_id,
        candidates=[(c, titles.get(c, c)) for c in door_state["candidates"]],
        allowed=door_state["choices_allowed"],
        deputy=deputy if request.method == "POST" else "",
        choices=choices if request.method == "POST" else [],
        step=step if request.method == "POST" else "choose",
        error=error,
        key=str(uuid.uuid4()),
    )
    return page, 200, NO_STORE
