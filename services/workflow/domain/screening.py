"""Screening against the tenant's positive and negative topic lists (DOMAIN.md §1 rule 1)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TopicLists:
    negative: tuple[str, ...] = ()
    """Keywords of matters that are returned (a private matter, a case in litigation, …)."""
    positive: tuple[str, ...] = ()
    """Keywords of fitting topics; a hit is recorded, it does not decide."""


@dataclass(frozen=True)
class Screening:
    accepted: bool
    reason: str | None = None
    fitting_topics: tuple[str, ...] = field(default_factory=tuple)


def screen(title: str, body: str, lists: TopicLists) -> Screening:
    text = f"{title}\n{body}"
    fitting = tuple(word for word in lists.positive if word in text)
    for word in lists.negative:
        if word in text:
            return Screening(False, f"matches the negative list: {word}", fitting)
    return Screening(True, None, fitting)
