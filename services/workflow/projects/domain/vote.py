"""Opening a vote and tallying it: pure rules, no storage, no framework.

A tally counts anonymous ballots (lists of candidate ids); it never sees a voter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from services.workflow.domain.rules import RuleBroken, require
from services.workflow.projects.domain.rules import VoteRules


def check_opening(
    rules: VoteRules,
    *,
    seats: int,
    candidates: Sequence[str],
    roll: Sequence[str],
    present: Sequence[str],
) -> None:
    """The reasons a vote may not open: 差额 (more candidates than seats) and the quorum."""
    require(seats >= 1, "a vote needs at least one seat", "seats")
    require(len(set(candidates)) == len(candidates), "a candidate is listed twice", "candidates")
    require(
        len(candidates) > seats,
        f"{len(candidates)} candidates for {seats} seats: a vote needs more candidates "
        "than seats (差额)",
        "candidates",
    )
    require(len(set(roll)) == len(roll), "a deputy is on the roll twice", "roll")
    require(len(set(present)) == len(present), "a deputy is present twice", "present")
    absent_from_roll = sorted(set(present) - set(roll))
    require(
        not absent_from_roll,
        f"present but not on the roll: {', '.join(absent_from_roll[:5])}",
        "present",
    )
    require(
        rules.has_quorum(len(roll), len(present)),
        f"{len(present)} of {len(roll)} deputies present: no quorum (more than "
        f"{rules.quorum_numerator}/{rules.quorum_denominator} of the roll must be present)",
        "present",
    )


def check_ballot(choices: Sequence[str], candidates: Sequence[str], allowed: int) -> None:
    """A ballot's choices: candidates of this vote, each once, at most `allowed`; blank is valid."""
    require(len(set(choices)) == len(choices), "a candidate is chosen twice", "choices")
    strangers = [c for c in choices if c not in candidates]
    require(not strangers, f"not a candidate of this vote: {', '.join(strangers[:5])}", "choices")
    require(
        len(choices) <= allowed,
        f"{len(choices)} choices; a ballot may carry at most {allowed}",
        "choices",
    )


@dataclass(frozen=True)
class Tally:
    votes: dict[str, int]
    """Votes per candidate, every candidate listed (zero too)."""
    elected: list[str]
    """In order of votes, most first; ties among the elected by candidate id."""
    runoff_candidates: list[str]
    """Tied at the last seat, when the rules call a runoff among them."""
    runoff_seats: int
    ballots: int
    blank: int
    invalid: int
    roll: int
    present: int
    threshold: int
    """Votes a candidate must exceed to be elected."""

    def as_dict(self) -> dict[str, object]:
        return {
            "votes": dict(self.votes),
            "elected": list(self.elected),
            "runoff": {"candidates": list(self.runoff_candidates), "seats": self.runoff_seats}
            if self.runoff_candidates
            else None,
            "ballots": self.ballots,
            "blank": self.blank,
            "invalid": self.invalid,
            "roll": self.roll,
            "present": self.present,
            "turnout": self.ballots,
            "threshold": self.threshold,
        }


def tally(
    rules: VoteRules,
    *,
    seats: int,
    candidates: Sequence[str],
    roll: int,
    present: int,
    ballots: Sequence[Sequence[str]],
    registered: int,
) -> Tally:
    """Count the ballots by the rules fixed at opening. Refuses unless ballots = register."""
    if len(ballots) != registered:
        raise RuleBroken(
            f"{len(ballots)} ballots but {registered} deputies registered as having voted: "
            "the result is not published",
            "ballots",
        )
    allowed = rules.choices_allowed(seats)
    counted: Counter[str] = Counter({c: 0 for c in candidates})
    blank = invalid = 0
    for choices in ballots:
        try:
            check_ballot(choices, candidates, allowed)
        except RuleBroken:
            invalid += 1
            continue
        if not choices:
            blank += 1
        counted.update(choices)
    base = roll if rules.threshold_base == "roll" else present
    threshold = base // 2
    passing = sorted(
        (c for c in candidates if counted[c] > threshold), key=lambda c: (-counted[c], c)
    )
    elected, runoff, runoff_seats = _fill_seats(passing, counted, seats, rules)
    return Tally(
        votes={c: counted[c] for c in candidates},
        elected=elected,
        runoff_candidates=runoff,
        runoff_seats=runoff_seats,
        ballots=len(ballots),
        blank=blank,
        invalid=invalid,
        roll=roll,
        present=present,
        threshold=threshold,
    )


def _fill_seats(
    passing: list[str], counted: Counter[str], seats: int, rules: VoteRules
) -> tuple[list[str], list[str], int]:
    """The top `seats` of those passing; a tie across the last seat is the rules' to settle."""
    if len(passing) <= seats:
        return passing, [], 0
    last = counted[passing[seats - 1]]
    if counted[passing[seats]] != last:
        return passing[:seats], [], 0
    above = [c for c in passing if counted[c] > last]
    tied = [c for c in passing if counted[c] == last]
    seats_left = seats - len(above)
    if rules.tie_at_last_seat == "runoff":
        return above, tied, seats_left
    return above, [], 0
