"""The committee's figures as SQL aggregates over `suggestions` (each an indexed scan of one
county's year, or of the caller's reach)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.workflow.domain.figures import Counts
from services.workflow.store import Assignment, Suggestion


@dataclass(frozen=True)
class Scope:
    path_prefix: str
    """Only suggestions under this node of the tenant tree (the caller's reach)."""
    tenant: str | None = None
    year: int | None = None
    session_name: str | None = None

    def where(self, statement: Select) -> Select:
        s = Suggestion
        if self.tenant:
            # The API has checked that the tenant is within the caller's reach.
            statement = statement.where(s.tenant == self.tenant)
        elif self.path_prefix != "/":
            statement = statement.where(s.tenant_path.startswith(self.path_prefix))
        if self.year is not None:
            statement = statement.where(s.year == self.year)
        if self.session_name is not None:
            statement = statement.where(s.session_name == self.session_name)
        return statement


def _counted(column: Any) -> Any:
    return func.count().filter(column)


COUNT_COLUMNS = {
    "assigned": _counted(Suggestion.first_assigned_at.is_not(None)),
    "closed": _counted(Suggestion.closed_at.is_not(None)),
    "replied": _counted(Suggestion.first_replied_at.is_not(None)),
    "replied_on_time": _counted(Suggestion.replied_on_time.is_(True)),
    "done": _counted(Suggestion.done_at.is_not(None)),
    "evaluated": _counted(Suggestion.final_result.is_not(None)),
    "satisfied": _counted(Suggestion.final_result == "satisfied"),
    "basically_satisfied": _counted(Suggestion.final_result == "basically_satisfied"),
    "second_assignments": func.coalesce(func.sum(Suggestion.second_assignments), 0),
}


def counts_statement(scope: Scope) -> Select:
    return scope.where(select(*(c.label(n) for n, c in COUNT_COLUMNS.items())))


def counts(session: Session, scope: Scope) -> Counts:
    row = session.execute(counts_statement(scope)).one()
    return Counts(**{name: int(row._mapping[name]) for name in COUNT_COLUMNS})


def counts_by_unit(session: Session, scope: Scope) -> dict[str, Counts]:
    statement = scope.where(
        select(Suggestion.lead_unit_id, *(c.label(n) for n, c in COUNT_COLUMNS.items()))
        .where(Suggestion.lead_unit_id.is_not(None))
        .group_by(Suggestion.lead_unit_id)
    )
    return {
        row.lead_unit_id: Counts(**{name: int(row._mapping[name]) for name in COUNT_COLUMNS})
        for row in session.execute(statement)
    }


def breakdown(session: Session, scope: Scope, column: Any) -> dict[str, int]:
    statement = scope.where(select(column, func.count()).group_by(column))
    return {str(key): int(n) for key, n in session.execute(statement) if key is not None}


def open_by_colour(session: Session, scope: Scope) -> dict[str, int]:
    """Suggestions in handling now, by their lead assignment's colour."""
    statement = scope.where(
        select(Suggestion.colour, func.count())
        .where(Suggestion.state == "assigned")
        .group_by(Suggestion.colour)
    )
    return {str(colour): int(n) for colour, n in session.execute(statement)}


def unit_colours(session: Session, unit_id: str) -> dict[str, int]:
    """The unit's open assignments (lead or co-handling), by colour."""
    statement = (
        select(Assignment.colour, func.count())
        .where(Assignment.unit_id == unit_id, Assignment.status == "active")
        .group_by(Assignment.colour)
    )
    return {str(colour): int(n) for colour, n in session.execute(statement)}
