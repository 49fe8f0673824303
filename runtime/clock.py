"""Time as a dependency, so that deadline rules can be tested without waiting."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from runtime.config import Settings


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move (tests, demos)."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class DemoClockError(RuntimeError):
    """The demo clock's file cannot be used; the message says how to fix it."""


def demo_clock_file(var_dir: Path) -> Path:
    return var_dir / "clock.json"


def read_offset(path: Path) -> timedelta:
    """How far the demo clock is ahead of the system clock (zero without a file)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return timedelta(0)
    try:
        return timedelta(seconds=float(json.loads(text)["offset_seconds"]))
    except (ValueError, KeyError, TypeError):
        raise DemoClockError(f"{path} is unreadable; `renda clock reset` removes it") from None


def write_offset(path: Path, offset: timedelta) -> None:
    """Replace the offset in one rename, so a running process never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"offset_seconds": offset.total_seconds()}))
    os.replace(partial, path)


DEMO_CLOCK_CHECK_SECONDS = 0.25
"""How often the demo clock looks whether its file changed: a look per `now()` was a tenth
of the one-process mode's CPU under a burst, and a trainer's `renda clock advance` is
seen within this."""


class DemoClock:
    """The system clock moved ahead by the offset in var/clock.json (`renda clock`), so a
    trainer can show yellow and red deadlines in the one-process mode. The file is read
    again whenever it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._offset = timedelta(0)
        self._lock = threading.Lock()
        self._checked = -DEMO_CLOCK_CHECK_SECONDS

    def offset(self) -> timedelta:
        if time.monotonic() - self._checked < DEMO_CLOCK_CHECK_SECONDS:
            return self._offset
        try:
            stat = self.path.stat()
            seen: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_ino)
        except FileNotFoundError:
            seen = None
        with self._lock:
            if seen != self._seen:
                self._offset = read_offset(self.path) if seen else timedelta(0)
                self._seen = seen
            self._checked = time.monotonic()
            return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()


def standalone_clock(settings: Settings) -> Clock:
    """The one-process mode's clock: the demo clock, except in production."""
    if settings.is_production or not settings.in_process_bus:
        return SystemClock()
    clock = DemoClock(demo_clock_file(settings.var_dir))
    clock.offset()  # an unreadable file stops the start here, not in a handler
    return clock
