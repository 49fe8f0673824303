"""Plumbing for the bench: time budget, clean-up, child processes, databases and bus names.

Everything the bench creates is registered with a `Cleanup` as soon as it exists, and the
clean-up runs from a `finally`, so a failure or Ctrl-C still leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
AMQP_URL = os.environ.get("BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Budget:
    """The whole run's time limit; every phase asks it how long it may take."""

    def __init__(self, total_seconds: float) -> None:
        self.started = time.monotonic()
        self.total = total_seconds

    def remaining(self) -> float:
        return self.total - (time.monotonic() - self.started)

    def allow(self, wanted: float, reserve: float = 0.0) -> float:
        """At most `wanted` seconds, and never past the end of the budget minus `reserve`."""
        return max(0.0, min(wanted, self.remaining() - reserve))

    def elapsed(self) -> float:
        return time.monotonic() - self.started


@dataclass
class Cleanup:
    """A stack of undo steps, run last-in first-out; each step's failure is reported, not raised."""

    steps: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def push(self, name: str, step: Callable[[], None]) -> None:
        self.steps.append((name, step))

    def run(self) -> list[str]:
        failures = []
        while self.steps:
            name, step = self.steps.pop()
            try:
                step()
            except BaseException as exc:  # clean-up must go on whatever happens
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
                log(f"clean-up step failed: {name}: {exc!r}")
        return failures


def raise_on_sigterm() -> None:
    """SIGTERM (and SIGHUP) become KeyboardInterrupt, so the `finally` clean-up runs."""

    def _interrupt(signum, _frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGHUP, _interrupt)


# -- child processes -------------------------------------------------------------------------


_CHILDREN: list[Child] = []


def terminate_children() -> None:
    """SIGTERM to every child group still running, at once, so they stop in parallel."""
    for child in _CHILDREN:
        if child.alive():
            _signal_group(child.pgid, signal.SIGTERM)


