"""/intake/v1/votes: the committee opens and closes a vote; voting terminals cast ballots.

A ballot is decided here, at the door, in one transaction: the register gets the deputy,
the anonymous pool gets the choices (and passes them on to the box in random batches, so
no transaction id marks one ballot), the submission log keeps only who cast it. Nothing
goes on the bus until the vote closes; then the box goes out whole, in random-id order,
and the register as one `vote.voted` per deputy in id order (docs/adr/0012-secret-ballot.md).
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from runtime.directory import Principal
from runtime.http import not_found, principal, requires_role, service
from runtime.openapi import ProblemSchema
from runtime.problems import PROBLEM_TYPE, DomainProblem
from services.intake.api.schemas import IdempotencyHeader, ReceiptOut
from services.intake.api.submissions import submit
from services.intake.api.vote_schemas import (
    AttendanceIn,
    BallotIn,
    BallotReceiptOut,
    DoorOut,
    ScoreVoteIn,
    VoteIn,
)
from services.intake.domain.ballots import into_the_pool
from services.intake.domain.receipts import Status
from services.intake.store import BallotBox, BallotDoor, BallotPool, VoteRegister

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


def _door(session: Session, who: Principal, vote_id: str, *, lock: bool) -> BallotDoor:
    door = session.get(BallotDoor, vote_id, with_for_update=lock)
    if door is None or not who.can_see(door.tenant_path):
        raise DomainProblem(
            409,
            "Vote not open",
            "This vote is not open (not yet, or no such vote).",
            field="vote_id",
        )
    return door


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


_RANDOM = random.SystemRandom()
"""Which ballots leave the pool: unpredictable, or the batches would say when each came."""


def _refused(detail: str, field: str, status: int = 422) -> DomainProblem:
    return DomainProblem(status, "Ballot refused", detail, field=field)


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
    tracker: list[str] = []

    def cast(session: Session, _submission_id: str) -> list[tuple[str, dict[str, Any]]]:
        door = _door(session, who, vote_id, lock=True)
        if not door.open:
            raise _refused("This vote is closed.", "vote_id", 409)
        if deputy_id not in door.present:
            raise _refused(f"Deputy {deputy_id} is not present at this vote.", "deputy_id")
        if session.get(VoteRegister, (vote_id, deputy_id)) is not None:
            raise _refused(f"Deputy {deputy_id} has voted already.", "deputy_id", 409)
        if len(set(choices)) != len(choices):
            raise _refused("A candidate is chosen twice.", "choices")
        strangers = [c for c in choices if c not in door.candidates]
        if strangers:
            raise _refused(f"Not a candidate of this vote: {', '.join(strangers[:5])}.", "choices")
        if len(choices) > door.choices_allowed:
            raise _refused(
                f"{len(choices)} choices; a ballot may carry at most {door.choices_allowed}.",
                "choices",
            )
        session.add(VoteRegister(vote_id=vote_id, deputy_id=deputy_id))
        ballot_id = secrets.token_hex(16)
        # The door's lock above serialises the casts of a vote, so the pool is ours to rewrite.
        pool = session.get(BallotPool, vote_id)
        assert pool is not None, "a door opens with its pool"
        pool.ballots, leaving = into_the_pool(
            pool.ballots, {"ballot_id": ballot_id, "choices": choices}, _RANDOM
        )
        session.add_all(BallotBox(vote_id=vote_id, **b) for b in leaving)
        if door.tracker:
            tracker.append(ballot_id)
        return []

    with service("intake").db.session() as session:
        door = _door(session, who, vote_id, lock=False)
        tenant, tenant_path = door.tenant, door.tenant_path
    answer, status, headers_out = submit(
        kind="ballot",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=tenant_path,
        event_name=None,
        event_data={},
        payload={"vote_id": vote_id, "deputy_id": deputy_id},
        status=Status.ACCEPTED,
        beside=cast,
    )
    return ({**answer, "tracker": tracker[0]} if tracker else answer), status, headers_out


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
        pool = session.get(BallotPool, vote_id)
        assert pool is not None, "a door opens with its pool"
        # By random id: the order of nothing, least of all the order the ballots came in.
        ballots = sorted(
            [{"ballot_id": b.ballot_id, "choices": b.choices} for b in box] + pool.ballots,
            key=lambda b: b["ballot_id"],
        )
        voters = sorted(
            session.scalars(select(VoteRegister.deputy_id).where(VoteRegister.vote_id == vote_id))
        )
        session.execute(delete(BallotBox).where(BallotBox.vote_id == vote_id))
        session.delete(pool)
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
