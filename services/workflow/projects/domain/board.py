"""The anonymous board: every ballot of a closed vote, in an order that says nothing,
each under a random id, sealed by one hash over the whole board.

Anyone holding the board recomputes the tally (`count`) and the seal (`seal`); changing,
adding or dropping one ballot changes the seal.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Sequence


def new_ballot_id() -> str:
    """A random id: it says nothing about when, where or by whom the ballot was cast."""
    return secrets.token_hex(16)


def in_board_order(ballots: Sequence[dict]) -> list[dict]:
    """By random ballot id: the order of the ids, which is the order of nothing."""
    return sorted(ballots, key=lambda b: b["ballot_id"])


def seal(vote_id: str, ballots: Sequence[dict]) -> str:
    """SHA-256 over the canonical JSON of the vote id and its board (ids and sorted choices)."""
    board = [
        {"ballot_id": b["ballot_id"], "choices": sorted(b["choices"])}
        for b in in_board_order(ballots)
    ]
    canonical = json.dumps(
        {"vote_id": vote_id, "ballots": board},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def count(ballots: Sequence[dict]) -> dict[str, int]:
    """Votes per candidate on the board (candidates with no vote are not listed)."""
    return dict(Counter(c for b in ballots for c in b["choices"]))
