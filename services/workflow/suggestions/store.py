"""The suggestion aggregate's tables, and the per-tenant configuration only it reads
(routing rules, topic lists).

`suggestions` carries denormalised facts (current round, lead unit, deadline, first reply,
final rating, …); `suggestion_figures` sums them per group of suggestions the figures tell
apart, kept by every flush that writes a suggestion (ADR 0017), so that each of the
committee's figures reads a few hundred rows however long the term; the history tables
(assignments, records, replies, evaluations, meetings, opinions) are append-only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    bindparam,
    delete,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from runtime.db import upsert_in
from runtime.messaging_tables import BigId
from runtime.types import UtcDateTime
from services.workflow.store import Base


class Suggestion(Base):
    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_tenant_state", "tenant", "state"),
        Index(
            "ix_suggestions_tenant_path",
            "tenant_path",
            postgresql_ops={"tenant_path": "varchar_pattern_ops"},
        ),
        Index("ix_suggestions_tenant_year", "tenant", "year"),
        Index("ix_suggestions_lead_unit_year", "lead_unit_id", "year"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    lead_deputy_id: Mapped[str] = mapped_column(String(32))
    cosigner_ids: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    occasion: Mapped[str] = mapped_column(String(16))
    session_name: Mapped[str | None] = mapped_column(String(120))
    urgent: Mapped[bool] = mapped_column(Boolean)
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    source_opinion_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    screening_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    fitting_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    return_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    leading_official: Mapped[str | None] = mapped_column(String(120))
    supervisor: Mapped[str | None] = mapped_column(String(120))
    round: Mapped[int] = mapped_column(Integer, default=0)
    lead_unit_id: Mapped[str | None] = mapped_column(String(32))
    deadline: Mapped[date | None] = mapped_column(Date)
    colour: Mapped[str | None] = mapped_column(String(8))
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    first_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    replied_on_time: Mapped[bool | None] = mapped_column(Boolean)
    reply_class: Mapped[str | None] = mapped_column(String(1))
    evaluation_closes: Mapped[date | None] = mapped_column(Date)
    evaluated_round: Mapped[int] = mapped_column(Integer, default=0)
    final_result: Mapped[str | None] = mapped_column(String(20))
    """Worst result rating of the last evaluated round."""
    second_assignments: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    follow_up_deadline: Mapped[date | None] = mapped_column(Date)
    follow_up_colour: Mapped[str | None] = mapped_column(String(8))
    publish: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SuggestionFigures(Base):
    """How many suggestions share these columns, and how many of them count in each figure:
    `GROUP BY` of `suggestions` over the columns the figures filter and group by, kept in
    the transaction that changes a suggestion (ADR 0017). Only groups with suggestions in
    them have a row, as a `GROUP BY` gives."""

    __tablename__ = "suggestion_figures"
    __table_args__ = (
        Index("ix_suggestion_figures_tenant_year", "tenant", "year"),
        Index(
            "ix_suggestion_figures_tenant_path",
            "tenant_path",
            postgresql_ops={"tenant_path": "varchar_pattern_ops"},
        ),
    )

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    """The group's columns as a JSON list: one unique key whatever is NULL in it."""
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    session_name: Mapped[str | None] = mapped_column(String(120))
    lead_unit_id: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(20))
    colour: Mapped[str | None] = mapped_column(String(8))
    reply_class: Mapped[str | None] = mapped_column(String(1))
    suggestions: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    replied: Mapped[int] = mapped_column(Integer)
    replied_on_time: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    evaluated: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    basically_satisfied: Mapped[int] = mapped_column(Integer)
    second_assignments: Mapped[int] = mapped_column(Integer)


GROUP_COLUMNS = (
    "tenant",
    "tenant_path",
    "year",
    "session_name",
    "lead_unit_id",
    "state",
    "colour",
    "reply_class",
)
SUM_COLUMNS = (
    "suggestions",
    "assigned",
    "closed",
    "replied",
    "replied_on_time",
    "done",
    "evaluated",
    "satisfied",
    "basically_satisfied",
    "second_assignments",
)
READ_COLUMNS = (
    *GROUP_COLUMNS,
    "first_assigned_at",
    "closed_at",
    "first_replied_at",
    "replied_on_time",
    "done_at",
    "final_result",
    "second_assignments",
)
"""The columns of `suggestions` a group and its sums are made of."""
Contributions = dict[tuple, list[int]]


def contribution(get: Callable[[str], Any]) -> tuple[tuple, tuple[int, ...]]:
    """One suggestion's group and what it adds to each sum (`get` reads a column)."""
    group = tuple(str(v) if c == "state" else v for c in GROUP_COLUMNS for v in (get(c),))
    result = get("final_result")
    sums = (
        1,
        get("first_assigned_at") is not None,
        get("closed_at") is not None,
        get("first_replied_at") is not None,
        get("replied_on_time") is True,
        get("done_at") is not None,
        result is not None,
        result == "satisfied",
        result == "basically_satisfied",
        get("second_assignments") or 0,
    )
    return group, tuple(int(n) for n in sums)


def add(into: Contributions, get: Callable[[str], Any], sign: int = 1) -> None:
    group, sums = contribution(get)
    total = into.setdefault(group, [0] * len(SUM_COLUMNS))
    for i, n in enumerate(sums):
        total[i] += sign * n


