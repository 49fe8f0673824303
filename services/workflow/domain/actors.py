"""Who may act on a suggestion (docs/domain.md: the committee, the units, the proposers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.workflow.domain.rules import require

COMMITTEE_ROLES = ("system", "committee")
"""The committee's working bodies, and the county system that acts for the congress."""


@dataclass(frozen=True)
class Actor:
    """The key that asked: its role, its unit or deputy if any, and its place in the tree."""

    key_id: str
    role: str
    subject: str | None
    node_id: str
    node_path: str


def require_committee(actor: Actor) -> None:
    require(
        actor.role in COMMITTEE_ROLES,
        "only the committee (or its county system) may do this",
        "role",
    )


def acting_unit(actor: Actor, args: Mapping[str, Any]) -> str:
    """A unit acts with its own key, or the county system names it."""
    if actor.role == "unit" and actor.subject:
        return actor.subject
    require(
        actor.role in COMMITTEE_ROLES and bool(args.get("unit_id")),
        "a handling unit acts with its own key, or the county system names it in unit_id",
        "unit_id",
    )
    return str(args["unit_id"])


def acting_deputy(actor: Actor, args: Mapping[str, Any]) -> str:
    """Back to back: the deputy's own key, or the county system relaying the deputy."""
    if actor.role == "deputy" and actor.subject:
        return actor.subject
    require(
        actor.role == "system" and bool(args.get("deputy_id")),
        "a proposer evaluates with their own key, or the county system names them in deputy_id",
        "deputy_id",
    )
    return str(args["deputy_id"])


def check_units_of(tenant: str, unit_congress: Mapping[str, str | None], field: str) -> None:
    """Only units of the suggestion's own congress handle it (`unit_congress`: unit → its
    congress, None for no such unit)."""
    for unit_id, congress in unit_congress.items():
        require(congress == tenant, f"unit {unit_id} is not a handling unit of {tenant}", field)
