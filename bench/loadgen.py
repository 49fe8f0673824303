"""Closed-loop HTTP load: wrk when installed, else a Python generator (processes × threads).

Both keep `concurrency` keep-alive connections busy for a fixed time and report requests/s
and latency percentiles. Every request carries a fresh Idempotency-Key, so a POST to intake
is a new submission each time. The Python generator has its own ceiling (a few thousand
requests/s on two cores, and it takes CPU from the server it measures); the bench measures
that ceiling against the hello-world app whenever wrk is also there.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import queue
import shutil
import subprocess
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.infra import percentile


@dataclass
class Target:
    port: int
    path: str
    method: str = "POST"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    key_prefix: str = "bench"


@dataclass
class LoadResult:
    generator: str
    concurrency: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_load(
    target: Target, *, concurrency: int, seconds: float, generator: str, workdir: Path
) -> LoadResult:
    if generator == "wrk":
        return run_wrk(target, concurrency=concurrency, seconds=seconds, workdir=workdir)
    return run_python(target, concurrency=concurrency, seconds=seconds)


# -- wrk -------------------------------------------------------------------------------------

_WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
local prefix = %(prefix)s
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. tostring(tid) .. "-" .. tostring(counter)
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCHJSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"connect\\": %%d, "
    .. "\\"read\\": %%d, \\"write\\": %%d, \\"status\\": %%d, \\"timeout\\": %%d, "
    .. "\\"p50_us\\": %%.1f, \\"p90_us\\": %%.1f, \\"p99_us\\": %%.1f, \\"max_us\\": %%.1f}\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _lua_string(text: str) -> str:
    if not text.isascii():
        raise ValueError("the wrk script takes ASCII strings only")
    return json.dumps(text)  # for ASCII text a JSON string literal is a valid Lua one


def run_wrk(target: Target, *, concurrency: int, seconds: float, workdir: Path) -> LoadResult:
    headers = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    script = workdir / f"wrk-{target.key_prefix}.lua"
    script.write_text(
        _WRK_SCRIPT
        % {
            "method": _lua_string(target.method),
            "body": _lua_string(target.body.decode()) if target.body else "nil",
            "headers": headers,
            "prefix": _lua_string(target.key_prefix),
        }
    )
    duration = max(1, round(seconds))
    threads = max(1, min(2, concurrency))
    argv = [
        wrk_path() or "wrk",
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{target.port}{target.path}",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCHJSON "))
    secs = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    non2xx = 0
    for ln in done.stdout.splitlines():
        if "Non-2xx or 3xx responses:" in ln:
            non2xx = int(ln.split(":")[1])
    return LoadResult(
        generator="wrk",
        concurrency=concurrency,
        seconds=round(secs, 3),
        requests=raw["requests"],
        errors=errors,
        rps=raw["requests"] / secs if secs else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        statuses={"non_2xx_3xx": non2xx, **{k: raw[k] for k in ("connect", "read", "timeout")}},
    )


# -- the Python generator ---------------------------------------------------------------------


def _client_thread(
    target: Target, stop_at: float, tag: str, out: list[float], statuses: Counter
) -> None:
    conn: http.client.HTTPConnection | None = None
    n = 0
    while time.perf_counter() < stop_at:
        n += 1
        headers = {**target.headers, "Idempotency-Key": f"{target.key_prefix}-{tag}-{n}"}
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
            conn.request(target.method, target.path, body=target.body or None, headers=headers)
            response = conn.getresponse()
            response.read()
            out.append(time.perf_counter() - started)
            statuses[str(response.status)] += 1
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            statuses[type(exc).__name__] += 1
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


def _client_process(target: Target, threads: int, seconds: float, results: Any) -> None:
    stop_at = time.perf_counter() + seconds
    latencies: list[float] = []
    statuses: Counter = Counter()
    workers = [
        threading.Thread(
            target=_client_thread,
            args=(target, stop_at, f"{os.getpid()}-{i}", latencies, statuses),
            daemon=True,
        )
        for i in range(threads)
    ]
    started = time.time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 15)
    results.put((started, time.time(), latencies, dict(statuses)))


def run_python(target: Target, *, concurrency: int, seconds: float) -> LoadResult:
    processes = max(1, min(2, concurrency, os.cpu_count() or 1))
    shares = [
        concurrency // processes + (1 if i < concurrency % processes else 0)
        for i in range(processes)
    ]
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    children = [
        ctx.Process(target=_client_process, args=(target, share, seconds, results), daemon=True)
        for share in shares
    ]
    for child in children:
        child.start()
    collected = []
    try:
        for _ in children:
            collected.append(results.get(timeout=seconds + 30))
    except queue.Empty:
        pass
    finally:
        for child in children:
            child.join(5)
            if child.is_alive():
                child.terminate()
                child.join(5)
    latencies = [lat for *_, lats, _ in collected for lat in lats]
    statuses: Counter = Counter()
    for *_, st in collected:
        statuses.update(st)
    span = (max(c[1] for c in collected) - min(c[0] for c in collected)) if collected else 0.0
    ok = sum(v for k, v in statuses.items() if k.isdigit() and 200 <= int(k) < 400)
    ms = [lat * 1000 for lat in latencies]
    return LoadResult(
        generator="python",
        concurrency=concurrency,
        seconds=round(span, 3),
        requests=len(latencies),
        errors=sum(statuses.values()) - ok,
        rps=len(latencies) / span if span else 0.0,
        p50_ms=percentile(ms, 50),
        p90_ms=percentile(ms, 90),
        p99_ms=percentile(ms, 99),
        max_ms=max(ms) if ms else None,
        statuses=dict(statuses),
    )


# -- open loop ---------------------------------------------------------------------------------


def run_open_loop(
    target: Target, *, rate: float, seconds: float, connections: int = 32
) -> dict[str, Any]:
    """Requests sent at a constant arrival rate, whatever the server does: request i is due
    at start + i/rate, and its latency is counted from when it was due, not from when a
    connection was free to send it. A saturated server therefore shows its queue in the
    percentiles instead of slowing the generator down (no coordinated omission).

    Runs in a child process (threads, keep-alive connections) so the bench's own work does
    not delay the schedule. `lag_p99_ms` is how late the generator itself sent: when it
    nears the latencies, the figure is the generator's, not the server's."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(
        target=_open_loop_process, args=(target, rate, seconds, connections, results), daemon=True
    )
    child.start()
    try:
        latencies, lags, statuses, span = results.get(timeout=seconds + 40)
    finally:
        child.join(5)
        if child.is_alive():
            child.terminate()
            child.join(5)
    ok = sum(v for k, v in statuses.items() if k.isdigit() and 200 <= int(k) < 400)
    ms = [lat * 1000 for lat in latencies]
    lag_ms = [lag * 1000 for lag in lags]
    return {
        "generator": "python open loop",
        "rate": rate,
        "connections": connections,
        "seconds": round(span, 3),
        "requests": len(latencies),
        "errors": sum(statuses.values()) - ok,
        "rps": len(latencies) / span if span else 0.0,
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else None,
        "lag_p99_ms": percentile(lag_ms, 99),
        "statuses": statuses,
    }


