"""White, yellow, red (白、黄、红三色管理, docs/domain.md §1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum


class Colour(StrEnum):
    WHITE = "white"
    YELLOW = "yellow"
    RED = "red"


_RANK = {Colour.WHITE: 0, Colour.YELLOW: 1, Colour.RED: 2}


def colour_of(deadline: date, today: date, warning_days: int) -> Colour:
    """Red once the deadline has passed; yellow in its last `warning_days` days."""
    if today > deadline:
        return Colour.RED
    if (deadline - today).days < warning_days:
        return Colour.YELLOW
    return Colour.WHITE


def worst(colours: Iterable[Colour]) -> Colour:
    """A unit's colour is its worst open assignment's; white when it has none."""
    return max(colours, key=_RANK.__getitem__, default=Colour.WHITE)
