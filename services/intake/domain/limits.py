"""Fixed-window rate limits: which window a moment falls in, and how long until it ends."""

from __future__ import annotations

import math


def window_of(epoch_seconds: float, length: int) -> int:
    return int(epoch_seconds // length)


def retry_after(epoch_seconds: float, length: int) -> int:
    """Whole seconds until the current window ends (at least 1)."""
    return max(1, math.ceil((window_of(epoch_seconds, length) + 1) * length - epoch_seconds))
