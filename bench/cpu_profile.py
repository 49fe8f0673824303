"""Where the CPU of one operation goes, for the in-process scripts (`bench.*_cpu
--profile`): cProfile on the thread's CPU clock, each stage's share, then the top lines."""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable, Sequence

Stage = tuple[str, str, str]
"""(label, a part of the file's path, the function's name): the stage is that function's
cumulative time, as a share of the whole."""


def profile_stages(
    work: Callable[[], None], n: int, what: str, stages: Sequence[Stage], top: int
) -> None:
    """Run `work` (n operations) under cProfile and print each stage's share of one
    operation's CPU, then the `top` lines by own and by cumulative time."""
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    work()
    profiler.disable()
    table = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in table.values())
    print(f"where the CPU of one {what} goes (cProfile, share of {1000 * total / n:.2f} ms):")
    for label, file_part, name in stages:
        cum = sum(
            ct
            for (path, _, func), (_, _, _, ct, _) in table.items()
            if func == name and file_part in path
        )
        print(f"  {100 * cum / total:5.1f} %  {label}")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(out.getvalue())
