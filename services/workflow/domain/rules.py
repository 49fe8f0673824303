"""The one way a rule says no: a reason a person can read, and the field it concerns."""

from __future__ import annotations


class RuleBroken(ValueError):
    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def require(condition: bool, reason: str, field: str | None = None) -> None:
    if not condition:
        raise RuleBroken(reason, field)
