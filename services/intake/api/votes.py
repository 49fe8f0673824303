"""/intake/v1/votes: the committee opens and closes a vote; voting terminals cast ballots.

A ballot is decided here, at the door, in one transaction: the register gets the deputy,
one shard of the anonymous pool gets the choices (a full shard splits, or passes a random
batch on to the box, so no transaction id marks one ballot), the submission log keeps only
who cast it. Casts share the door's lock and run side by side; the close takes it alone. Nothing
goes on the bus until the vote closes; then the box goes out whole, in random-id order,
and the register as one `vote.voted` per deputy in id order (docs/adr/0012-secret-ballot.md).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import (
    JSON,
    Connection,
    Integer,
    String,
    TextClause,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.db import constraint_of
from runtime.directory import Principal
from runtime.http import not_found, principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.openapi import ProblemSchema
from runtime.problems import PROBLEM_TYPE, DomainProblem
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit
from services.intake.api.vote_schemas import (
    AttendanceIn,
    BallotIn,
    BallotReceiptOut,
    DoorOut,
    ScoreVoteIn,
    VoteIn,
)
from services.intake.domain.ballots import Ballot, into_the_pool, is_full, overflow, splits
from services.intake.domain.receipts import Status
from services.intake.store import BallotBox, BallotDoor, BallotPool, Submission, VoteRegister

blp = Blueprint("votes", __name__, url_prefix="/votes", description="Project votes (票决)")

CONFLICT = blp.alt_response(
    409,
    schema=ProblemSchema,
    content_type=PROBLEM_TYPE,
    description="Conflict (problem details): the vote is not open, closed, or the deputy "
    "voted already",
)


def _roll_in_reach(who: Principal, body: dict[str, Any], *, members_too: bool = False) -> None:
    """Everyone on the roll is a deputy of the key's congress (or below it); a monthly
    score's roll may also hold its committee and working-committee members (seeds/003)."""
    directory = service("intake").directory
    people = directory.deputies(list(body["roll"]))
    if members_too:
        people |= directory.members([d for d in body["roll"] if d not in people])
    strangers = [d for d in body["roll"] if d not in people or not who.can_see(people[d].node_path)]
    if strangers:
        whom = "deputies or committee members" if members_too else "deputies"
        raise DomainProblem(
            422,
            "Invalid request",
            f"Not {whom} of your congress: {', '.join(strangers[:5])}.",
            field="roll",
        )


def _ask_to_open(
    headers: dict[str, str], body: dict[str, Any], request_kind: str, **terms: Any
) -> Any:
    """The request to open a vote of some kind; workflow decides by the congress's rules.
    `terms` are what this kind fixes itself (a runoff its parent, a satisfaction vote its
    project); workflow derives the title, seats and candidates of those."""
    who = principal()
    _roll_in_reach(who, body, members_too=terms.get("kind") == "score")
    derived = {"title": None, "seats": None, "candidates": []} if terms else {}
    return submit(
        kind=f"vote.{request_kind}",
        idempotency_key=headers["idempotency_key"],
        tenant=who.node_id,
        tenant_path=who.node_path,
        event_name="vote.open_requested",
        event_data={
            "tenant": who.node_id,
            "tenant_path": who.node_path,
            "runoff_of": None,
            "kind": "election",
            "project_id": None,
            **derived,
            **terms,
            **body,
        },
    )


