"""Bar charts drawn on the server as SVG: no script, no CDN, readable when printed."""

from __future__ import annotations

from dataclasses import dataclass


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
