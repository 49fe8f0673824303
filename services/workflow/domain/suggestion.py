"""The suggestion's life (DOMAIN.md §1): who may file it and what state it is in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"
    ASSIGNED = "assigned"


@dataclass(frozen=True)
class Proposer:
    deputy_id: str
    congress_id: str | None
    """The congress (tenant node) the deputy sits in; None if no such deputy."""


class FilingRefused(ValueError):
    def __init__(self, reason: str, field: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


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
