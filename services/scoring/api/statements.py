"""A deputy's statement for a period, a place's ranking, each also as CSV for Excel."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from runtime.http import not_found, principal, service
from runtime.problems import DomainProblem
from services.scoring.api.points import EntryOut, Points, readable_deputy
from services.scoring.domain.periods import Period, PeriodError, parse_period, span
from services.scoring.domain.points import ACTIVITY_LABELS
from services.scoring.queries import ranking, statement

blp = Blueprint("statements", __name__, url_prefix="/", description="Statements and rankings")


class PeriodArgs(Schema):
    period = fields.String(
        validate=validate.Length(max=7),
        metadata={"description": "2026, 2026-Q3 or 2026-03", "example": "2026-Q1"},
    )
    first_day = fields.Date(data_key="from", metadata={"description": "with `to`: a term"})
    last_day = fields.Date(data_key="to")

    @validates_schema
    def one_period(self, data: dict[str, Any], **kwargs: Any) -> None:
        span_given = "first_day" in data or "last_day" in data
        if ("period" in data) == span_given:
            raise ValidationError("give period, or from and to", "period")
        if span_given and not ("first_day" in data and "last_day" in data):
            raise ValidationError("from and to go together", "from")


class RankingArgs(PeriodArgs):
    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a county or city congress, or a township office"},
    )


class ActivitySum(Schema):
    activity = fields.String()
    count = fields.Integer()
    points = Points(metadata={"type": "number"})


class StatementOut(Schema):
    deputy_id = fields.String()
    period = fields.String()
    first_day = fields.Date()
    day_after = fields.Date()
    total = Points(metadata={"type": "number"})
    by_activity = fields.List(fields.Nested(ActivitySum))
    entries = fields.List(fields.Nested(EntryOut))


class RankOut(Schema):
    rank = fields.Integer()
    deputy_id = fields.String()
    total = Points(metadata={"type": "number"})


class RankingOut(Schema):
    place = fields.String()
    period = fields.String()
    items = fields.List(fields.Nested(RankOut))


def period_of(args: dict[str, Any]) -> Period:
    try:
        if "period" in args:
            return parse_period(args["period"])
        return span(args["first_day"], args["last_day"])
    except PeriodError as error:
        raise DomainProblem(422, "Invalid request", str(error), field="period") from None


def csv_response(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    """UTF-8 with a BOM, so that Excel shows the Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


def _deputys_statement(deputy_id: str, args: dict[str, Any]) -> dict[str, Any]:
    rt = service("scoring")
    readable_deputy(deputy_id)
    period = period_of(args)
    with rt.db.session() as session:
        return statement(session, deputy_id, period)


@blp.route("/deputies/<deputy_id>/statement")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, StatementOut)
def get_statement(args: dict[str, Any], deputy_id: str) -> dict[str, Any]:
    """A deputy's points for a month, quarter, year or term (from/to), by activity."""
    return _deputys_statement(deputy_id, args)


@blp.route("/deputies/<deputy_id>/statement.csv")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, content_type="text/csv")
def get_statement_csv(args: dict[str, Any], deputy_id: str) -> Response:
    """The statement's entries as CSV (UTF-8 with BOM): 日期, 活动, 积分, 说明."""
    found = _deputys_statement(deputy_id, args)
    rows = [
        [e.occurred_at.date().isoformat(), ACTIVITY_LABELS[e.activity], e.points, _cell(e.reason)]
        for e in found["entries"]
    ]
    rows.append(["合计", "", found["total"], ""])
    return csv_response(
        f"statement-{deputy_id}-{found['period']}", ["日期", "活动", "积分", "说明"], rows
    )


def _cell(text: str) -> str:
    """A reason is free text: never let Excel read it as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _ranking(args: dict[str, Any]) -> dict[str, Any]:
    who = principal()
    rt = service("scoring")
    place = rt.directory.node(args["place"])
    if (
        place is None
        or place.kind == "station"
        or not who.can_see(place.path)
        or who.role in ("unit", "deputy")
    ):
        raise not_found("place")
    period = period_of(args)
    with rt.db.session() as session:
        items = ranking(session, place, period)
    return {"place": place.id, "period": period.label, "items": items}


@blp.route("/rankings")
@blp.arguments(RankingArgs, location="query")
@blp.response(200, RankingOut)
def get_ranking(args: dict[str, Any]) -> dict[str, Any]:
    """Deputies by points for a period: a congress's deputies, or those whose activities
    were booked to a township office; equal totals share a rank."""
    return _ranking(args)


@blp.route("/rankings.csv")
@blp.arguments(RankingArgs, location="query")
@blp.response(200, content_type="text/csv")
def get_ranking_csv(args: dict[str, Any]) -> Response:
    """The ranking as CSV (UTF-8 with BOM): 名次, 代表, 积分."""
    found = _ranking(args)
    names = service("scoring").directory.deputies([i["deputy_id"] for i in found["items"]])
    rows = [
        [
            i["rank"],
            names[i["deputy_id"]].name if i["deputy_id"] in names else i["deputy_id"],
            i["total"],
        ]
        for i in found["items"]
    ]
    return csv_response(
        f"ranking-{found['place']}-{found['period']}", ["名次", "代表", "积分"], rows
    )
