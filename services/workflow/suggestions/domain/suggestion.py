"""The suggestion's life (docs/domain.md §1, 提、办、评): its states and who may move it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.workflow.domain.rules import RuleBroken, require


class State(StrEnum):
    SUBMITTED = "submitted"
    """Waiting for the committee's screening (a negative-list hit, or no auto-accept)."""
    ACCEPTED = "accepted"
    """Screened in; waiting to be assigned by hand (no routing rule fits its category)."""
    RETURNED = "returned"
    CONVERTED = "converted"
    """Handled as an ordinary letter instead (作为来信处理)."""
    MERGED = "merged"
    """Follows the suggestion it was merged into (并案)."""
    ASSIGNED = "assigned"
    """With the units, in handling."""
    REPLIED = "replied"
    """The lead unit replied; the proposers' evaluation is open."""
    AWAITING_MEETING = "awaiting_meeting"
    """Rated below satisfied: a face-to-face meeting, then a second assignment."""
    CLOSED = "closed"
    """办结. A B reply stays under follow-up until the unit reports it done (办成)."""


OPEN_FOR_SCREENING = (State.SUBMITTED, State.ACCEPTED, State.ASSIGNED)
ENDED = (State.RETURNED, State.CONVERTED, State.MERGED, State.CLOSED)
PUBLIC_PROGRESS = (
    State.ACCEPTED,
    State.ASSIGNED,
    State.REPLIED,
    State.AWAITING_MEETING,
    State.CLOSED,
)
"""Shown to the public as they go (docs/domain.md §1: progress is public throughout). Not
yet screened, returned, converted or merged ones are not: they may be a private matter."""


class ReplyClass(StrEnum):
    A = "A"
    """Solved or basically solved."""
    B = "B"
    """Being solved or in a plan: followed up until done."""
    C = "C"
    """Cannot be solved for now; the reason explained."""


class ScreeningDecision(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"
    CONVERT = "convert"
    MERGE = "merge"


SCREENED_OUT = {
    ScreeningDecision.RETURN: State.RETURNED,
    ScreeningDecision.CONVERT: State.CONVERTED,
    ScreeningDecision.MERGE: State.MERGED,
}
"""Ended by screening, even after an automatic assignment: then no unit handles it any
more, and no figure of handling (closure, on-time, done, satisfaction) counts it."""


@dataclass(frozen=True)
class Proposer:
    deputy_id: str
    congress_id: str | None
    """The congress (tenant node) the deputy sits in; None if no such deputy."""


class FilingRefused(RuleBroken):
    """A suggestion that cannot be filed as it stands."""


def check_proposers(tenant: str, lead: Proposer, cosigners: Iterable[Proposer]) -> None:
    """The lead deputy and every co-signer must be deputies of the congress filing it."""
    if lead.congress_id != tenant:
        raise FilingRefused(
            f"deputy {lead.deputy_id} is not a deputy of congress {tenant}", "lead_deputy_id"
        )
    seen = {lead.deputy_id}
    for cosigner in cosigners:
        if cosigner.deputy_id in seen:
            raise FilingRefused(f"deputy {cosigner.deputy_id} signs twice", "cosigner_ids")
        seen.add(cosigner.deputy_id)
        if cosigner.congress_id != tenant:
            raise FilingRefused(
                f"co-signer {cosigner.deputy_id} is not a deputy of congress {tenant}",
                "cosigner_ids",
            )


def suggestion_number(tenant: str, year: int, sequence: int) -> str:
    """The number people use, e.g. 450102-2026-0042: per tenant and year."""
    return f"{tenant}-{year}-{sequence:04d}"


def check_screening(
    state: State, decision: ScreeningDecision, *, survivor_state: State | None, same_tenant: bool
) -> None:
    """Screening happens before any reply; a merge needs a live survivor of the same congress."""
    require(
        state in OPEN_FOR_SCREENING,
        f"a suggestion that is {state} can no longer be screened",
        "decision",
    )
    require(
        not (decision is ScreeningDecision.ACCEPT and state is not State.SUBMITTED),
        f"the suggestion is already {state}",
        "decision",
    )
    if decision is ScreeningDecision.MERGE:
        require(
            survivor_state is not None and same_tenant, "no such suggestion to merge into", "into"
        )
        require(
            survivor_state not in ENDED,
            f"cannot merge into a suggestion that is {survivor_state}",
            "into",
        )


def check_state(state: State, allowed: Iterable[State], action: str) -> None:
    allowed = tuple(allowed)
    if state not in allowed:
        raise RuleBroken(
            f"cannot {action} a suggestion that is {state} "
            f"(only when {' or '.join(s.value for s in allowed)})",
            "state",
        )
