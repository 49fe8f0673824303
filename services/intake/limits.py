"""Rate limits that hold across API replicas: one counter row per bucket and window in
intake's database, taken with an atomic upsert (ADR 0011)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from runtime.db import upsert
from runtime.http import service
from runtime.problems import DomainProblem
from services.intake.domain.limits import retry_after, window_of
from services.intake.store import RateCount


def take(buckets: dict[str, int], window_seconds: int) -> None:
    """Count one request in each bucket (name → allowed per window); over any limit, 429
    with Retry-After. A request refused still counts: a flood stays refused."""
    rt = service("intake")
    now = rt.clock.now().timestamp()
    window = window_of(now, window_seconds)
    with rt.db.transaction() as session:
        counts = {}
        for bucket in buckets:
            statement = (
                upsert(session, RateCount)
                .values(bucket=bucket, window=window, count=1)
                .on_conflict_do_update(
                    index_elements=["bucket", "window"], set_={"count": RateCount.count + 1}
                )
                .returning(RateCount.count)
            )
            counts[bucket] = int(session.execute(statement).scalar_one())
        # Old windows are of no use: each request clears what is two windows old.
        session.execute(delete(RateCount).where(RateCount.window < window - 1))
    over = [bucket for bucket, limit in buckets.items() if counts[bucket] > limit]
    if over:
        kind = over[0].split(":", 1)[0]
        raise TooManyRequests(
            f"Too many opinions from this {kind} for now; try again later.",
            retry_after(now, window_seconds),
        )


class TooManyRequests(DomainProblem):
    def __init__(self, detail: str, seconds: int) -> None:
        super().__init__(429, "Too Many Requests", detail)
        self.retry_after = seconds

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Retry-After", str(self.retry_after))]
