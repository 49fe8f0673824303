"""GET /scoring/v1/flags and /coverage: a congress's deputies who fall behind (for the
committee to decide), and the shares who did station duty and who took part at all."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from runtime.directory.service import Place
from runtime.http import not_found, principal, service
from services.scoring.api.points import Points
from services.scoring.api.statements import PeriodArgs, csv_response, period_of
from services.scoring.queries import coverage, flagged

blp = Blueprint("flags", __name__, url_prefix="/", description="Deputies falling behind")


class FlagsArgs(PeriodArgs):
    place = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "a county or city congress"},
    )


class FlagOut(Schema):
    deputy_id = fields.String()
    name = fields.String()
    total = Points(metadata={"type": "number"})
    reasons = fields.List(fields.String())


class FlagsOut(Schema):
    place = fields.String()
    period = fields.String()
    items = fields.List(fields.Nested(FlagOut))


def congress_of(place_id: str) -> Place:
    """A county or city congress the caller's key sees (not a unit's or deputy's), or 404."""
    who = principal()
    place = service("scoring").directory.node(place_id)
    if (
        place is None
        or place.kind not in ("city", "county")
        or not who.can_see(place.path)
        or who.role in ("unit", "deputy")
    ):
        raise not_found("congress")
    return place


def _flags(args: dict[str, Any]) -> dict[str, Any]:
    rt = service("scoring")
    place = congress_of(args["place"])
    period = period_of(args)
    deputies = rt.directory.congress_deputies(place.id)
    with rt.db.session() as session:
        items = flagged(session, place, deputies, period)
    return {"place": place.id, "period": period.label, "items": items}


class CoverageOut(Schema):
    place = fields.String()
    period = fields.String()
    deputies = fields.Integer()
    station_duty = fields.Integer(metadata={"description": "deputies who did station duty"})
    station_duty_share = Points(metadata={"type": "number", "description": "% of deputies"})
    took_part = fields.Integer(metadata={"description": "deputies with any activity credited"})
    took_part_share = Points(metadata={"type": "number", "description": "% of deputies"})


@blp.route("/coverage")
@blp.arguments(FlagsArgs, location="query")
@blp.response(200, CoverageOut)
def get_coverage(args: dict[str, Any]) -> dict[str, Any]:
    """Coverage for a period or a term (from/to): who did station duty, who took part."""
    rt = service("scoring")
    place = congress_of(args["place"])
    period = period_of(args)
    deputies = rt.directory.congress_deputies(place.id)
    with rt.db.session() as session:
        figures = coverage(session, place, deputies, period)
    return {"place": place.id, "period": period.label, **figures}


@blp.route("/flags")
@blp.arguments(FlagsArgs, location="query")
@blp.response(200, FlagsOut)
def get_flags(args: dict[str, Any]) -> dict[str, Any]:
    """Deputies below the tenant's minimum (a year's, pro rata for a shorter period) or
    missing a basic duty (`renda points-flags`); people decide what follows."""
    return _flags(args)


@blp.route("/flags.csv")
@blp.arguments(FlagsArgs, location="query")
@blp.response(200, content_type="text/csv")
def get_flags_csv(args: dict[str, Any]) -> Response:
    """The flags as CSV (UTF-8 with BOM): 代表, 积分, 原因."""
    found = _flags(args)
    rows = [[i["name"], i["total"], "；".join(i["reasons"])] for i in found["items"]]
    return csv_response(f"flags-{found['place']}-{found['period']}", ["代表", "积分", "原因"], rows)
