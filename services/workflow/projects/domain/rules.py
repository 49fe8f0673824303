"""A congress's voting rules (its 票决办法), per tenant, fixed when a vote opens.

Every number is the tenant's; the defaults are docs/domain.md §3's. Fractions are kept
as whole numerator and denominator so "more than two thirds" is exact, never a float.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

THRESHOLD_BASES = ("roll", "present")
TIE_RULES = ("runoff", "none")


@dataclass(frozen=True)
class VoteRules:
    quorum_numerator: int = 2
    quorum_denominator: int = 3
    """A vote opens only if more than numerator/denominator of the roll are present."""
    max_choices: int | None = None
    """Choices a ballot may carry; None means as many as there are seats."""
    threshold_base: str = "roll"
    """Elected needs more than half of all deputies on the roll, or of those present."""
    tie_at_last_seat: str = "runoff"
    """runoff: the tied go to a runoff for the seats left; none: no tied candidate is elected."""
    satisfaction_numerator: int = 1
    satisfaction_denominator: int = 2
    """A satisfaction vote's verdict needs more than this share of the ballots cast."""
    behind_schedule_margin: int = 10
    """A project is flagged behind schedule when its progress trails the share of its
    plan's time gone by more than this many percentage points."""
    problem_answer_working_days: int = 10
    """Working days the township has to answer a constituents' representative's problem
    report on a project (seeds/000 say it must answer, not how soon: a congress's choice)."""
    evaluation_days: int = 60
    """Days after completion during which constituents and deputies evaluate a project's
    build quality and social effect (seeds/000 say they do, not for how long)."""
    best_units: int = 10
    """How many responsible units are commended as the year's best (Tongxu's ten,
    seeds/003)."""
    tracker: bool = False
    """Show the voter their ballot's random id, to find it on the board. Off: it lets a
    voter prove a choice to whoever presses them (docs/adr/0012-secret-ballot.md)."""

    def __post_init__(self) -> None:
        if not 0 < self.quorum_numerator <= self.quorum_denominator:
            raise ValueError("quorum must be a fraction between 0 and 1")
        if not 0 < self.satisfaction_numerator < self.satisfaction_denominator:
            raise ValueError("the satisfaction share must be a fraction between 0 and 1")
        if self.evaluation_days < 1:
            raise ValueError("evaluation_days must be at least 1")
        if self.best_units < 1:
            raise ValueError("best_units must be at least 1")
        if self.problem_answer_working_days < 1:
            raise ValueError("problem_answer_working_days must be at least 1")
        if self.max_choices is not None and self.max_choices < 1:
            raise ValueError("max_choices must be at least 1")
        if self.threshold_base not in THRESHOLD_BASES:
            raise ValueError(f"threshold_base is one of {', '.join(THRESHOLD_BASES)}")
        if self.tie_at_last_seat not in TIE_RULES:
            raise ValueError(f"tie_at_last_seat is one of {', '.join(TIE_RULES)}")

    @classmethod
    def with_overrides(cls, overrides: dict[str, Any]) -> VoteRules:
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown vote rules: {', '.join(sorted(unknown))}")
        return cls(**{**asdict(cls()), **overrides})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def choices_allowed(self, seats: int) -> int:
        return min(self.max_choices, seats) if self.max_choices else seats

    def has_quorum(self, roll: int, present: int) -> bool:
        return present * self.quorum_denominator > roll * self.quorum_numerator