@blp.route("", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(VoteIn)
@blp.response(202, ReceiptOut)
def open_vote(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Open a vote; the receipt settles with the vote once workflow has checked the quorum
    and the candidate list by the congress's rules."""
    return _ask_to_open(headers, body, "open")


@blp.route("/<vote_id>/runoff", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(AttendanceIn)
@blp.response(202, ReceiptOut)
def open_runoff(headers: dict[str, str], body: dict[str, Any], vote_id: str) -> Any:
    """Open the runoff of a vote tied at its last seat: the tied, for the seats left."""
    return _ask_to_open(headers, body, "runoff", runoff_of=vote_id)


@blp.route("/satisfaction/<project_id>", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(AttendanceIn)
@blp.response(202, ReceiptOut)
def open_satisfaction_vote(headers: dict[str, str], body: dict[str, Any], project_id: str) -> Any:
    """Open the deputies' satisfaction vote on a project (满意度测评): one choice of
    satisfied, basically satisfied, dissatisfied; secret like every vote."""
    return _ask_to_open(headers, body, "satisfaction", kind="satisfaction", project_id=project_id)


@blp.route("/score/<project_id>", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(ScoreVoteIn)
@blp.response(202, ReceiptOut)
def open_score_vote(headers: dict[str, str], body: dict[str, Any], project_id: str) -> Any:
    """Open the month's anonymous score of a project under way (月度评议): one score of 1 to
    10 each (or blank) from those on the roll — deputies, and the congress's committee and
    working-committee members; secret like every vote, and reported as the month's mean.
    A member casts by the same ballot door, their id as `deputy_id`."""
    return _ask_to_open(headers, body, "score", kind="score", project_id=project_id)


def _not_open() -> DomainProblem:
    return DomainProblem(
        409, "Vote not open", "This vote is not open (not yet, or no such vote).", field="vote_id"
    )


def _door(session: Session, who: Principal, vote_id: str, *, lock: bool) -> BallotDoor:
    door = session.get(BallotDoor, vote_id, with_for_update=lock)
    if door is None or not who.can_see(door.tenant_path):
        raise _not_open()
    return door


@dataclass(frozen=True)
class _Terms:
    """What a door fixes when it opens (services/intake/handlers.py) and nothing changes
    after: only whether it is open does."""

    tenant: str
    tenant_path: str
    candidates: frozenset[str]
    choices_allowed: int
    present: frozenset[str]
    tracker: bool


@lru_cache(maxsize=64)
def _terms_of(database: str, vote_id: str) -> _Terms:
    """A door's terms, read once per process and database: every cast would otherwise read
    the door and parse its whole roll (thousands of deputies) from JSON. A door not yet
    open raises, and raising is not cached."""
    with service("intake").db.session() as session:
        door = session.get(BallotDoor, vote_id)
        if door is None:
            raise _not_open()
        return _Terms(
            door.tenant,
            door.tenant_path,
            frozenset(door.candidates),
            door.choices_allowed,
            frozenset(door.present),
            door.tracker,
        )


def _door_terms(who: Principal, vote_id: str) -> _Terms:
    terms = _terms_of(str(service("intake").db.url), vote_id)
    if not who.can_see(terms.tenant_path):
        raise _not_open()
    return terms


DOOR, REGISTER = BallotDoor.__table__, VoteRegister.__table__
POOL, BOX = BallotPool.__table__, BallotBox.__table__
"""A cast's statements are Core, built once and run on the connection: its few rows need
no unit of work, and building a statement (or passing it through the ORM's execute) costs
more CPU than PostgreSQL takes to run it."""

_OPEN = select(DOOR.c.open).where(DOOR.c.vote_id == bindparam("vote_id")).with_for_update(read=True)
_VOTED = select(REGISTER.c.deputy_id).where(
    REGISTER.c.vote_id == bindparam("vote_id"), REGISTER.c.deputy_id == bindparam("deputy_id")
)
_SHARD = (
    select(POOL.c.shard_id, POOL.c.ballots)
    .where(POOL.c.vote_id == bindparam("vote_id"))
    .order_by(func.random())
    .limit(1)
)
_FULL_SHARD = (
    select(POOL.c.ballots)
    .where(POOL.c.vote_id == bindparam("vote_id"), POOL.c.shard_id == bindparam("shard_id"))
    .with_for_update()
)
_SHARDS = select(func.count()).where(POOL.c.vote_id == bindparam("vote_id"))
_REWRITE = (
    update(POOL)
    .where(POOL.c.vote_id == bindparam("vote"), POOL.c.shard_id == bindparam("shard"))
    .values(ballots=bindparam("pool"))
)
_SPLIT_OFF, _TO_THE_BOX = insert(POOL), insert(BOX)
_ENTER = insert(REGISTER)


REGISTER_KEY = "vote_register_pkey"
"""The register's primary key (vote, deputy): the constraint a second ballot of a deputy
breaks."""


@cache
def _casting() -> TextClause:
    """A ballot cast on PostgreSQL in one statement, run in autocommit (a statement is its
    own transaction: all of it is kept or none), so the shard's lock is held for
    PostgreSQL's work and the commit only, never while this process waits for its turn to
    send the next statement. Each step is made from the rows of the one before, so nothing
    is written unless all of it is:

    - `door`: the vote's door if it is open, read `FOR SHARE` (casts run side by side; the
      close's `FOR UPDATE` waits for those under way, and a cast after it finds the door
      shut and writes nothing).
    - `chosen`: one shard of the vote's pool at random, MATERIALIZED so that it is chosen
      once: were it re-evaluated while the update below rechecks a row another cast
      changed meanwhile, it could name another shard and drop the row.
    - `pooled`: the ballot into that shard, kept in id order. A shard another cast holds
      is waited for, then updated as it is now.
    - `entered`: the deputy into the register. A deputy in it already (or entered by a
      cast not yet committed, waited for) breaks its key, REGISTER_KEY, and so fails the
      whole statement.
    - `filed`: the submission; a reused Idempotency-Key fails the whole statement on its
      unique constraint.

    Answers the shard and how many ballots it now holds, or no row if the door is shut.
    """
    columns = Submission.__table__.columns
    values = (
        f"CAST(:s_{c.key} AS json)" if isinstance(c.type, JSON) else f":s_{c.key}" for c in columns
    )
    statement = text(
        f"""
WITH door AS (
    SELECT vote_id FROM ballot_doors WHERE vote_id = :vote_id AND open FOR SHARE
), chosen AS MATERIALIZED (
    SELECT shard_id FROM ballot_pool WHERE vote_id = :vote_id ORDER BY random() LIMIT 1
), pooled AS (
    UPDATE ballot_pool AS shard SET ballots = (
        SELECT json_agg(b ORDER BY b ->> 'ballot_id' COLLATE "C")
        FROM (
            SELECT json_array_elements(shard.ballots) UNION ALL SELECT CAST(:ballot AS json)
        ) AS t (b)
    )
    FROM door, chosen
    WHERE shard.vote_id = door.vote_id AND shard.shard_id = chosen.shard_id
    RETURNING shard.vote_id, shard.shard_id, json_array_length(shard.ballots) AS ballots
), entered AS (
    INSERT INTO vote_register (vote_id, deputy_id) SELECT vote_id, :deputy_id FROM pooled
    RETURNING vote_id
), filed AS (
    INSERT INTO submissions ({", ".join(c.name for c in columns)})
    SELECT {", ".join(values)} FROM entered
    RETURNING id
)
SELECT pooled.shard_id, pooled.ballots FROM pooled, filed
"""
    )
    return statement.bindparams(
        *(bindparam(f"s_{c.key}", type_=c.type) for c in columns),
        bindparam("ballot", type_=JSON),
    ).columns(shard_id=String, ballots=Integer)


@blp.route("/<vote_id>")
@blp.response(200, DoorOut)
def get_door(vote_id: str) -> dict[str, Any]:
    """The vote as a terminal needs it: open or not, the candidates, the choices allowed
    (any key of the congress may read it; nothing in it is personal)."""
    with service("intake").db.session() as session:
        door = session.get(BallotDoor, vote_id)
        if door is None or not principal().can_see(door.tenant_path):
            raise not_found("open vote")
        return {
            "vote_id": door.vote_id,
            "open": door.open,
            "candidates": door.candidates,
            "choices_allowed": door.choices_allowed,
        }


def _a_shard(db: Connection, vote_id: str) -> tuple[str, list[Ballot]]:
    """A random shard of the vote's pool: its id and ballots (SQLite, one writer at a time)."""
    shard = db.execute(_SHARD, {"vote_id": vote_id}).first()
    assert shard is not None, "a door opens with its pool"
    return shard.shard_id, shard.ballots


def _rewrite(
    db: Connection, vote_id: str, shard_id: str, pool: list[Ballot], leaving: list[Ballot]
) -> None:
    """The shard written back; the ballots leaving it split off as a new shard while the
    vote has fewer than MAX_SHARDS, else go to the box."""
    db.execute(_REWRITE, {"vote": vote_id, "shard": shard_id, "pool": pool})
    if leaving and splits(db.scalar(_SHARDS, {"vote_id": vote_id}) or 0):
        split_off = {"vote_id": vote_id, "shard_id": secrets.token_hex(16), "ballots": leaving}
        db.execute(_SPLIT_OFF, split_off)
    elif leaving:
        db.execute(_TO_THE_BOX, [{"vote_id": vote_id, **b} for b in leaving])


def _let_out(vote_id: str, shard_id: str) -> None:
    """A shard a cast left holding twice POOL_SIZE (PostgreSQL) lets a random POOL_SIZE
    out, in a transaction of its own that no register row shares. It holds the door's
    shared lock, so a close waits for it; a shard another cast has let out already, or a
    vote closed meanwhile, is left alone. Should this process die first, the next cast
    into the shard finds it full and lets it out."""
    with service("intake").db.transaction() as session:
        db = session.connection()
        if not db.scalar(_OPEN, {"vote_id": vote_id}):
            return
        pool = db.scalar(_FULL_SHARD, {"vote_id": vote_id, "shard_id": shard_id})
        pool, leaving = overflow(pool or [], _RANDOM)
        if leaving:
            _rewrite(db, vote_id, shard_id, pool, leaving)


_RANDOM = random.SystemRandom()
"""Which ballots leave the pool: unpredictable, or the batches would say when each came."""


def _refused(detail: str, field: str, status: int = 422) -> DomainProblem:
    return DomainProblem(status, "Ballot refused", detail, field=field)


def _unfit(choices: list[str], terms: _Terms) -> DomainProblem | None:
    """What is wrong with the choices themselves, if anything."""
    if len(set(choices)) != len(choices):
        return _refused("A candidate is chosen twice.", "choices")
    strangers = [c for c in choices if c not in terms.candidates]
    if strangers:
        return _refused(f"Not a candidate of this vote: {', '.join(strangers[:5])}.", "choices")
    if len(choices) > terms.choices_allowed:
        return _refused(
            f"{len(choices)} choices; a ballot may carry at most {terms.choices_allowed}.",
            "choices",
        )
    return None


@blp.route("/<vote_id>/ballots", methods=["POST"])
@requires_role("system", "committee")
@CONFLICT
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(BallotIn)
@blp.response(202, BallotReceiptOut)
def cast_ballot(headers: dict[str, str], body: dict[str, Any], vote_id: str) -> Any:
    """Cast a deputy's ballot from a voting terminal (a system key, or the committee's
    console terminal page). Accepted at once or refused with the
    reason, nothing stored: the vote not open, the deputy not present or voted already, a
    choice not a candidate, chosen twice, or more choices than allowed."""
    who = principal()
    deputy_id, choices = body["deputy_id"], body["choices"]
    terms = _door_terms(who, vote_id)
    present = deputy_id in terms.present
    unfit = _unfit(choices, terms)
    ballot = {"ballot_id": secrets.token_hex(16), "choices": choices}
    taken: list[tuple[str, bool]] = []  # the shard it went into and whether that is full

    def why_not(db: Connection) -> DomainProblem:
        """Why the ballot was not taken, in the order a terminal is told: closed, absent,
        voted already, then what is wrong with the ballot."""
        if not db.scalar(_OPEN, {"vote_id": vote_id}):
            return _refused("This vote is closed.", "vote_id", 409)
        if not present:
            return _refused(f"Deputy {deputy_id} is not present at this vote.", "deputy_id")
        if unfit is None or db.scalar(_VOTED, {"vote_id": vote_id, "deputy_id": deputy_id}):
            return _refused(f"Deputy {deputy_id} has voted already.", "deputy_id", 409)
        return unfit

    def cast(session: Session, _submission_id: str) -> list[tuple[str, dict[str, Any]]]:
        db = session.connection()
        entering = present and unfit is None and db.scalar(_OPEN, {"vote_id": vote_id})
        if not entering or db.scalar(_VOTED, {"vote_id": vote_id, "deputy_id": deputy_id}):
            raise why_not(db)  # SQLite: BEGIN IMMEDIATE, so no other cast runs meanwhile
        db.execute(_ENTER, {"vote_id": vote_id, "deputy_id": deputy_id})
        shard_id, pool = _a_shard(db, vote_id)
        pool, leaving = into_the_pool(pool, ballot, _RANDOM)
        _rewrite(db, vote_id, shard_id, pool, leaving)
        taken.append((shard_id, False))
        return []

    def cast_at_once(db: Connection, row: dict[str, Any]) -> DomainProblem | None:
        if present and unfit is None:
            params = {"vote_id": vote_id, "deputy_id": deputy_id, "ballot": ballot}
            try:
                shard = db.execute(
                    _casting(), {**params, **{f"s_{k}": v for k, v in row.items()}}
                ).first()
            except IntegrityError as error:
                if constraint_of(error) != REGISTER_KEY:
                    raise
                shard = None
            if shard is not None:
                taken.append((shard.shard_id, is_full(shard.ballots)))
                return None
        return why_not(db)

    answer, status, headers_out = submit(
        kind="ballot",
        idempotency_key=headers["idempotency_key"],
        tenant=terms.tenant,
        tenant_path=terms.tenant_path,
        event_name=None,
        event_data={},
        payload={"vote_id": vote_id, "deputy_id": deputy_id},
        status=Status.ACCEPTED,
        beside=cast,
        at_once=cast_at_once,
    )
    for shard_id, full in taken:
        if full:
            _let_out(vote_id, shard_id)
    if taken and terms.tracker:  # a replay's answer has none: the tracker is never stored
        answer = {**answer, "tracker": ballot["ballot_id"]}
    return answer, status, headers_out


@blp.route("/<vote_id>/close", methods=["POST"])
@requires_role("committee")
@CONFLICT
@blp.arguments(IdempotencyHeader, location="headers")
@blp.response(202, ReceiptOut)
def close_vote(headers: dict[str, str], vote_id: str) -> Any:
    """Close the door: no ballot is accepted after this. The ballots go to the tally; the
    receipt settles with the vote once the result is published (or the reason it is not)."""
    who = principal()

    def release(session: Session, submission_id: str) -> list[tuple[str, dict[str, Any]]]:
        door = _door(session, who, vote_id, lock=True)
        if not door.open:
            raise DomainProblem(409, "Vote closed", "This vote is closed already.", "vote_id")
        door.open = False
        box = session.scalars(select(BallotBox).where(BallotBox.vote_id == vote_id))
        pool = session.scalars(select(BallotPool.ballots).where(BallotPool.vote_id == vote_id))
        # By random id: the order of nothing, least of all the order the ballots came in.
        ballots = sorted(
            [{"ballot_id": b.ballot_id, "choices": b.choices} for b in box]
            + [b for shard in pool for b in shard],
            key=lambda b: b["ballot_id"],
        )
        voters = sorted(
            session.scalars(select(VoteRegister.deputy_id).where(VoteRegister.vote_id == vote_id))
        )
        session.execute(delete(BallotBox).where(BallotBox.vote_id == vote_id))
        session.execute(delete(BallotPool).where(BallotPool.vote_id == vote_id))
        released = {
            "submission_id": submission_id,
            "vote_id": vote_id,
            "ballots": ballots,
            "registered": len(voters),
        }
        return [
            ("vote.ballots_released", released),
            *(
                ("vote.voted", {"vote_id": vote_id, "tenant": door.tenant, "deputy_id": d})
                for d in voters
            ),
        ]

    with service("intake").db.session() as session:
        door = _door(session, who, vote_id, lock=False)
        tenant, tenant_path = door.tenant, door.tenant_path
    return submit(
        kind="vote.close",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=tenant_path,
        event_name=None,
        event_data={},
        payload={"vote_id": vote_id},
        beside=release,
    )
