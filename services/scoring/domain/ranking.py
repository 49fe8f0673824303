"""Ranking deputies by points: ties share a rank (1, 1, 3), listed by deputy id."""

from __future__ import annotations

from decimal import Decimal


def ranked(totals: dict[str, Decimal]) -> list[tuple[int, str, Decimal]]:
    """(rank, deputy id, total), highest first; equal totals share the better rank."""
    order = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    out: list[tuple[int, str, Decimal]] = []
    for position, (deputy_id, total) in enumerate(order, start=1):
        rank = out[-1][0] if out and out[-1][2] == total else position
        out.append((rank, deputy_id, total))
    return out