def add_figures(session: Session, changes: Contributions) -> None:
    """Adds each group's change to its row (an upsert), then removes emptied rows. Groups in
    key order, so two transactions never wait on each other's rows in a cycle."""
    keyed = sorted(
        (json.dumps(group, ensure_ascii=False), group, sums) for group, sums in changes.items()
    )
    keyed = [(key, group, sums) for key, group, sums in keyed if any(sums)]
    if not keyed:
        return
    rows = [
        {
            "key": key,
            **dict(zip(GROUP_COLUMNS, group, strict=True)),
            **dict(zip(SUM_COLUMNS, sums, strict=True)),
        }
        for key, group, sums in keyed
    ]
    # One statement sent for every group (executemany on the connection: the ORM's bulk
    # path compiles a seeded term's thousands of groups for seconds), built once per dialect:
    # building it costs more than running it, and every flush of a suggestion runs it.
    session.connection().execute(_adding(session.get_bind().dialect.name), rows)
    if any(n < 0 for _, _, sums in keyed for n in sums):
        session.execute(_EMPTIED, {"keys": [key for key, _, _ in keyed]})


@lru_cache(maxsize=4)
def _adding(dialect: str) -> Any:
    """The upsert adding a group's change to its row."""
    table = SuggestionFigures.__table__
    statement = upsert_in(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={c: table.c[c] + statement.excluded[c] for c in SUM_COLUMNS},
    )


_EMPTIED = delete(SuggestionFigures).where(
    SuggestionFigures.key.in_(bindparam("keys", expanding=True)),
    SuggestionFigures.suggestions == 0,
)
"""Groups a change left empty (only a change that takes suggestions away can)."""


@event.listens_for(Session, "before_flush")
def _keep_figures(session: Session, _context: Any, _instances: Any) -> None:
    """Before suggestions are written, their old group loses them and their new one gains
    them, in the same transaction: the figures change exactly when the suggestion does
    (an event handled twice is stopped by the inbox before it writes anything)."""
    new = [o for o in session.new if isinstance(o, Suggestion)]
    gone = [o for o in session.deleted if isinstance(o, Suggestion)]
    changed = [o for o in session.dirty if isinstance(o, Suggestion) and _figures_changed(o)]
    if not (new or gone or changed):
        return
    changes: Contributions = {}
    for o in new + changed:
        add(changes, lambda c, o=o: getattr(o, c))
    for row in _stored(session, [o.id for o in changed + gone]):
        add(changes, row._mapping.get, -1)
    add_figures(session, changes)


def _figures_changed(suggestion: Suggestion) -> bool:
    attrs = inspect(suggestion).attrs
    return any(attrs[c].history.has_changes() for c in READ_COLUMNS)


def _stored(session: Session, ids: Iterable[str]) -> list[Any]:
    """The rows as the database has them, before this flush writes the changes."""
    ids = list(ids)
    if not ids:
        return []
    with session.no_autoflush:
        return list(session.execute(_STORED, {"ids": ids}))


_STORED = select(*(getattr(Suggestion, c) for c in READ_COLUMNS)).where(
    Suggestion.id.in_(bindparam("ids", expanding=True))
)


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_unit", "unit_id"),
        Index("ix_assignments_open", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(8))
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(12), default="active")
    """active; ended; withdrawn (the units were changed, or the suggestion was screened out:
    not held against the unit)."""
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[date] = mapped_column(Date)
    """The lead unit's reply deadline, or a co-handling unit's input deadline."""
    deadline_basis: Mapped[str] = mapped_column(String(10), default="rule-based")
    """official, or rule-based when a year it crosses had no official holiday schedule
    loaded when it was computed (it is not recomputed when one is loaded later)."""
    colour: Mapped[str] = mapped_column(String(8), default="white")
    adjust_reason: Mapped[str | None] = mapped_column(Text)
    adjust_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    suggestion: Mapped[Suggestion] = relationship(lazy="raise")
    """Never read: it tells the unit of work that a suggestion is inserted before its
    assignments when one flush writes both (a new suggestion assigned at once)."""


class HandlingRecord(Base):
    """Contacts with the deputy, commitments, ledger lines and co-handling input."""

    __tablename__ = "handling_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reply(Base):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(32))
    reply_class: Mapped[str] = mapped_column(String(1))
    text: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    replied_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EvaluationRow(Base):
    """One proposer's rating of one round's reply. Never changed."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_suggestion_round", "suggestion_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"))
    round: Mapped[int] = mapped_column(Integer)
    deputy_id: Mapped[str] = mapped_column(String(32))
    attitude: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Meeting(Base):
    """A face-to-face meeting (知情议政会) before a second assignment."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)


class SupervisionOpinion(Base):
    __tablename__ = "supervision_opinions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class NumberSequence(Base):
    """Last number given per tenant and year; its row lock serialises numbering."""

    __tablename__ = "number_sequences"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


def next_number(session: Session, tenant: str, year: int) -> int:
    """Atomically take the next number for the tenant and year (an upsert, no race)."""
    taken = session.connection().execute(
        _numbering(session.get_bind().dialect.name), {"tenant": tenant, "year": year}
    )
    return int(taken.scalar_one())


@lru_cache(maxsize=4)
def _numbering(dialect: str) -> Any:
    """The upsert taking a number, built once per dialect and run on the connection (no ORM
    objects are involved): every suggestion filed runs it."""
    table = NumberSequence.__table__
    statement = upsert_in(dialect, table)
    return (
        statement.values(tenant=bindparam("tenant"), year=bindparam("year"), last=1)
        .on_conflict_do_update(index_elements=["tenant", "year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )


class RoutingRule(Base):
    """Category → lead unit (and co-handling units) for one tenant; editable at run time."""

    __tablename__ = "routing_rules"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    lead_unit_id: Mapped[str] = mapped_column(String(32))
    co_unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class TopicListEntry(Base):
    __tablename__ = "topic_list_entries"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    polarity: Mapped[str] = mapped_column(String(8), primary_key=True)
    keyword: Mapped[str] = mapped_column(String(60), primary_key=True)
