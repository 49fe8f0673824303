"""GET /scoring/v1/duty-reports: deputies' performance and points as reported to their
electing units (选举单位), with the figures as they stood when reported."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from runtime.http import node_in_reach, not_found, principal, service
from services.scoring.api.points import Points
from services.scoring.api.statements import csv_response
from services.scoring.store import DutyReport

blp = Blueprint(
    "duty_reports", __name__, url_prefix="/", description="Reports to electing units (选举单位)"
)


class ReportsQuery(Schema):
    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a congress: its deputies' reports"},
    )


class FigureOut(Schema):
    activity = fields.String()
    label = fields.String()
    count = fields.Integer()
    points = Points(metadata={"type": "number"})


class ReportOut(Schema):
    id = fields.String()
    deputy_id = fields.String()
    electing_node_id = fields.String(metadata={"description": "the electing unit told"})
    period = fields.String()
    total = Points(metadata={"type": "number"})
    rank = fields.Integer()
    deputies = fields.Integer(metadata={"description": "how many were ranked"})
    figures = fields.List(fields.Nested(FigureOut))
    flags = fields.List(fields.String())
    note = fields.String()
    reported_by = fields.String()
    reported_at = fields.AwareDateTime()


class ReportsOut(Schema):
    items = fields.List(fields.Nested(ReportOut))


def _readable(row: DutyReport | None) -> bool:
    """The committee and readers of the congress's place, and the deputy concerned."""
    who = principal()
    if row is None or not who.can_see(row.tenant_path) or who.role == "unit":
        return False
    return who.role != "deputy" or who.subject == row.deputy_id


def _reports(place_id: str) -> list[DutyReport]:
    rt = service("scoring")
    place = node_in_reach("scoring", place_id, "place")
    with rt.db.session() as session:
        rows = session.scalars(
            select(DutyReport)
            .where(DutyReport.tenant_path == place.path)
            .order_by(DutyReport.reported_at.desc(), DutyReport.id)
        )
        return [row for row in rows if _readable(row)]


@blp.route("/duty-reports")
@blp.arguments(ReportsQuery, location="query")
@blp.response(200, ReportsOut)
def list_reports(query: dict[str, Any]) -> dict[str, Any]:
    """A congress's reports to electing units, newest first."""
    return {"items": _reports(query["place"])}


@blp.route("/duty-reports.csv")
@blp.arguments(ReportsQuery, location="query")
@blp.response(200, content_type="text/csv")
def list_reports_csv(query: dict[str, Any]) -> Response:
    """The reports as CSV (UTF-8 with BOM): 代表, 选举单位, 期间, 积分, 名次, 预警, 报告日期."""
    rows = _reports(query["place"])
    directory = service("scoring").directory
    names = directory.deputies([r.deputy_id for r in rows])
    out = []
    for r in rows:
        unit = directory.node(r.electing_node_id)
        out.append(
            [
                names[r.deputy_id].name if r.deputy_id in names else r.deputy_id,
                unit.name if unit else r.electing_node_id,
                r.period,
                r.total,
                f"{r.rank}/{r.deputies}",
                "；".join(r.flags),
                r.reported_at.date().isoformat(),
            ]
        )
    header = ["代表", "选举单位", "期间", "积分", "名次", "预警", "报告日期"]
    return csv_response(f"duty-reports-{query['place']}", header, out)


@blp.route("/duty-reports/<report_id>")
@blp.response(200, ReportOut)
def get_report(report_id: str) -> DutyReport:
    """One report (a duty-report receipt's resource)."""
    with service("scoring").db.session() as session:
        row = session.get(DutyReport, report_id) if len(report_id) <= 36 else None
    if not _readable(row):
        raise not_found("report")
    assert row is not None
    return row
