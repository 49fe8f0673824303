"""A receipt's life: pending until the owning service settles it, then final."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def can_settle(status: str) -> bool:
    """Only a pending receipt changes; a late or repeated outcome is ignored."""
    return status == Status.PENDING


def request_fingerprint(body: Any) -> str:
    """Same JSON content, same fingerprint, whatever the key order or spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
