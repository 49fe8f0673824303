"""Named places where a fault-injection test can kill the process on purpose.

`RENDA_FAILPOINTS="consumer.after_commit"` makes the process SIGKILL itself the first
time it passes that place; names are comma-separated. Unset in production, where a
failpoint costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

_ARMED = frozenset(
    name.strip() for name in os.environ.get("RENDA_FAILPOINTS", "").split(",") if name.strip()
)


def failpoint(name: str) -> None:
    if name in _ARMED:
        os.kill(os.getpid(), signal.SIGKILL)
