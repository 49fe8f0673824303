"""Duty stars (履职之星): the proposal from the ranking, and the stars the committee confirmed."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from contracts.fields import Year
from runtime.http import not_found, service
from services.scoring.api.flags import congress_of
from services.scoring.api.points import Points
from services.scoring.api.statements import csv_response
from services.scoring.domain.periods import parse_period
from services.scoring.queries import star_proposal
from services.scoring.store import DutyStar

blp = Blueprint("duty_stars", __name__, url_prefix="/duty-stars", description="Duty stars")


class ProposalQuery(Schema):
    place = fields.String(required=True, validate=validate.Length(min=1, max=32))
    year = Year(required=True)


class ProposedOut(Schema):
    rank = fields.Integer()
    deputy_id = fields.String()
    score = Points(metadata={"type": "number", "description": "points, station duty weighted"})
    total = Points(metadata={"type": "number"})


class ProposalOut(Schema):
    place = fields.String()
    year = fields.Integer()
    items = fields.List(fields.Nested(ProposedOut))


class StarOut(Schema):
    deputy_id = fields.String()
    confirmed_by = fields.String()
    confirmed_at = fields.AwareDateTime()


class StarsOut(Schema):
    place = fields.String()
    year = fields.Integer()
    items = fields.List(fields.Nested(StarOut))


def _proposal(query: dict[str, Any]) -> dict[str, Any]:
    place = congress_of(query["place"])
    with service("scoring").db.session() as session:
        items = star_proposal(session, place, parse_period(str(query["year"])))
    return {"place": place.id, "year": query["year"], "items": items}


@blp.route("/proposal")
@blp.arguments(ProposalQuery, location="query")
@blp.response(200, ProposalOut)
def get_proposal(query: dict[str, Any]) -> dict[str, Any]:
    """The year's best by points, station duty weighted as the tenant set
    (`renda duty-stars`); a tie at the last place brings every tied deputy in."""
    return _proposal(query)


@blp.route("/proposal.csv")
@blp.arguments(ProposalQuery, location="query")
@blp.response(200, content_type="text/csv")
def get_proposal_csv(query: dict[str, Any]) -> Response:
    """The proposal as CSV (UTF-8 with BOM): 名次, 代表, 加权得分, 积分."""
    found = _proposal(query)
    names = service("scoring").directory.deputies([i["deputy_id"] for i in found["items"]])
    rows = []
    for i in found["items"]:
        person = names.get(i["deputy_id"])
        rows.append([i["rank"], person.name if person else i["deputy_id"], i["score"], i["total"]])
    header = ["名次", "代表", "加权得分", "积分"]
    return csv_response(f"duty-stars-{found['place']}-{found['year']}", header, rows)


@blp.route("/<place_year>")
@blp.response(200, StarsOut)
def get_stars(place_year: str) -> dict[str, Any]:
    """The stars confirmed for a congress and year, e.g. `450102-2026`."""
    place_id, _, year = place_year.rpartition("-")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise not_found("duty stars")
    place = congress_of(place_id)
    with service("scoring").db.session() as session:
        rows = list(
            session.scalars(
                select(DutyStar)
                .where(DutyStar.place_id == place.id, DutyStar.year == int(year))
                .order_by(DutyStar.deputy_id)
            )
        )
    if not rows:
        raise not_found("duty stars")
    return {"place": place.id, "year": int(year), "items": rows}
