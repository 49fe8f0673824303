"""Which units handle a suggestion: the tenant's category → unit rules (docs/domain.md §1, 2)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    lead_unit_id: str
    co_unit_ids: tuple[str, ...] = ()


def route(category: str, rules: dict[str, Route]) -> Route | None:
    """The rule for the category; None means the committee assigns it by hand."""
    return rules.get(category)
