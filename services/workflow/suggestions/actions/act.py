"""One action in progress, and the look-ups every stage's actions share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.directory import Directory
from runtime.work import WorkContext
from services.workflow.domain.actors import Actor, check_units_of
from services.workflow.domain.calendar import local_date
from services.workflow.domain.deadlines import DeadlinePolicy
from services.workflow.domain.rules import RuleBroken
from services.workflow.suggestions.store import Assignment, Suggestion


@dataclass
class Act:
    """One action in progress: who, on what, with which arguments, and when."""

    ctx: WorkContext
    suggestion: Suggestion
    actor: Actor
    args: dict[str, Any]
    """Checked and typed by the action's schema in contracts/actions.py."""
    now: datetime
    policy: DeadlinePolicy

    @property
    def session(self) -> Session:
        return self.ctx.session

    @property
    def today(self) -> date:
        return local_date(self.now)


Performer = Callable[[Act], None]


def active_assignments(session: Session, suggestion: Suggestion) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.suggestion_id == suggestion.id,
                Assignment.round == suggestion.round,
                Assignment.status == "active",
            )
            .order_by(Assignment.id)
        )
    )


def current_assignment(act: Act, unit_id: str, role: str | None = None) -> Assignment:
    for assignment in active_assignments(act.session, act.suggestion):
        if assignment.unit_id == unit_id and (role is None or assignment.role == role):
            return assignment
    what = {"lead": "the lead unit", "co": "a co-handling unit", None: "assigned"}[role]
    raise RuleBroken(f"unit {unit_id} is not {what} of this suggestion now", "unit_id")


def check_units(directory: Directory, tenant: str, unit_ids: list[str], field: str) -> None:
    congress = {}
    for unit_id in unit_ids:
        unit = directory.unit(unit_id)
        congress[unit_id] = unit.node_id if unit else None
    check_units_of(tenant, congress, field)
