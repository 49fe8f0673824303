"""The archive of formal notices (通报) and notice-board lists (公示): search, and each
one's printable page and PDF."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, Response, render_template, request

from services.console.app import CHINA
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
    day = datetime.fromisoformat(notice["issued_at"]).astimezone(CHINA)
    return SimpleNamespace(**notice), f"{day.year}年{day.month}月{day.day}日"
