"""glibc's malloc arenas, capped for every renda process (issue 7, docs/adr/0018-memory.md)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import MutableMapping

ARENAS = "2"
"""Arenas per process unless MALLOC_ARENA_MAX says otherwise."""

M_ARENA_MAX = -8
"""mallopt's parameter number for the arena cap (glibc's malloc.h)."""


def limit_arenas(environ: MutableMapping[str, str] = os.environ) -> None:
    """glibc gives a thread that finds the heap busy an arena of its own, up to 8 per core,
    and every arena keeps the pages it once held: gunicorn's gthread workers and a worker's
    consumer, relay and HTTP threads end up holding several half-empty heaps. This caps
    them at MALLOC_ARENA_MAX (2 unless the operator set it). The environment carries the
    cap to the programs this process starts (`renda api` becomes gunicorn); this process
    read its environment when it started, so it is told through mallopt as well."""
    value = environ.setdefault("MALLOC_ARENA_MAX", ARENAS)
    try:
        arenas = int(value)
    except ValueError:
        return  # glibc ignores a value it cannot read; so do we
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is not None:  # not glibc (musl has no arenas to cap)
        mallopt(M_ARENA_MAX, arenas)
