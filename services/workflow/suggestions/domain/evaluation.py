"""Back-to-back evaluation by the proposers (背靠背, docs/domain.md §1 rules 5 and 6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.workflow.domain.rules import require


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


_RANK = {Rating.SATISFIED: 0, Rating.BASICALLY_SATISFIED: 1, Rating.DISSATISFIED: 2}


@dataclass(frozen=True)
class Evaluation:
    deputy_id: str
    attitude: Rating
    result: Rating


class Next(StrEnum):
    WAIT = "wait"
    """Not every proposer has rated and the window is still open."""
    CLOSE = "close"
    SECOND_ASSIGNMENT = "second_assignment"


def check_evaluation(
    deputy_id: str,
    proposers: Iterable[str],
    rated_this_round: Iterable[str],
    *,
    round_: int,
    max_rounds: int,
) -> None:
    require(deputy_id in set(proposers), "only the suggestion's proposers evaluate it", "deputy_id")
    require(
        round_ <= max_rounds,
        f"evaluation round {round_} exceeds the limit of {max_rounds}",
        "deputy_id",
    )
    require(
        deputy_id not in set(rated_this_round),
        f"deputy {deputy_id} already evaluated this reply",
        "deputy_id",
    )


def worst(ratings: Iterable[Rating]) -> Rating | None:
    return max(ratings, key=_RANK.__getitem__, default=None)


def next_step(
    evaluations: list[Evaluation],
    proposers: Iterable[str],
    *,
    window_closed: bool,
    second_assignments: int,
    max_second_assignments: int,
) -> Next:
    """After a rating, or when the window closes: wait, close, or go round again.

    Any rating below satisfied, on either scale, calls for a second assignment while the
    limit allows; a proposer who did not rate in time is not counted.
    """
    if not window_closed and {e.deputy_id for e in evaluations} < set(proposers):
        return Next.WAIT
    below = any(
        e.attitude is not Rating.SATISFIED or e.result is not Rating.SATISFIED for e in evaluations
    )
    if below and second_assignments < max_second_assignments:
        return Next.SECOND_ASSIGNMENT
    return Next.CLOSE


def may_see_rating(
    role: str, subject: str | None, rater: str, rating_round: int, evaluated_round: int
) -> bool:
    """Back to back (背靠背): a proposer sees only their own ratings, never a co-proposer's;
    a unit sees a round's ratings only once that round is final; the committee sees all."""
    if role == "deputy":
        return rater == subject
    if role == "unit":
        return rating_round <= evaluated_round
    return True
