"""Public pages, no sign-in: every suggestion's progress, replies, and the showcase."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from services.console.views.common import api, directory, expect

bp = Blueprint("public", __name__)

FILTERS = ("tenant", "category", "state", "year", "q")


@bp.get("/public")
def progress() -> Any:
    query = {name: request.args.get(name, "").strip() for name in FILTERS}
    offset = max(request.args.get("offset", 0, type=int), 0)
    page = expect(api().get("/workflow/v1/public/progress", limit=30, offset=offset, **query))
    showcase = expect(
        api().get("/workflow/v1/public/progress", state="closed", limit=100, tenant=query["tenant"])
    )["items"]
    return render_template(
        "public.html",
        page=page,
        query=query,
        offset=offset,
        counties=counties(),
        showcase=[s for s in showcase if s["final_result"] == "satisfied" and s["done"]][:5],
    )


def counties() -> list[tuple[str, str]]:
    """The counties of every city in the deployment, for the filter."""
    return [
        (county.id, county.name)
        for city in directory().children(None)
        for county in directory().children(city.id)
    ]
