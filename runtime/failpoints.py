"""Named places where a fault-injection test makes the process fail on purpose.

`RENDA_FAILPOINTS` lists comma-separated `name` or `name=mode`:

- `kill` (the default): the process SIGKILLs itself the first time it passes there;
- `raise`: raises `FailpointError` (an ordinary Exception) every time, as a bug in a
  handler would;
- `die`: raises `FailpointExit` the first time only. It is a BaseException, so no guard
  for Exceptions catches it: it stands for whatever can kill a thread.

Unset in production, where a failpoint costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal
import threading


class FailpointError(Exception):
    """An injected failure, like any bug."""


class FailpointExit(BaseException):
    """An injected failure that no `except Exception` stops."""


def _armed(text: str) -> dict[str, str]:
    armed = {}
    for item in text.split(","):
        name, _, mode = item.strip().partition("=")
        if name:
            armed[name] = mode or "kill"
    return armed


_ARMED = _armed(os.environ.get("RENDA_FAILPOINTS", ""))
_lock = threading.Lock()


def failpoint(name: str) -> None:
    mode = _ARMED.get(name)
    if mode is None:
        return
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "raise":
        raise FailpointError(name)
    if mode == "die":
        with _lock:
            if _ARMED.pop(name, None) is None:
                return
        raise FailpointExit(name)
