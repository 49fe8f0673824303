"""Bar charts drawn on the server as SVG: no script, no CDN, readable when printed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    width: float
    """Percent of the longest bar."""
    tone: str = ""


def bars(
    rows: list[tuple[str, float]], *, text: str = "{:g}", tones: dict[str, str] | None = None
) -> list[Bar]:
    top = max((v for _, v in rows), default=0) or 1
    return [
        Bar(
            label,
            value,
            text.format(value),
            round(100 * value / top, 1),
            (tones or {}).get(label, ""),
        )
        for label, value in rows
    ]


def by_month(items: list[dict[str, Any]], field: str, months: int = 12) -> list[tuple[str, float]]:
    """How many items have `field` (an ISO time) in each of the last months that have any."""
    counts = Counter(str(item[field])[:7] for item in items if item.get(field))
    return [(month, float(counts[month])) for month in sorted(counts)[-months:]]
