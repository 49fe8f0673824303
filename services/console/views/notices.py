"""The formal notices (通报) archive: search, and each notice's printable page."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, Response, render_template, request

from services.console.app import CHINA
from services.console.views.common import api, expect, signed_in
from services.notify.notices import render

bp = Blueprint("notices", __name__)


@bp.get("/notices")
@signed_in("committee", "reader")
def archive() -> Any:
    query = {k: request.args.get(k, "").strip() for k in ("q", "year")}
    found = expect(api().get("/notify/v1/notices", **query))
    return render_template("notices.html", notices=found["items"], query=query)


@bp.get("/notices/<notice_id>/print")
@signed_in("committee", "reader")
def printable(notice_id: str) -> Response:
    """Notify's own printable page, drawn from the notice the API gives this person."""
    notice = expect(api().get(f"/notify/v1/notices/{urllib.parse.quote(notice_id, safe='')}"))
    day = datetime.fromisoformat(notice["issued_at"]).astimezone(CHINA)
    page = Response(render(SimpleNamespace(**notice), f"{day.year}年{day.month}月{day.day}日"))
    # The page carries its print styles inline and nothing else.
    page.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return page
