"""Public pages of the livelihood projects (民生实事), no sign-in: a congress's projects and
their progress, an elected project's notice board, a vote's result and its verifiable board."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from services.console.views.common import api, expect
from services.console.views.public import counties

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


@bp.get("/public/votes/<vote_id>")
def vote(vote_id: str) -> Any:
    found = expect(api().get(f"/workflow/v1/public/votes/{vote_id}"))
    board = None
    if found["state"] == "tallied":
        board = expect(api().get(f"/workflow/v1/public/votes/{vote_id}/board"))
    return render_template("public_vote.html", vote=found, board=board)
