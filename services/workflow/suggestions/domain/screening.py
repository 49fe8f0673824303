"""Screening against the tenant's positive and negative topic lists (docs/domain.md §1 rule 1).

The lists do not decide: a negative hit flags a likely return for the committee, a
positive hit marks a fitting topic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicLists:
    negative: tuple[str, ...] = ()
    """Keywords of matters usually returned (a private matter, a case in litigation, …)."""
    positive: tuple[str, ...] = ()
    """Keywords of fitting topics."""
    negative_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Screening:
    flags: tuple[str, ...] = ()
    fitting_topics: tuple[str, ...] = ()

    @property
    def likely_return(self) -> bool:
        return bool(self.flags)


def screen(title: str, body: str, category: str, lists: TopicLists) -> Screening:
    text = f"{title}\n{body}"
    flags = tuple(f"negative list: {word}" for word in lists.negative if word in text)
    if category in lists.negative_categories:
        flags += (f"negative list category: {category}",)
    return Screening(flags, tuple(word for word in lists.positive if word in text))
