"""GET /scoring/v1/term-reports: the end-of-term report for re-nomination (连选连任推荐), per
congress and per deputy, with the term's coverage; and as CSV for Excel."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from runtime.http import service
from services.scoring.api.flags import CoverageOut, FlagsArgs, congress_of
from services.scoring.api.points import Points, readable_deputy
from services.scoring.api.statements import PeriodArgs, csv_response, period_of
from services.scoring.queries import term_report

blp = Blueprint(
    "term_reports", __name__, url_prefix="/", description="End-of-term reports (连选连任推荐)"
)


class DoneOut(Schema):
    activity = fields.String()
    count = fields.Integer(metadata={"description": "net of reversals"})


class TermRowOut(Schema):
    rank = fields.Integer(metadata={"description": "equal totals share a rank"})
    deputy_id = fields.String()
    name = fields.String()
    electing_unit = fields.String(
        allow_none=True, metadata={"description": "the node that elected them (选举单位)"}
    )
    total = Points(metadata={"type": "number"})
    by_activity = fields.List(fields.Nested(DoneOut))
    station_duty = fields.Boolean(metadata={"description": "did station duty in the term"})
    took_part = fields.Boolean(metadata={"description": "took part at least once in the term"})
    flags = fields.List(
        fields.String(), metadata={"description": "why the tenant's rule flags them, if it does"}
    )
    interviews = fields.Integer(metadata={"description": "interviews (约谈) decided in the term"})
    duty_star_years = fields.List(fields.Integer(), metadata={"description": "履职之星"})


class TermCoverageOut(CoverageOut):
    class Meta:
        exclude = ("place", "period")


class TermReportOut(Schema):
    place = fields.String()
    period = fields.String()
    coverage = fields.Nested(TermCoverageOut)
    items = fields.List(fields.Nested(TermRowOut))


def _report(args: dict[str, Any]) -> dict[str, Any]:
    rt = service("scoring")
    place = congress_of(args["place"])
    period = period_of(args)
    deputies = rt.directory.congress_deputies(place.id)
    with rt.db.session() as session:
        found = term_report(session, place, deputies, period)
    return {"place": place.id, "period": period.label, **found}


@blp.route("/term-reports")
@blp.arguments(FlagsArgs, location="query")
@blp.response(200, TermReportOut)
def get_term_report(args: dict[str, Any]) -> dict[str, Any]:
    """Every deputy of a congress for a term (from/to, or a year), ranked by points, with what
    they did, flags, interviews and duty stars; and the shares who did station duty and who
    took part at least once. A reference for re-nomination: people decide."""
    return _report(args)


HEADER = ["名次", "代表", "选举单位", "积分", "进站履职", "参加活动", "预警", "约谈", "履职之星"]


@blp.route("/term-reports.csv")
@blp.arguments(FlagsArgs, location="query")
@blp.response(200, content_type="text/csv")
def get_term_report_csv(args: dict[str, Any]) -> Response:
    """The report as CSV (UTF-8 with BOM), one row a deputy, then the coverage lines."""
    found = _report(args)
    directory = service("scoring").directory
    rows: list[list[Any]] = []
    for i in found["items"]:
        unit = directory.node(i["electing_unit"]) if i["electing_unit"] else None
        rows.append(
            [
                i["rank"],
                i["name"],
                unit.name if unit else "",
                i["total"],
                _count(i, "station_duty"),
                "是" if i["took_part"] else "否",
                "；".join(i["flags"]),
                i["interviews"],
                "、".join(str(y) for y in i["duty_star_years"]),
            ]
        )
    c = found["coverage"]
    rows.append([])
    rows.append(
        ["进站履职代表", f"{c['station_duty']}/{c['deputies']}", f"{c['station_duty_share']}%"]
    )
    rows.append(["参加活动代表", f"{c['took_part']}/{c['deputies']}", f"{c['took_part_share']}%"])
    return csv_response(f"term-report-{found['place']}-{found['period']}", HEADER, rows)


def _count(item: dict[str, Any], activity: str) -> int:
    return next((d["count"] for d in item["by_activity"] if d["activity"] == activity), 0)


@blp.route("/deputies/<deputy_id>/term-report")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, TermRowOut)
def get_deputys_term_report(args: dict[str, Any], deputy_id: str) -> dict[str, Any]:
    """One deputy's line of their congress's end-of-term report; the deputy's own key may
    read it, and the keys of the congress's place."""
    rt = service("scoring")
    deputy = readable_deputy(deputy_id)
    place = rt.directory.node(deputy.node_id)
    assert place is not None  # a deputy's congress exists (foreign key)
    period = period_of(args)
    # Ranked among the congress's deputies; only this deputy's line is given out.
    with rt.db.session() as session:
        found = term_report(session, place, rt.directory.congress_deputies(place.id), period)
    return next(i for i in found["items"] if i["deputy_id"] == deputy_id)
