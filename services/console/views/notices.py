"""The archive of formal notices (通报) and notice-board lists (公示): search, and each
one's printable page and PDF."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from contracts.zone import SHANGHAI
from services.console import labels
from services.console.views.common import api, expect, signed_in
from services.notify.config import NotifySettings
from services.notify.notices import render, render_pdf

bp = Blueprint("notices", __name__)


@bp.get("/notices")
@signed_in("committee", "reader")
def archive() -> Any:
    query = {
        k: request.args.get(k, "").strip()
        for k in ("q", "year", "kind", "issued_from", "issued_to")
    }
    found = expect(api().get("/notify/v1/notices", **query))
    return render_template("notices.html", notices=found["items"], query=query)


OUTCOMES = {"resolved": "已办结", "forwarded": "已转办办结", "suggestion_closed": "随建议办结"}


@bp.post("/notices/boards")
@signed_in("committee")
def make_board() -> Any:
    """A notice-board version (公示栏) of a public list: a published points list, or a
    station's adopted opinions, drawn from their public APIs and numbered by notify."""
    source, ref = request.form.get("source", ""), request.form.get("ref", "").strip()
    if source not in BOARD_SOURCES or not ref:
        abort(422, "请选择公示内容并填写编号。")
    board = BOARD_SOURCES[source](urllib.parse.quote(ref, safe=""))
    # The key rendered with the form: submitted twice, it is one board.
    key = request.form.get("idempotency_key") or None
    answer = api().write("POST", "/notify/v1/notices/boards", board, idempotency_key=key)
    made = expect(answer)
    flash(f"公示 {made['number']} 已生成。")
    return redirect(url_for("notices.archive", kind="board"))


def _points_board(list_id: str) -> dict[str, Any]:
    found = expect(api().get(f"/scoring/v1/public/points-lists/{list_id}"))
    return {
        "title": f"{found['period']} 代表履职积分公示",
        "columns": ["名次", "代表", "积分"],
        "rows": [[str(r["rank"]), r["deputy_name"], str(r["total"])] for r in found["rows"]],
        "note": "以上为已发布的代表履职积分，如有异议请向人大常委会工作机构反映。",
    }


def _adopted_board(station_id: str) -> dict[str, Any]:
    found = expect(api().get(f"/workflow/v1/public/opinions/stations/{station_id}/adopted"))
    return {
        "title": f"{found['station_name']}群众意见采纳情况公示",
        "columns": ["查询码", "类别", "收到日期", "代表建议", "办理情况"],
        "rows": [
            [
                item["public_code"],
                labels.CATEGORIES.get(item["category"], item["category"]),
                item["received_on"],
                item["suggestion_number"],
                OUTCOMES.get(
                    item["outcome"] or "", labels.STATES.get(item["suggestion_state"], "")
                ),
            ]
            for item in found["items"]
        ],
        "note": f"共采纳群众意见 {found['adopted']} 件，可凭查询码查询办理进度。",
    }


BOARD_SOURCES = {"points": _points_board, "adopted": _adopted_board}
"""Which public lists become boards, and how."""


@bp.get("/notices/<notice_id>/print")
@signed_in("committee", "reader")
def printable(notice_id: str) -> Response:
    """Notify's own printable page, drawn from the notice the API gives this person."""
    notice, day = _notice(notice_id)
    page = Response(render(notice, day))
    # The page carries its print styles inline and nothing else.
    page.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return page


@bp.get("/notices/<notice_id>/pdf")
@signed_in("committee", "reader")
def pdf(notice_id: str) -> Response:
    """Notify's PDF of the notice, drawn here from what the API gives this person."""
    notice, day = _notice(notice_id)
    answer = Response(
        render_pdf(notice, day, NotifySettings.from_env().notice_font), mimetype="application/pdf"
    )
    answer.headers["Content-Disposition"] = f'inline; filename="{notice.id}.pdf"'
    return answer


def _notice(notice_id: str) -> tuple[SimpleNamespace, str]:
    notice = expect(api().get(f"/notify/v1/notices/{urllib.parse.quote(notice_id, safe='')}"))
    day = datetime.fromisoformat(notice["issued_at"]).astimezone(SHANGHAI)
    return SimpleNamespace(**notice), f"{day.year}年{day.month}月{day.day}日"