class Child:
    """A child in its own process group (session): stopped, with all it forked, by group."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            argv,
            env=env,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pgid = self.popen.pid  # the session leader's pid is its group id
        _CHILDREN.append(self)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def pids(self) -> list[int]:
        """Every live process of the group: gunicorn's master and its workers, say."""
        return [pid for pid, pgrp in _process_groups() if pgrp == self.pgid]

    def rss_bytes(self) -> dict[int, int]:
        return {pid: rss for pid in self.pids() if (rss := vm_rss_bytes(pid)) is not None}

    def memory(self) -> dict[int, dict[str, int]]:
        """RSS, PSS and USS of each of the group's processes, in bytes (see memory_bytes)."""
        return {pid: found for pid in self.pids() if (found := memory_bytes(pid)) is not None}

    def stop(self, grace: float = 8.0) -> None:
        if self.alive() or self.pids():
            _signal_group(self.pgid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and (self.alive() or self.pids()):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.popen.wait(0.1)
            if self.alive() or self.pids():
                _signal_group(self.pgid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.popen.wait(5)
        self._log.close()

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _process_groups() -> list[tuple[int, int]]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields start after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if fields and fields[0] != "Z":
            found.append((int(entry), int(fields[2])))
    return found


_TICKS = os.sysconf("SC_CLK_TCK")


_SERVERS = {"postgres": "postgres", "beam.smp": "rabbitmq"}


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, process group, CPU seconds used so far) of a process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = stat[stat.find("(") + 1 : stat.rfind(")")]
    fields = stat[stat.rfind(")") + 2 :].split()
    return comm, int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds a process has used so far, or None when it is gone."""
    stat = _stat(pid)
    return stat[2] if stat else None


def _reaped_children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


class CpuMeter:
    """CPU seconds used, during one measurement, by named process groups and by the machine.

    Groups are bench children (by process group) and, by command name, PostgreSQL's and
    RabbitMQ's server processes and the load generator; "other" is whatever else ran
    (on a shared machine: other people's work).
    """

    def __init__(self, children: dict[str, Child]) -> None:
        self.groups = {child.pgid: name for name, child in children.items()}
        # The bench's own group: itself, its Python load generator processes, wrk.
        self.groups.setdefault(os.getpgrp(), "bench + load generator")
        self.before = self._snapshot()
        self.reaped_before = _reaped_children_cpu()
        self.machine_before = _machine_ticks()
        self.started = time.monotonic()

    def _snapshot(self) -> dict[int, tuple[str, float]]:
        found = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            stat = _stat(int(entry))
            if stat is None:
                continue
            comm, pgrp, cpu = stat
            label = self.groups.get(pgrp) or _SERVERS.get(comm)
            if label:
                found[int(entry)] = (label, cpu)
        return found

    def stop(self) -> dict[str, Any]:
        after = self._snapshot()
        busy0, total0 = self.machine_before
        busy1, total1 = _machine_ticks()
        wall = time.monotonic() - self.started
        used: dict[str, float] = {}
        for pid, (label, cpu) in after.items():
            earlier = self.before.get(pid)
            delta = cpu - earlier[1] if earlier and earlier[0] == label else cpu
            used[label] = used.get(label, 0.0) + max(0.0, delta)
        # wrk and the Python generator's processes have exited by now: their CPU is in ours.
        reaped = _reaped_children_cpu() - self.reaped_before
        label = "bench + load generator"
        used[label] = used.get(label, 0.0) + max(0.0, reaped)
        machine = (busy1 - busy0) / _TICKS
        used["other"] = max(0.0, machine - sum(used.values()))
        cores = os.cpu_count() or 1
        return {
            "wall_s": round(wall, 3),
            "machine_busy_pct": round(100.0 * (busy1 - busy0) / max(1, total1 - total0), 1),
            "cpu_s": {k: round(v, 2) for k, v in sorted(used.items(), key=lambda kv: -kv[1])},
            "cores": cores,
        }


def vm_rss_bytes(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def memory_bytes(pid: int) -> dict[str, int] | None:
    """From /proc/<pid>/smaps_rollup: RSS (every page the process maps, shared ones too),
    PSS (each page divided by the processes sharing it: summed over processes, the true
    total) and USS (pages only this process has: what its exit would free)."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024
    except OSError:
        return None
    if "Rss" not in fields:
        return None
    return {
        "rss": fields["Rss"],
        "pss": fields.get("Pss", 0),
        "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_status(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_http(child: Child, port: int, path: str, timeout: float) -> None:
    """Wait until GET path answers 200, or fail with the end of the child's log."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited early:\n{child.tail()}")
        try:
            status, body = http_status(port, path, timeout=1.0)
            if status == 200:
                return
            last = f"{status} {body[:200]!r}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(f"{child.name} not ready on :{port}{path} ({last}):\n{child.tail()}")


# -- PostgreSQL ------------------------------------------------------------------------------


def pg_url(database: str) -> str:
    return f"{PG_SERVER}/{database}"


def create_databases(names: list[str]) -> None:
    with psycopg.connect(pg_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_databases(names: list[str]) -> None:
    with psycopg.connect(pg_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- RabbitMQ --------------------------------------------------------------------------------


def delete_bus_names(queues: list[str], exchanges: list[str]) -> None:
    """Delete queues and exchanges by name (deleting a missing one is not an error)."""
    from kombu import Connection

    with Connection(AMQP_URL, connect_timeout=5) as conn:
        for name in queues:
            conn.default_channel.queue_delete(name)
        for name in exchanges:
            conn.default_channel.exchange_delete(name)


def purge_queue(name: str) -> int:
    from kombu import Connection

    with Connection(AMQP_URL, connect_timeout=5) as conn:
        return int(conn.default_channel.queue_purge(name) or 0)


# -- figures ---------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of unsorted values; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100.0 * len(ordered))))
    return ordered[rank - 1]
