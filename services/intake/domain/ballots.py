"""The ballot pool: how a cast ballot reaches the anonymous box without its transaction
marking it (docs/adr/0012-secret-ballot.md, "The pool").

A cast writes the register row and the ballot in one transaction, so whatever row holds
the ballot carries that transaction's id (PostgreSQL's `xmin`), as the register row does.
The ballot therefore never gets a row of its own: it joins the vote's one pool row, which
every cast rewrites, and once the pool holds twice `size` ballots a random `size` of them
leave it together for the box. A transaction id then points at a pool of at least `size`
ballots, or at a batch of `size`, never at one ballot.
"""

from __future__ import annotations

import random
from typing import Any

POOL_SIZE = 50
"""At least this many ballots share any transaction id of the box (once that many have
been cast); a vote of fewer than twice as many never leaves the pool before closing."""

Ballot = dict[str, Any]
"""{ballot_id, choices}."""


def into_the_pool(
    pool: list[Ballot], ballot: Ballot, rng: random.Random, size: int = POOL_SIZE
) -> tuple[list[Ballot], list[Ballot]]:
    """The pool with `ballot` in it, and the ballots that leave it for the box now.

    Both are ordered by the random ballot id, the order of nothing: neither a pool's
    position nor a batch's says when a ballot came.
    """
    pool = sorted([*pool, ballot], key=lambda b: b["ballot_id"])
    if len(pool) < 2 * size:
        return pool, []
    leaving = {b["ballot_id"] for b in rng.sample(pool, size)}
    return (
        [b for b in pool if b["ballot_id"] not in leaving],
        [b for b in pool if b["ballot_id"] in leaving],
    )