def _open_loop_process(
    target: Target, rate: float, seconds: float, connections: int, results: Any
) -> None:
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    latencies: list[float] = []
    lags: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def send() -> None:
        conn: http.client.HTTPConnection | None = None
        while (item := due.get()) is not None:
            i, due_at = item
            headers = {**target.headers, "Idempotency-Key": f"{target.key_prefix}-o-{i}"}
            sent = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
                conn.request(target.method, target.path, body=target.body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                if conn is not None:
                    conn.close()
                conn = None
            done = time.perf_counter()
            with lock:
                latencies.append(done - due_at)
                lags.append(sent - due_at)
                statuses[status] += 1
        if conn is not None:
            conn.close()

    senders = [threading.Thread(target=send, daemon=True) for _ in range(connections)]
    for sender in senders:
        sender.start()
    start = time.perf_counter() + 0.05
    total = int(rate * seconds)
    for i in range(total):
        due_at = start + i / rate
        pause = due_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((i, due_at))
    for _ in senders:
        due.put(None)
    for sender in senders:
        sender.join(30)
    results.put((latencies, lags, dict(statuses), time.perf_counter() - start))


# -- one-off requests ------------------------------------------------------------------------


def request_json(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw.decode(errors="replace")


def post_many(
    target: Target, count: int, *, concurrency: int, deadline_s: float
) -> list[tuple[float, int, Any]]:
    """POST `count` requests from `concurrency` threads; (wall time sent, status, JSON) each."""
    results: list[tuple[float, int, Any]] = []
    lock = threading.Lock()
    next_index = iter(range(count))
    stop_at = time.monotonic() + deadline_s

    def _run(tag: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                headers = {**target.headers, "Idempotency-Key": f"{target.key_prefix}-{i}"}
                sent = time.time()
                try:
                    conn.request(target.method, target.path, body=target.body, headers=headers)
                    response = conn.getresponse()
                    raw = response.read()
                    item = (sent, response.status, json.loads(raw) if raw else None)
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
                    item = (sent, 0, repr(exc))
                with lock:
                    results.append(item)
        finally:
            conn.close()

    threads = [threading.Thread(target=_run, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline_s + 15)
    return results
