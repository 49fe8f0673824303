"""The ballot pool: how a cast ballot reaches the anonymous box without its transaction
marking it (docs/adr/0012-secret-ballot.md, "The pool").

A cast writes the register row and the ballot in one transaction, so whatever row holds
the ballot carries that transaction's id (PostgreSQL's `xmin`), as the register row does.
The ballot therefore never gets a row of its own: it joins one shard of the vote's pool (a
row of ballots that its casts rewrite), and once a shard holds twice `size` ballots a random
`size` of them leave it together: for a new shard of their own while the vote has fewer
than `MAX_SHARDS`, for the box after that. A vote starts with one shard, so a shard is only
ever made by splitting a full one: every shard holds at least `size` ballots from then on.
A transaction id then points at a pool of at least `size` ballots (a split: two shards of
`size`), or at a batch of `size`, never at one ballot; and several shards let casts of one
vote commit side by side instead of queueing for one row.
"""

from __future__ import annotations

import bisect
import random
from typing import Any

POOL_SIZE = 50
"""At least this many ballots share any transaction id of the box (once that many have
been cast); a vote of fewer than twice as many never leaves the pool before closing."""

MAX_SHARDS = 16
"""The shards a vote's pool splits into before full shards spill into the box instead: more
than the casts one intake runs at once (gunicorn's workers × threads), so a cast seldom
waits for a shard. Two casts splitting at the same moment may each add one beyond it."""

Ballot = dict[str, Any]
"""{ballot_id, choices}."""


def into_the_pool(
    pool: list[Ballot], ballot: Ballot, rng: random.Random, size: int = POOL_SIZE
) -> tuple[list[Ballot], list[Ballot]]:
    """The pool (one shard) with `ballot` in it, and the ballots that leave it now
    (`overflow`).

    Both are ordered by the random ballot id, the order of nothing: neither a pool's
    position nor a batch's says when a ballot came.
    """
    pool = list(pool)
    bisect.insort(pool, ballot, key=_by_id)  # the pool is kept in id order
    return overflow(pool, rng, size)


def overflow(
    pool: list[Ballot], rng: random.Random, size: int = POOL_SIZE
) -> tuple[list[Ballot], list[Ballot]]:
    """A shard (in id order) and the ballots that leave it: none until it holds twice
    `size`, then a random `size`, for a new shard or the box (`splits`); at least `size`
    stay. Both keep the id order."""
    if not is_full(len(pool), size):
        return list(pool), []
    leaving = {b["ballot_id"] for b in rng.sample(pool, size)}
    return (
        [b for b in pool if b["ballot_id"] not in leaving],
        [b for b in pool if b["ballot_id"] in leaving],
    )


def is_full(ballots: int, size: int = POOL_SIZE) -> bool:
    """Whether a shard holding this many ballots lets some out."""
    return ballots >= 2 * size


def _by_id(ballot: Ballot) -> str:
    return str(ballot["ballot_id"])


def splits(shards: int, max_shards: int = MAX_SHARDS) -> bool:
    """Whether the ballots leaving a full shard make a new shard (True) or go to the box."""
    return shards < max_shards
