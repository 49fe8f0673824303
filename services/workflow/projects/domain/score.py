"""The monthly anonymous score of a project (月度评议, seeds/003): each member on the roll
gives one score of 1 to 10, or none (blank); the month's figure is the mean of the scores
given, to one decimal. Secret like every vote (docs/adr/0012-secret-ballot.md)."""

from __future__ import annotations

from collections.abc import Mapping

OPTIONS = tuple({"id": str(n), "title": f"{n} 分"} for n in range(10, 0, -1))


def mean_score(votes: Mapping[str, int]) -> float | None:
    """The mean of the scores given (None when every ballot was blank)."""
    given = sum(votes.values())
    if not given:
        return None
    return round(sum(int(score) * n for score, n in votes.items()) / given, 1)
