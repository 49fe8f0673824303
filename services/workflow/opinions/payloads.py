"""The data of the opinion events, built from its row: never a name or phone in clear."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.workflow.opinions.store import Opinion


def ref(opinion: Opinion, at: datetime) -> dict[str, Any]:
    return {
        "opinion_id": opinion.id,
        "public_code": opinion.public_code,
        "tenant": opinion.tenant,
        "station_id": opinion.station_id,
        "level": opinion.level,
        "holder_node_id": opinion.holder_node_id,
        "has_contact": opinion.phone_encrypted is not None,
        "at": at,
    }


def constituent_contact(opinion: Opinion) -> dict[str, Any]:
    """The encrypted phone on the events that tell the constituent (escalated, adopted,
    closed): notify opens it only to send the SMS (ADR 0011)."""
    return {"phone_encrypted": opinion.phone_encrypted, "phone_masked": opinion.phone_masked}
