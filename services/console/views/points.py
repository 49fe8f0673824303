"""Duty points pages: the committee's ranking and flags for a place and period, and a
deputy's own statement (docs/domain.md §4)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, render_template, request

from services.console.views.common import api, directory, expect, person, signed_in

bp = Blueprint("points", __name__)

ACTIVITIES = {
    "session_attendance": "出席会议",
    "absence_with_leave": "请假缺席",
    "absence_without_leave": "无故缺席",
    "station_duty": "进站履职",
    "inspection": "视察",
    "survey": "调研",
    "report_to_constituents": "述职报告",
    "training": "学习培训",
    "opinion_collected": "收集意见",
    "suggestion": "代表建议",
    "key_suggestion": "重点建议",
    "opinion_adopted": "意见采纳",
    "ballot_cast": "参加票决",
}


def _period() -> str:
    """The period asked for, or this year in China."""
    this_year = datetime.now(timezone(timedelta(hours=8))).year
    return request.args.get("period", "").strip() or str(this_year)


def _names(ids: list[str]) -> dict[str, str]:
    return {d: p.name for d, p in directory().deputies(ids).items()}


@bp.get("/points")
@signed_in("committee", "reader")
def ranking() -> Any:
    """A congress's or township office's ranking, and (for a congress) who falls behind."""
    place_id = request.args.get("place", "").strip() or person()["node"]
    period = _period()
    ranked = expect(api().get("/scoring/v1/rankings", place=place_id, period=period))
    place = directory().node(place_id)
    flags = None
    if place and place.kind in ("city", "county"):
        flags = expect(api().get("/scoring/v1/flags", place=place_id, period=period))
    return render_template(
        "points.html",
        place=place,
        period=period,
        ranked=ranked,
        flags=flags,
        names=_names([i["deputy_id"] for i in ranked["items"]]),
    )


@bp.get("/my-points")
@signed_in("deputy")
def statement() -> Any:
    """The deputy's own statement for a year, quarter or month, by activity."""
    period = _period()
    found = expect(
        api().get(f"/scoring/v1/deputies/{person()['subject']}/statement", period=period)
    )
    return render_template("my_points.html", found=found, activities=ACTIVITIES)
