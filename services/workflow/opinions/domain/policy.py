"""A tenant's opinion settings (docs/domain.md §2; every figure set per county)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class OpinionPolicy:
    station_working_days: int = 5
    """The station's time to answer before the opinion goes up to the township."""
    township_working_days: int = 10
    """The township/street centre's time before it goes up to the county."""
    county_working_days: int = 15
    """The county's time; missed, the opinion is marked overdue."""
    department_working_days: int = 10
    """A department's time to report on a forwarded opinion."""
    contact_retention_days: int = 180
    """Name and phone of a closed opinion are erased this many days after closing."""

    @classmethod
    def with_overrides(cls, overrides: dict[str, Any]) -> OpinionPolicy:
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown opinion settings: {', '.join(sorted(unknown))}")
        values = {**asdict(cls()), **overrides}
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} is a whole number of at least 1, not {value!r}")
        return cls(**values)

    def working_days_at(self, level: str) -> int:
        return int(getattr(self, f"{level}_working_days"))
