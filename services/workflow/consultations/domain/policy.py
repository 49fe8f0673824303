"""A tenant's consultation settings (docs/domain.md §8; none of them is in the seeds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class ConsultationPolicy:
    min_comment_days: int = 7
    """At least this many days from publishing to the comment deadline (calendar days)."""
    report_days_after_deadline: int = 0
    """Days after the comment deadline a contact point may still submit its report (0: by
    the deadline itself, as the seeds' contact points do)."""

    @classmethod
    def with_overrides(cls, overrides: dict[str, Any]) -> ConsultationPolicy:
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown consultation settings: {', '.join(sorted(unknown))}")
        values = {**asdict(cls()), **overrides}
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
                raise ValueError(f"{name} is a whole number from 0 to 365, not {value!r}")
        return cls(**values)
