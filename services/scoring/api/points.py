"""A deputy's duty points: balance and ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from contracts.fields import Limit, Offset
from runtime.directory.service import Person
from runtime.http import not_found, principal, service
from services.scoring.domain.points import Entry, balance
from services.scoring.store import PointsEntry

blp = Blueprint("points", __name__, url_prefix="/deputies", description="Duty points")


class Points(fields.Field):
    """An exact two-place amount as a JSON number (2, -5, 1.5): JSON numbers are decimal
    text, and a two-place Decimal prints as itself."""

    def _serialize(self, value: Decimal | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        value = Decimal(value)
        return int(value) if value == value.to_integral_value() else float(value)


class EntryOut(Schema):
    id = fields.Integer()
    activity = fields.String()
    points = Points(metadata={"type": "number"})
    reason = fields.String()
    reverses_id = fields.Integer(allow_none=True)
    office_path = fields.String(allow_none=True)
    organiser = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)
    occurred_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()


class PointsQuery(Schema):
    limit = Limit(maximum=1000, load_default=1000)
    offset = Offset()
    newest_first = fields.Boolean(
        load_default=False, metadata={"description": "the newest entries first"}
    )


class PointsOut(Schema):
    deputy_id = fields.String()
    total = Points(metadata={"type": "number", "description": "the balance of every entry"})
    count = fields.Integer(metadata={"description": "how many entries the ledger holds"})
    entries = fields.List(
        fields.Nested(EntryOut), metadata={"description": "one page of them, in time order"}
    )


def readable_deputy(deputy_id: str) -> Person:
    """The deputy whose points the key may read: the keys of the congress's place and the
    deputy's own, never a unit's nor another deputy's (ADR 0005); else a 404."""
    who = principal()
    deputy = service("scoring").directory.deputy(deputy_id)
    if (
        deputy is None
        or not who.can_see(deputy.node_path)
        or who.role == "unit"
        or (who.role == "deputy" and who.subject != deputy_id)
    ):
        raise not_found("deputy")
    return deputy


@blp.route("/<deputy_id>/points")
@blp.arguments(PointsQuery, location="query")
@blp.response(200, PointsOut)
def get_points(query: dict[str, Any], deputy_id: str) -> dict[str, Any]:
    """The deputy's balance over the whole ledger and one page of its entries, oldest first
    (`newest_first` for the latest); a term's ledger fits in one page of the default size."""
    readable_deputy(deputy_id)
    mine = PointsEntry.deputy_id == deputy_id
    order = [PointsEntry.occurred_at, PointsEntry.id]
    if query["newest_first"]:
        order = [column.desc() for column in order]
    with service("scoring").db.session() as session:
        amounts = session.execute(
            select(PointsEntry.activity, PointsEntry.points, PointsEntry.reverses_id).where(mine)
        ).all()
        rows = list(
            session.scalars(
                select(PointsEntry)
                .where(mine)
                .order_by(*order)
                .limit(query["limit"])
                .offset(query["offset"])
            )
        )
    return {
        "deputy_id": deputy_id,
        "total": balance(Entry(*amount) for amount in amounts),
        "count": len(amounts),
        "entries": rows,
    }


filings = Blueprint("filings", __name__, url_prefix="/", description="Filed duty activities")


class FilingOut(Schema):
    id = fields.String()
    entries = fields.List(fields.Nested(EntryOut))


def _readable(rows: list[PointsEntry]) -> list[PointsEntry]:
    """The committee and system keys of the place (or above) read a filing's entries."""
    who = principal()
    if who.role in ("unit", "deputy"):
        return []
    return [
        row for row in rows if who.can_see(row.tenant_path) or who.can_see(row.office_path or "")
    ]


@filings.route("/filings/<filing_id>")
@filings.response(200, FilingOut)
def get_filing(filing_id: str) -> dict[str, Any]:
    """The ledger entries a filing of duty activities booked (a receipt's resource)."""
    with service("scoring").db.session() as session:
        rows = list(
            session.scalars(
                select(PointsEntry)
                .where(PointsEntry.source.like(f"activity:{filing_id}:%"))
                .order_by(PointsEntry.id)
            )
        )
    readable = _readable(rows) if len(filing_id) <= 36 and "%" not in filing_id else []
    if not readable:
        raise not_found("filing")
    return {"id": filing_id, "entries": readable}


@filings.route("/entries/<entry_id>")
@filings.response(200, EntryOut)
def get_entry(entry_id: str) -> PointsEntry:
    """One ledger entry (a correction's receipt points at the entry it reversed)."""
    known = entry_id.isascii() and entry_id.isdigit() and int(entry_id) < 2**63
    with service("scoring").db.session() as session:
        row = session.get(PointsEntry, int(entry_id)) if known else None
    readable = _readable([row]) if row else []
    if not readable:
        raise not_found("entry")
    return readable[0]
