"""Handling by the units: adjust requests, extensions, contacts, co-input, replies, done."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from services.workflow.domain.rules import require


class RecordKind(StrEnum):
    CONTACT = "contact"
    """办前沟通、办中协商、办后反馈: the three contacts with the deputy."""
    COMMITMENT = "commitment"
    LEDGER = "ledger"
    """A line of the unit's handling ledger (台账)."""


class ContactStage(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


def check_adjust_request(today: date, window_closes: date) -> None:
    require(
        today <= window_closes,
        f"the adjust request window closed on {window_closes.isoformat()}",
        "unit_id",
    )


def check_extension(already_extended: bool, urgent: bool) -> None:
    require(not already_extended, "the deadline was already extended once", "reason")
    require(not urgent, "a small/micro/urgent suggestion cannot be extended", "reason")


def check_reply(contacts: int, missing_co_inputs: Iterable[str]) -> None:
    """A reply needs a contact with the deputy and every co-handling unit's input."""
    missing = sorted(missing_co_inputs)
    require(
        not missing,
        f"co-handling input missing from {', '.join(missing)}",
        "co_inputs",
    )
    require(contacts > 0, "no contact with the deputy was recorded before the reply", "contacts")
