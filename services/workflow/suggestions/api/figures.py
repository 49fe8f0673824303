"""GET /workflow/v1/figures…: what the committee reports, per tenant, unit and city."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from contracts.fields import BoundedInteger, Year
from runtime.http import node_in_reach, not_found, principal, service
from services.workflow.domain.calendar import add_months, local_date
from services.workflow.domain.colours import Colour, worst
from services.workflow.suggestions.domain.figures import (
    BEST_UNIT_WEIGHTS,
    MIN_ASSIGNED_FOR_RANKING,
    best_units,
    rates,
)
from services.workflow.suggestions.queries import (
    Scope,
    by_month,
    counts_by_unit,
    figures_of,
    unit_colours,
)

blp = Blueprint("figures", __name__, url_prefix="/figures", description="Figures")


class ScopeQuery(Schema):
    tenant = fields.String(
        metadata={"description": "a node id, counted with its subtree; default: the key's reach"}
    )
    year = Year()
    session_name = fields.String()


class BestQuery(ScopeQuery):
    n = BoundedInteger(minimum=1, maximum=50, strict=False, load_default=5)


class CountsOut(Schema):
    assigned = fields.Integer()
    closed = fields.Integer()
    replied = fields.Integer()
    replied_on_time = fields.Integer()
    done = fields.Integer()
    evaluated = fields.Integer()
    satisfied = fields.Integer()
    basically_satisfied = fields.Integer()
    second_assignments = fields.Integer()


class RatesOut(Schema):
    closure = fields.Float(allow_none=True, metadata={"description": "closed / assigned"})
    on_time = fields.Float(allow_none=True, metadata={"description": "replied on time / replied"})
    done = fields.Float(allow_none=True, metadata={"description": "done / assigned"})
    satisfaction = fields.Float(
        allow_none=True, metadata={"description": "(satisfied + basically) / evaluated"}
    )
    strict_satisfaction = fields.Float(
        allow_none=True, metadata={"description": "satisfied / evaluated"}
    )


class FiguresOut(Schema):
    counts = fields.Nested(CountsOut)
    rates = fields.Nested(RatesOut)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_colour = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "suggestions in handling, by their lead unit's colour"},
    )
    by_class = fields.Dict(keys=fields.String(), values=fields.Integer())


class UnitFiguresOut(Schema):
    unit_id = fields.String()
    counts = fields.Nested(CountsOut)
    rates = fields.Nested(RatesOut)


class UnitListOut(Schema):
    items = fields.List(fields.Nested(UnitFiguresOut))


class BestUnitOut(Schema):
    unit_id = fields.String()
    score = fields.Float()


class BestUnitsOut(Schema):
    formula = fields.String()
    items = fields.List(fields.Nested(BestUnitOut))


class MonthQuery(ScopeQuery):
    months = BoundedInteger(minimum=1, maximum=36, strict=False, load_default=12)


class MonthOut(Schema):
    month = fields.String(metadata={"description": "YYYY-MM, in Asia/Shanghai"})
    filed = fields.Integer(metadata={"description": "suggestions filed in the month"})
    closed = fields.Integer(
        metadata={"description": "suggestions closed in the month (screened-out ones not counted)"}
    )


class MonthsOut(Schema):
    items = fields.List(fields.Nested(MonthOut))


class UnitColourOut(Schema):
    unit_id = fields.String()
    colour = fields.String(metadata={"description": "the worst colour of its open assignments"})
    open_by_colour = fields.Dict(keys=fields.String(), values=fields.Integer())


def _scope(query: dict[str, Any]) -> Scope:
    """The key's reach, or the node asked for within it: a city counts its whole tree."""
    who = principal()
    if "tenant" not in query:
        return Scope(who.node_path, None, query.get("year"), query.get("session_name"))
    node = node_in_reach("workflow", query["tenant"], "tenant")
    return Scope.under(node, query.get("year"), query.get("session_name"))


@blp.route("")
@blp.arguments(ScopeQuery, location="query")
@blp.response(200, FiguresOut)
def figures(query: dict[str, Any]) -> dict[str, Any]:
    """Closure, on-time, done and satisfaction rates, and counts by state, colour and class."""
    with service("workflow").db.session() as session:
        f = figures_of(session, _scope(query))
    return {
        "counts": f.counts,
        "rates": rates(f.counts),
        "by_state": f.by_state,
        "by_colour": f.by_colour,
        "by_class": f.by_class,
    }


@blp.route("/units")
@blp.arguments(ScopeQuery, location="query")
@blp.response(200, UnitListOut)
def unit_figures(query: dict[str, Any]) -> Response:
    """The same figures for each lead unit."""
    with service("workflow").db.session() as session:
        by_unit = counts_by_unit(session, _scope(query))
    # Written as UnitListOut dumps it, not through it: marshmallow took ~2 ms of CPU for a
    # city's hundred-odd units, a third of the request. Counts and Rates hold exactly the
    # fields of CountsOut and RatesOut, as ints and floats (tests/unit/test_figures_schemas).
    return jsonify(
        items=[
            {"unit_id": unit_id, "counts": vars(c), "rates": vars(rates(c))}
            for unit_id, c in sorted(by_unit.items())
        ]
    )


@blp.route("/best-units")
@blp.arguments(BestQuery, location="query")
@blp.response(200, BestUnitsOut)
def best(query: dict[str, Any]) -> dict[str, Any]:
    """The year's best handling units (commended each year, seeds/003)."""
    with service("workflow").db.session() as session:
        by_unit = counts_by_unit(session, _scope(query))
    weights = " + ".join(f"{w} × {name}" for name, w in BEST_UNIT_WEIGHTS.items())
    return {
        "formula": f"{weights}; units with at least {MIN_ASSIGNED_FOR_RANKING} suggestions",
        "items": [{"unit_id": u, "score": s} for u, s in best_units(by_unit, query["n"])],
    }


@blp.route("/by-month")
@blp.arguments(MonthQuery, location="query")
@blp.response(200, MonthsOut)
def months(query: dict[str, Any]) -> dict[str, Any]:
    """Suggestions filed and closed in each of the last months, this one included."""
    this_month = local_date(service("workflow").clock.now()).replace(day=1)
    firsts = [add_months(this_month, -back) for back in reversed(range(query["months"]))]
    with service("workflow").db.session() as session:
        return {"items": by_month(session, _scope(query), firsts)}


@blp.route("/units/<unit_id>/colour")
@blp.response(200, UnitColourOut)
def unit_colour(unit_id: str) -> dict[str, Any]:
    """A unit's colour: the worst of its open assignments."""
    unit = service("workflow").directory.unit(unit_id)
    if unit is None or not principal().can_see(unit.node_path):
        raise not_found("unit")
    with service("workflow").db.session() as session:
        by_colour = unit_colours(session, unit_id)
    return {
        "unit_id": unit_id,
        "colour": worst(Colour(c) for c in by_colour),
        "open_by_colour": by_colour,
    }
