"""Reviews of appointed officials (述职评议, docs/domain.md §5): three models, one outcome.

- staged: four stage scores 0–100 weighted (default 10/20/50/20); the on-site stage is the
  weighted mean of rater groups' anonymous ballots; the first three stages give an interim
  grade that decides whether a rectification plan is required, the final score includes
  the rectification stage.
- two_votes: satisfaction votes on the performance and on the answers; each graded by its
  share of satisfied-or-basically-satisfied votes (the tenant's thresholds, as a score).
- written: one score 0–100 from the written review.
Grades: ≥ 80 satisfied, 60 to < 80 basically satisfied, < 60 dissatisfied (per tenant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MODELS = ("staged", "two_votes", "written")
STAGES = ("preliminary", "investigation", "onsite", "rectification")
DEFAULT_STAGE_WEIGHTS = (Decimal(10), Decimal(20), Decimal(50), Decimal(20))
PLACES = Decimal("0.01")


class ReviewError(ValueError):
    """A step the round's rules refuse; the message says why, `field` which input (None:
    the command as a whole)."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True)
class Thresholds:
    satisfied: Decimal = Decimal(80)
    basically: Decimal = Decimal(60)


def grade(score: Decimal, thresholds: Thresholds = Thresholds()) -> str:
    if score >= thresholds.satisfied:
        return "satisfied"
    if score >= thresholds.basically:
        return "basically_satisfied"
    return "dissatisfied"


def _round(value: Decimal) -> Decimal:
    """Scores are kept to two places, halves up (the announced figure)."""
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def group_score(ballots: dict[str, Sequence[Decimal]], weights: dict[str, Decimal]) -> Decimal:
    """The on-site stage: each group's mean ballot, weighted by the group's weight."""
    missing = [group for group in weights if not ballots.get(group)]
    if missing:
        raise ReviewError(f"no ballots from {', '.join(missing)}")
    total = sum(weights.values(), Decimal(0))
    weighted = sum(
        (weights[g] * sum(ballots[g], Decimal(0)) / len(ballots[g]) for g in weights), Decimal(0)
    )
    return _round(weighted / total)


def weighted_score(scores: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
    return _round(
        sum((s * w for s, w in zip(scores, weights, strict=True)), Decimal(0))
        / sum(weights, Decimal(0))
    )


def interim_score(stage_scores: dict[str, Decimal], weights: Sequence[Decimal]) -> Decimal:
    """The first three stages, their weights renormalised: decides on rectification."""
    first = [stage_scores[s] for s in STAGES[:3]]
    return weighted_score(first, weights[:3])


def final_score(stage_scores: dict[str, Decimal], weights: Sequence[Decimal]) -> Decimal:
    return weighted_score([stage_scores[s] for s in STAGES], weights)


def satisfaction(satisfied: int, basically: int, dissatisfied: int) -> Decimal:
    """A vote as a score: the share (in %) of satisfied and basically satisfied votes."""
    cast = satisfied + basically + dissatisfied
    if cast == 0:
        raise ReviewError("no votes cast")
    return _round(Decimal(100 * (satisfied + basically)) / cast)


def report_shape(achievements: int, problems: int, measures: int) -> list[str]:
    """The "六三一" check of the official's report by the length of its three parts."""
    length = achievements + problems + measures
    if length == 0:
        raise ReviewError("the report is empty")
    found = []
    if Decimal(achievements) / length > Decimal("0.6"):
        found.append("achievements above 60%")
    if Decimal(problems) / length < Decimal("0.3"):
        found.append("problems below 30%")
    if Decimal(measures) / length < Decimal("0.1"):
        found.append("measures below 10%")
    return found


def after(result: str, attempt: int) -> str:
    """What follows a round's result: rectify (a plan, then a report), or for a dissatisfied
    result an admonishing talk and a repeat round, and the second time a referral."""
    if result != "dissatisfied":
        return "rectify"
    return "repeat" if attempt == 1 else "refer"


def plan_required(
    model: str, interim: Decimal | None, thresholds: Thresholds = Thresholds()
) -> bool:
    """Whether the round calls for a rectification plan (and its report): a staged round
    whose interim grade is satisfied does not; every other announced round does."""
    return not (
        model == "staged" and interim is not None and grade(interim, thresholds) == "satisfied"
    )
