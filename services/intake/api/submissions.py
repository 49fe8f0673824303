"""Taking a write in: authenticate, validate, store with its Idempotency-Key, answer 202."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from functools import cache, partial
from typing import Any

from flask import g, request, url_for
from sqlalchemy import Connection, Engine, Insert, Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.context import ServiceRuntime
from runtime.db import Database
from runtime.directory import Principal
from runtime.http import principal, service
from runtime.idempotency import REPLAYED, fingerprint_request, key_reused
from runtime.problems import DomainProblem
from services.intake.domain.receipts import Status
from services.intake.store import Submission

RESOURCE_PATHS = {
    "suggestion": "/workflow/v1/suggestions/{id}",
    "opinion": "/workflow/v1/opinions/{id}",
    "vote": "/workflow/v1/public/votes/{id}",
    "project": "/workflow/v1/projects/{id}",
    "candidate_list": "/workflow/v1/projects/candidate-lists/{id}",
    "duty_activities": "/scoring/v1/filings/{id}",
    "points_entry": "/scoring/v1/entries/{id}",
    "points_list": "/scoring/v1/public/points-lists/{id}",
    "interview": "/scoring/v1/interviews/{id}",
    "duty_report": "/scoring/v1/duty-reports/{id}",
    "duty_stars": "/scoring/v1/duty-stars/{id}",
    "station_ratings": "/scoring/v1/station-ratings/{id}",
    "review_round": "/scoring/v1/reviews/{id}",
    "consultation": "/workflow/v1/consultations/{id}",
}

Beside = Callable[[Session, str], list[tuple[str, dict[str, Any]]]]
"""Rows stored beside a submission (given the session and the submission's id), in its
transaction; returns further events to publish with it. Raising refuses the whole request."""

AtOnce = Callable[[Connection, dict[str, Any]], DomainProblem | None]
"""The whole request in one statement on PostgreSQL, the submission row (its columns)
written with what it stores, on a connection in autocommit: returns None once stored, or
why it was refused with nothing stored. Used instead of `beside` there; it publishes no
events."""


def actor_of(who: Principal) -> dict[str, Any]:
    """Who asks for an action, as the action events carry it for workflow's rules."""
    return {
        "key_id": who.key_id,
        "role": who.role,
        "subject": who.subject,
        "node_id": who.node_id,
        "node_path": who.node_path,
    }


SUBJECT_FIELDS = {"unit": "unit_id", "deputy": "deputy_id"}
"""The body field naming who acts, which a unit's or deputy's own key may only repeat."""


def refuse_other_subject(who: Principal, body: dict[str, Any]) -> None:
    """A unit's or deputy's key acts as itself: naming another is refused here, before a
    receipt exists, rather than silently replaced downstream. Every door where a body
    may name a unit or deputy (suggestion, opinion and project actions, recorded
    opinions) asks this."""
    field = SUBJECT_FIELDS.get(who.role)
    if field and body.get(field) is not None and body[field] != who.subject:
        raise DomainProblem(
            403,
            "Forbidden",
            f"This key acts only as {who.role} {who.subject}, not {body[field]}: "
            f"leave out {field} or give {who.subject}.",
            field=field,
            reason=f"must be this key's own {who.role}, {who.subject}",
        )


def receipt_view(submission: Submission | Mapping[str, Any]) -> dict[str, Any]:
    """The receipt of a stored submission, or of the columns of one just written (submit
    answers from those: building the ORM object cost more than the rest of the receipt)."""
    get = submission.get if isinstance(submission, Mapping) else partial(getattr, submission)
    resource = None
    if get("resource_id"):
        resource = {
            "type": get("resource_type"),
            "id": get("resource_id"),
            "number": get("resource_number"),
            "href": RESOURCE_PATHS[get("resource_type") or ""].format(id=get("resource_id")),
        }
    return {
        "id": get("id"),
        "kind": get("kind"),
        "status": get("status"),
        "tenant": get("tenant"),
        "resource": resource,
        "reason": get("reason"),
        "field": get("field"),
        "created_at": get("created_at"),
        "updated_at": get("updated_at"),
        "href": url_for("receipts.get_receipt", receipt_id=get("id")),
    }


def submit(
    *,
    kind: str,
    idempotency_key: str,
    tenant: str,
    tenant_path: str,
    event_name: str | None,
    event_data: dict[str, Any],
    payload: Any = None,
    status: Status = Status.PENDING,
    beside: Beside | None = None,
    at_once: AtOnce | None = None,
    fingerprint: str | None = None,
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Store the submission and its event in one transaction; replay a repeated key.

    `payload` is what the log keeps of the request: the JSON body unless given (a ballot
    keeps only who cast it, never the choice; an uploaded sheet, its rows; an opinion, no
    phone in clear). The Idempotency-Key's fingerprint is taken over it alone, unless
    `fingerprint` is given: a repeat recognised by something other than the body (the same
    opinion folded, ADR 0011).
    """
    rt = service("intake")
    who = principal()
    kept = request.get_json(silent=True) if payload is None else payload
    fingerprint = fingerprint or fingerprint_request(kept)
    now = rt.clock.now()
    row: dict[str, Any] = {
        **_NO_RESOURCE,
        "id": str(uuid.uuid4()),
        "kind": kind,
        "node_id": who.node_id,
        "tenant": tenant,
        "tenant_path": tenant_path,
        "key_id": who.key_id,
        "idempotency_key": idempotency_key,
        "request_hash": fingerprint,
        "status": status,
        "payload": kept,
        "created_at": now,
        "updated_at": now,
    }
    first = (
        [(event_name, {"submission_id": row["id"], "submitted_at": now, **event_data})]
        if event_name
        else []
    )
    try:
        if at_once is not None and not rt.db.is_sqlite:
            assert not first, "a request stored at once publishes no events"
            with _autocommit(rt.db).connect() as connection:
                refusal = at_once(connection, row)
            if refusal is not None:
                # Refused unless this is a repeat of a request already stored: a replay.
                existing = _existing(who.node_id, idempotency_key)
                if existing is None:
                    raise refusal
                return _replay(existing, fingerprint)
        elif beside is None and not rt.db.is_sqlite:
            _store_at_once(rt, row, first, tenant)
        else:
            with rt.db.transaction() as session:
                session.execute(_INSERT_SUBMISSION, row)
                events = first + (beside(session, row["id"]) if beside else [])
                for name, data in events:
                    rt.outbox.add(
                        session, name, data, tenant=tenant, correlation_id=g.correlation_id
                    )
    except IntegrityError:
        # The key was used before (a retry, or a concurrent request that won the race):
        # the unique constraint says so, and the first submission answers.
        existing = _existing(who.node_id, idempotency_key)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    rt.outbox.wake_relay()
    body = receipt_view(row)
    return body, 202, {"Location": body["href"]}


_INSERT_SUBMISSION = insert(Submission.__table__)
_NO_RESOURCE = dict.fromkeys(("resource_type", "resource_id", "resource_number", "reason", "field"))


def _store_at_once(
    rt: ServiceRuntime, row: dict[str, Any], events: list[tuple[str, dict[str, Any]]], tenant: str
) -> None:
    """The submission and its events in one statement on PostgreSQL, in autocommit: a
    statement is its own transaction, so both are kept or neither (the outbox's
    guarantee) in one round trip instead of four (BEGIN, two INSERTs, COMMIT). A reused
    Idempotency-Key fails the whole statement on the unique constraint, as it fails the
    transaction of the other path."""
    params = {f"s_{key}": value for key, value in row.items()}
    for n, (name, data) in enumerate(events):
        _, event_row = rt.outbox.prepare(name, data, tenant=tenant, correlation_id=g.correlation_id)
        params.update({f"e{n}_{key}": value for key, value in event_row.items()})
    rt.db.execute_alone(_at_once(rt.outbox.table, rt.outbox.channel, len(events)), params)


@cache
def _autocommit(db: Database) -> Engine:
    """The database's engine (and pool) with each statement committed on its own."""
    return db.engine.execution_options(isolation_level="AUTOCOMMIT")


@cache
def _at_once(outbox: Table, channel: str, events: int) -> Insert:
    """INSERT the submission, with its events' INSERT in a WITH (PostgreSQL runs each
    data-modifying WITH exactly once, to completion), NOTIFYing the relays with the
    commit as `Outbox.add` does. Built once per number of events, so SQLAlchemy's
    compiled form and psycopg's prepared statements serve every call (a multi-row
    VALUES would be compiled afresh each time)."""
    submissions = Submission.__table__
    statement = insert(submissions).values(
        {c.key: bindparam(f"s_{c.key}", type_=c.type) for c in submissions.columns}
    )
    for n in range(events):
        written = insert(outbox).values(
            {c: bindparam(f"e{n}_{c}", type_=outbox.c[c].type) for c in _EVENT_COLUMNS}
        )
        statement = statement.add_cte(written.cte(f"event{n}"))
    return statement.returning(func.pg_notify(channel, "")) if events else statement


_EVENT_COLUMNS = ("event_id", "type", "routing_key", "headers", "payload", "created_at")


def _existing(node_id: str, idempotency_key: str) -> Submission | None:
    with service("intake").db.session() as session:
        return session.scalar(
            select(Submission).where(
                Submission.node_id == node_id, Submission.idempotency_key == idempotency_key
            )
        )


def _replay(existing: Submission, fingerprint: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    if existing.request_hash != fingerprint:
        raise key_reused()
    body = receipt_view(existing)
    return body, 202, {"Location": body["href"], **REPLAYED}
