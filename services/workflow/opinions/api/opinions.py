"""Read side of opinions: worklists by deadline and an opinion's record with its route.

The phone (and name) appear in clear only in the handling record read by the office that
holds the opinion now; every other answer shows the masked phone.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from contracts.contact import cipher
from runtime.directory import Principal
from runtime.http import node_in_reach, not_found, principal, service
from services.workflow.opinions.api.schemas import (
    OpinionDetailOut,
    OpinionFiguresOut,
    OpinionFiguresQuery,
    OpinionItemOut,
    OpinionItemPage,
    OpinionQuery,
)
from services.workflow.opinions.queries import (
    holds,
    may_read,
    monthly_figures,
    route,
    worklist,
)
from services.workflow.opinions.store import Opinion

blp = Blueprint("opinions", __name__, url_prefix="/opinions", description="Opinions")

FIELDS = tuple(
    name for name in OpinionItemOut._declared_fields if name not in ("phone", "name", "photos")
)
PHOTO_PATH = "/intake/v1/public/opinions/photos/{name}"
"""Intake keeps the photos and serves them, without metadata, by their random names."""


def view(opinion: Opinion, *, in_clear: bool = False) -> dict[str, Any]:
    data = {name: getattr(opinion, name) for name in FIELDS}
    data["phone"], data["name"] = opinion.phone_masked, None
    data["photos"] = [
        {**photo, "href": PHOTO_PATH.format(name=photo["name"])} for photo in opinion.photos or []
    ]
    if in_clear:
        keys = cipher(service("workflow").settings.contact_keys)
        if opinion.phone_encrypted:
            data["phone"] = keys.decrypt(opinion.phone_encrypted) or opinion.phone_masked
        if opinion.name_encrypted:
            data["name"] = keys.decrypt(opinion.name_encrypted)
    return data


@blp.route("")
@blp.arguments(OpinionQuery, location="query")
@blp.response(200, OpinionItemPage)
def list_opinions(query: dict[str, Any]) -> dict[str, Any]:
    """The worklist: opinions within the key's reach, soonest deadline first."""
    who = principal()
    with service("workflow").db.session() as session:
        total, rows = worklist(
            session, who, query, limit=query.pop("limit"), offset=query.pop("offset")
        )
        return {"total": total, "items": [view(o) for o in rows]}


@blp.route("/figures")
@blp.arguments(OpinionFiguresQuery, location="query")
@blp.response(200, OpinionFiguresOut)
def opinion_figures(query: dict[str, Any]) -> dict[str, Any]:
    """Received, resolved per level, escalated, forwarded, adopted and the median working
    days to closing, month by month, for a station, township, county or city."""
    who = principal()
    rt = service("workflow")
    node_id, path = who.node_id, who.node_path
    if "node" in query:
        node = node_in_reach("workflow", query["node"], "node")
        node_id, path = node.id, node.path
    with rt.db.session() as session:
        figures = monthly_figures(session, path, query["year"])
    return {
        "node": node_id,
        "year": query["year"],
        "months": [
            {**asdict(m), "median_working_days": m.median_working_days} for m in figures.months()
        ],
    }


@blp.route("/<opinion_id>")
@blp.response(200, OpinionDetailOut)
def get_opinion(opinion_id: str) -> dict[str, Any]:
    """The opinion's handling record with its whole route (在册登记 to closing)."""
    who: Principal = principal()
    with service("workflow").db.session() as session:
        opinion = session.get(Opinion, opinion_id)
        if opinion is None or not may_read(who, opinion):
            raise not_found("opinion")
        detail = view(opinion, in_clear=holds(who, opinion))
        detail["route"] = [
            {
                "at": s.at,
                "kind": s.kind,
                "level": s.level,
                "node_id": s.node_id,
                "actor": s.actor,
                "text": s.text,
                "details": s.details,
            }
            for s in route(session, opinion.id)
        ]
        return detail
