"""2h: a session week's peak for many county tenants at once (issue 7, "Speed").

For each step (10, 100, 10, 100, 10, 100 tenants by default) the same peak is replayed:
`rate` submissions a second for `seconds`, three suggestions to one opinion, handed out
round-robin over the step's tenants so every tenant files its share at the same time, each
with its own county system key, deputies, handling units and station. Open loop:
submission i is due at start + i/rate whatever the server does, and its latency (POST →
receipt settled, read from intake's `submissions.updated_at`) is counted from when it was
due. The aggregate rate is the same in every step, so a cost that grows with the number of
tenants (a per-tenant cache, a query without a tenant index, a lock shared across tenants)
shows as work per suggestion or p99 rising from one step to the next.

Three things keep that reading from being the machine's instead of renda's:

- **Net of idle.** The eight processes and their backends cost CPU with nothing to do
  (relay polls, the workers' minute ticks, pool pings: ~75 ms a second, 4 ms a suggestion
  at 25/s, 10 at 10/s), and a tick that lands in one step and not another moves a step's
  figure by itself. Each step first meters the same processes for `idle_seconds` with no
  load (a window a worker's tick ran in, by its /metrics, is measured again); *net* CPU per
  suggestion = (step CPU − idle CPU a second × step wall) / suggestions. The idle rate is
  shown step by step: a background cost growing with the tenants would show there.
- **Reference units.** The host's CPU speed swings up to 2× within minutes (noisy
  neighbours), so a CPU-second is not a fixed amount of work. Every `REFERENCE_EVERY`
  seconds through the step (idle window included) the bench process times a fixed
  pure-Python work (sorting, JSON, a regular expression on fixed data; its own thread CPU),
  and the step's median is its *reference ms*. Net CPU per suggestion / reference ms is the
  suggestion's cost in reference works, which a slow spell of the host leaves as it is.
- **Counts that do not depend on speed.** Per suggestion, from `pg_stat_database` over
  renda's databases: rows read (tup_returned + tup_fetched), buffers touched (blks_hit +
  blks_read), rows written (inserted + updated + deleted) and commits, net of the idle
  window's rates like the CPU. A query without a tenant index or a per-tenant scan shows
  there whatever the host's speed. Commits are shown but not judged: the consumers and
  relays commit a batch at a time, and the batches grow when the host is slow (3.9 commits
  a suggestion with 13 s of other people's CPU in a step, 8.2 with 0.7 s). The counts are
  read `STATS_FLUSH_SECONDS` after the work ended (PostgreSQL 15 holds an idle backend's
  last counts up to 10 s), each step after a VACUUM (ANALYZE), and include the bench's own
  polls (the settle and drain queries, ~1 row read per submission), alike in every step.

The counts are given in turn and repeated (FULL: 10, 100, 10, 100, 10, 100); the figures of
a count are the MEDIANS of its steps, and the verdict "flat within 10 %" compares the most
tenants' medians with the fewest's: rows read, buffers and rows written per suggestion
and the net CPU in reference units, each within ±10 %.

The tenants (990001, 990002, …) are written with the directory in-process
(renda.demo.seed_county, as `renda seed` writes the demo city's twelve counties) under a
city of their own (990000), before each step and outside its measurement; each step adds
the tenants it lacks. A warm-up on the demo's county 450102 comes first, not measured.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import queue
import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from bench.infra import AMQP_URL, CpuMeter, cpu_seconds, log, percentile, pg_url
from runtime.config import DIRECTORY, SERVICES

CITY = "990000"
SUGGESTION_PATH = "/intake/v1/suggestions"
OPINION_PATH = "/intake/v1/opinions"
CATEGORIES = ("education", "health", "employment", "transport", "urban_construction", "culture")


@dataclass(frozen=True)
class Plan:
    steps: tuple[int, ...]
    rate: float
    """Submissions (suggestions and opinions) a second, all tenants together."""
    seconds: float
    opinion_every: int
    """Every n-th submission is an opinion recorded at one of the tenant's stations."""
    deputies: int
    connections: int
    settle_seconds: float
    warmup_seconds: float
    """The same peak on the demo's county 450102 first, not measured: the processes' code
    paths and connection pools are warm for the first step, the bench tenants' caches not."""
    idle_seconds: float
    """Before each step's load, the same processes metered with nothing to do."""


# 25/s so that the work outweighs the idle background (at 10/s the idle was most of a
# suggestion's CPU); 14 s so that six steps take about as long as three 40-s ones did.
FULL = Plan(
    steps=(10, 100, 10, 100, 10, 100),
    rate=25.0,
    seconds=14.0,
    opinion_every=4,
    deputies=8,
    connections=16,
    settle_seconds=90.0,
    warmup_seconds=5.0,
    idle_seconds=6.0,
)
QUICK = Plan(
    steps=(2, 4, 2, 4),
    rate=6.0,
    seconds=4.0,
    opinion_every=4,
    deputies=2,
    connections=4,
    settle_seconds=30.0,
    warmup_seconds=1.0,
    idle_seconds=2.0,
)

FLAT = 0.10
"""Issue 7: per-tenant cost flat within 10 % from the fewest tenants to the most."""

STATS_FLUSH_SECONDS = 11.0
"""PostgreSQL 15 sends a backend's counts to pg_stat_database at most once a second, and
holds an idle backend's last ones up to 10 s (PGSTAT_IDLE_INTERVAL)."""

COUNTERS = {
    "rows_read": ("tup_returned", "tup_fetched"),
    "buffers": ("blks_hit", "blks_read"),
    "rows_written": ("tup_inserted", "tup_updated", "tup_deleted"),
    "commits": ("xact_commit",),
}
"""Work per suggestion that does not depend on the host's speed, each the sum of these
pg_stat_database columns."""

NO_TICKS_SECONDS = 3600
"""The workers' scheduled ticks (deadline colours, digests, …) run every RENDA_TICK_SECONDS,
60 by default, each worker at its own phase of the minute: a step's ~35 s of windows
cannot miss them, and a tick that lands in one step counts its scan of the whole term
(all open assignments, say) as that step's work per suggestion: 236 against 118 rows read
a suggestion in one run, and the verdict said "no" on that. A tick is work per minute, not
per suggestion, so 2h runs its workers with the ticks an hour apart (restarted as before
after it); their cost as the term grows is 2i's and 2d's to show."""

IDLE_ATTEMPTS = 3
"""Idle windows measured at most, until one without a tick in it."""

REFERENCE_EVERY = 0.5
"""Seconds between two timings of the reference work."""


@dataclass(frozen=True)
class Tenant:
    county: str
    key: str
    station: str
    deputies: tuple[str, ...]


def county_id(n: int) -> str:
    return f"99{n:04d}"


# -- the machine's speed -----------------------------------------------------------------------

_REFERENCE_ITEMS = {f"{i * 7919 % 10007:05d}-{i}": i for i in range(2000)}
_REFERENCE_DOC = json.dumps(
    [
        {"id": f"s{i}", "title": "关于增开新区学校公交线路的建议", "tenant": county_id(i % 100)}
        for i in range(300)
    ],
    ensure_ascii=False,
)
_REFERENCE_TENANT = re.compile(r'"tenant": "(\d+)"')


def reference_work() -> int:
    """The fixed work timed as the machine's speed, ~2.5 ms of thread CPU on a quiet host:
    what renda's processes do most, in kind (sorting, JSON both ways, a regular expression)."""
    n = 0
    for _ in range(2):
        n += len(sorted(_REFERENCE_ITEMS.items()))
        n += len(json.dumps(json.loads(_REFERENCE_DOC)))
        n += len(_REFERENCE_TENANT.findall(_REFERENCE_DOC))
    return n


class Reference:
    """Times `reference_work` every REFERENCE_EVERY seconds in a thread of the bench process,
    by that thread's CPU (not its wall time: waiting for the GIL or a core is not counted),
    until stopped. Its thread only computes, holding no lock a fork could copy held."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="2h-reference", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(REFERENCE_EVERY):
            started = time.thread_time()
            reference_work()
            self.samples.append(1000 * (time.thread_time() - started))

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._thread.join(5)
        return {
            "median_ms": round(statistics.median(self.samples), 3) if self.samples else None,
            "min_ms": round(min(self.samples), 3) if self.samples else None,
            "max_ms": round(max(self.samples), 3) if self.samples else None,
            "samples": len(self.samples),
        }


# -- work counts -------------------------------------------------------------------------------


def counters(system: Any) -> dict[str, dict[str, int]]:
    """COUNTERS so far in each of renda's databases, from pg_stat_database (read from the
    server's `postgres` database, so reading them adds nothing to renda's)."""
    columns = sorted({c for each in COUNTERS.values() for c in each})
    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        rows = conn.execute(
            f"SELECT datname, {', '.join(columns)} FROM pg_stat_database WHERE datname LIKE %s",
            (f"{system.prefix}\\_%",),
        ).fetchall()
    return {
        name.removeprefix(f"{system.prefix}_"): {
            figure: sum(int(values[columns.index(c)] or 0) for c in parts)
            for figure, parts in COUNTERS.items()
        }
        for name, *values in rows
    }


def _ran(before: dict[str, float], after: dict[str, float]) -> list[str]:
    """The ticks that ran between two readings of `tick_times`."""
    return sorted(tick for tick, at in after.items() if before.get(tick) != at)


def _delta(
    after: dict[str, dict[str, int]], before: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    return {
        db: {k: v - before.get(db, {}).get(k, 0) for k, v in figures.items()}
        for db, figures in after.items()
    }


def seed(system: Any, tenants: list[Tenant], count: int, deputies: int) -> float:
    """Add tenants until there are `count`: each a county with `deputies` deputies, the demo's
    handling units and routing rules, a township with a station, and a county system key."""
    from renda.demo import deputy_id, seed_county
    from runtime.clock import SystemClock
    from runtime.context import build_directory
    from runtime.db import Database

    started = time.perf_counter()
    directory = build_directory(system.settings, SystemClock())
    workflow_db = Database(system.settings.database_url_for("workflow"))
    try:
        if directory.node(CITY) is None:
            directory.create_node(CITY, "city", "基准市", None)
        for n in range(len(tenants) + 1, count + 1):
            county = county_id(n)
            seed_county(workflow_db, directory, county, f"基准县{n}", CITY, deputies)
            township, station = f"{county}001", f"{county}001-S1"
            directory.create_node(township, "township", f"基准县{n}一镇", county)
            directory.create_node(station, "station", f"基准县{n}一镇代表联络站", township)
            key = directory.create_key(county, "system", label=f"bench county system {county}")
            ids = tuple(deputy_id(county, i) for i in range(1, deputies + 1))
            tenants.append(Tenant(county, key, station, ids))
    finally:
        workflow_db.dispose()
        directory.db.dispose()
    return time.perf_counter() - started


def schedule(tenants: list[Tenant], plan: Plan, tag: str) -> list[tuple[str, str, str, bytes]]:
    """(tenant, path, key, body) per submission, in the order they are due."""
    items = []
    for i in range(int(plan.rate * plan.seconds)):
        tenant = tenants[i % len(tenants)]
        # In its own turns, shifted by the tenant's place: every tenant files the same mix
        # within one submission, and one in `opinion_every` is an opinion at any step.
        turn = i // len(tenants) + i % len(tenants)
        if turn % plan.opinion_every == plan.opinion_every - 1:
            path, body = (
                OPINION_PATH,
                {
                    "station_id": tenant.station,
                    "channel": "reception_day",
                    "text": f"bench {tag}: 小区门口的路灯坏了三个月，晚上出行不便。",
                    "category": "urban_construction",
                },
            )
        else:
            path, body = (
                SUGGESTION_PATH,
                {
                    "lead_deputy_id": tenant.deputies[i % len(tenant.deputies)],
                    "title": f"bench {tag}: 关于增开新区学校公交线路的建议",
                    "body": "新区有两所学校，只有一条公交线路。" * 6,
                    "category": CATEGORIES[i % len(CATEGORIES)],
                    "occasion": "session",
                    "session_name": "第三次会议",
                },
            )
        items.append((tenant.county, path, tenant.key, json.dumps(body).encode()))
    return items


# -- the generator -----------------------------------------------------------------------------


def send(
    port: int, items: list[tuple[str, str, str, bytes]], rate: float, connections: int, tag: str
) -> list[tuple]:
    """Each item at start + i/rate from a child process with `connections` keep-alive
    connections; a lost answer is sent again with the same Idempotency-Key. One row per
    item: (i, due wall time, sent wall time, answered wall time, status, receipt id)."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(
        target=_sender, args=(port, items, rate, connections, tag, results), daemon=True
    )
    child.start()
    try:
        rows: list[tuple] = results.get(timeout=len(items) / rate + 120)
    finally:
        child.join(5)
        if child.is_alive():
            child.terminate()
            child.join(5)
    return sorted(rows)


def _sender(
    port: int,
    items: list[tuple[str, str, str, bytes]],
    rate: float,
    connections: int,
    tag: str,
    results: Any,
) -> None:
    due: queue.Queue[tuple[int, float] | None] = queue.Queue()
    rows: list[tuple] = []
    lock = threading.Lock()

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while (item := due.get()) is not None:
            i, due_at = item
            _, path, key, body = items[i]
            headers = {
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{tag}-{i}",
            }
            sent, status, receipt = time.time(), "none", None
            for _attempt in range(3):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    raw = response.read()
                    status = str(response.status)
                    if response.status == 202:
                        receipt = json.loads(raw)["id"]
                    if response.will_close:
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    status = type(exc).__name__
                    if conn is not None:
                        conn.close()
                    conn = None
            with lock:
                rows.append((i, due_at, sent, time.time(), status, receipt))
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    start = time.time() + 0.1
    for i in range(len(items)):
        pause = start + i / rate - time.time()
        if pause > 0:
            time.sleep(pause)
        due.put((i, start + i / rate))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join(60)
    results.put(rows)


# -- after the peak ----------------------------------------------------------------------------


def settle(system: Any, ids: list[str], timeout: float) -> dict[str, tuple[str, float]]:
    """Receipt id → (status, settled wall time), polled from intake until none is pending."""
    settled: dict[str, tuple[str, float]] = {}
    deadline = time.monotonic() + timeout
    while len(settled) < len(ids) and time.monotonic() < deadline:
        waiting = [i for i in ids if i not in settled]
        for sid, status, updated in system.sql(
            "intake",
            "SELECT id, status, updated_at FROM submissions "
            "WHERE id = ANY(%s) AND status <> 'pending'",
            waiting,
        ):
            settled[sid] = (status, updated.timestamp())
        if len(settled) < len(ids):
            time.sleep(0.25)
    return settled


def drain(system: Any, timeout: float) -> float | None:
    """Wait until every outbox is relayed and every service's queue is empty, on two polls
    0.3 s apart (the work the settled receipts set off downstream: points, notices)."""
    from kombu import Connection

    from contracts.topology import Names

    names = Names(system.prefix)
    started = time.monotonic()
    quiet = 0
    with Connection(AMQP_URL, connect_timeout=5) as conn:
        channel = conn.channel()
        while time.monotonic() - started < timeout:
            pending = sum(
                system.sql(service, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
                for service in SERVICES
            )
            ready = sum(channel.queue_declare(names.queue(s), passive=True)[1] for s in SERVICES)
            quiet = quiet + 1 if pending == 0 and ready == 0 else 0
            if quiet >= 2:
                return time.monotonic() - started
            time.sleep(0.3)
    return None


def check(system: Any, step: list[Tenant], sent: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """Per tenant: every accepted submission applied exactly once (one workflow row per
    receipt, receipt accepted), and its suggestion numbers without gap or repeat."""
    problems: list[str] = []
    counties = [t.county for t in step]
    for kind, table in (("suggestion", "suggestions"), ("opinion", "opinions")):
        ids = [sid for county in counties for sid in sent[county][kind]]
        intake = {
            (tenant, status): n
            for tenant, status, n in system.sql(
                "intake",
                "SELECT tenant, status, count(*) FROM submissions WHERE id = ANY(%s) "
                "GROUP BY tenant, status",
                ids,
            )
        }
        applied = {
            tenant: (n, distinct)
            for tenant, n, distinct in system.sql(
                "workflow",
                f"SELECT tenant, count(*), count(DISTINCT submission_id) FROM {table} "
                "WHERE submission_id = ANY(%s) GROUP BY tenant",
                ids,
            )
        }
        for county in counties:
            want = len(sent[county][kind])
            accepted = intake.get((county, "accepted"), 0)
            rows, distinct = applied.get(county, (0, 0))
            if not accepted == rows == distinct == want:
                problems.append(
                    f"{county} {kind}s: sent {want}, receipts accepted {accepted}, "
                    f"workflow rows {rows} ({distinct} distinct)"
                )
    for tenant, last, rows, numbers in system.sql(
        "workflow",
        "SELECT n.tenant, n.last, count(s.id), count(DISTINCT s.number) FROM number_sequences n "
        "LEFT JOIN suggestions s ON s.tenant = n.tenant AND s.year = n.year "
        "WHERE n.tenant = ANY(%s) GROUP BY n.tenant, n.last",
        counties,
    ):
        if not last == rows == numbers:
            problems.append(f"{tenant} numbers: last {last}, rows {rows}, distinct {numbers}")
    return {"ok": not problems, "tenants": len(counties), "problems": problems[:20]}


class Backends:
    """CPU of the PostgreSQL backends serving renda's databases. The machine's `postgres`
    processes also serve other people's databases on a shared server; a backend serves one
    database, so its pid in pg_stat_activity says whose it is. renda's pools keep their
    connections, so the backends alive at the end (and their CPU before) cover its work."""

    def __init__(self, system: Any) -> None:
        self.system = system
        self.before = {pid: cpu_seconds(pid) for pid in self._pids()}

    def _pids(self) -> list[int]:
        # From the server's `postgres` database: asking renda's would add to its counts.
        with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname LIKE %s",
                (f"{self.system.prefix}\\_%",),
            ).fetchall()
        return [int(pid) for (pid,) in rows]

    def stop(self) -> tuple[float, int]:
        """CPU seconds used since the start, and how many backends were new since then."""
        used, new = 0.0, 0
        for pid in self._pids():
            now = cpu_seconds(pid)
            if now is not None:
                used += now - (self.before.get(pid) or 0.0)
                new += pid not in self.before
        return used, new


def vacuum(system: Any) -> None:
    """VACUUM (ANALYZE) renda's databases before a step, outside its measurement. Without it
    the first steps ran on the planner's statistics of near-empty tables (sequential scans:
    1,257 and 2,654 rows read a suggestion against 96–233 once autovacuum had analyzed
    them), and autovacuum's own passes fell in one step or another."""
    for database in (*SERVICES, DIRECTORY):
        system.sql(database, "VACUUM (ANALYZE)")


def sizes(system: Any) -> dict[str, tuple[int, int]]:
    """(database bytes, outbox + inbox bytes) of each service: the messaging rows are pruned
    after RENDA_MESSAGE_RETENTION_DAYS, the rest is kept."""
    found = {}
    for service in SERVICES:
        ((total, messaging),) = system.sql(
            service,
            "SELECT pg_database_size(current_database()), "
            "pg_total_relation_size('outbox') + pg_total_relation_size('inbox')",
        )
        found[service] = (int(total), int(messaging))
    return found


def step_figures(
    rows: list[tuple],
    items: list[tuple[str, str, str, bytes]],
    settled: dict[str, tuple[str, float]],
) -> dict[str, Any]:
    """Latency and throughput, for all suggestions and per tenant."""
    latency: dict[str, list[float]] = defaultdict(list)
    done_at: dict[str, list[float]] = defaultdict(list)
    first_due = rows[0][1] if rows else 0.0
    everything: list[float] = []
    opinions: list[float] = []
    post = []
    for i, due, _, answered, _status, receipt in rows:
        post.append((answered - due) * 1000)
        if receipt not in settled:
            continue
        county, path = items[i][0], items[i][1]
        ms = (settled[receipt][1] - due) * 1000
        if path == OPINION_PATH:
            opinions.append(ms)
            continue
        everything.append(ms)
        latency[county].append(ms)
        done_at[county].append(settled[receipt][1])
    last = max((t for ts in done_at.values() for t in ts), default=first_due)
    span = last - first_due
    per_p99 = [percentile(v, 99) or 0.0 for v in latency.values()]
    per_rate = [len(done_at[c]) / (max(done_at[c]) - first_due) for c in done_at]

    def spread(values: list[float]) -> dict[str, float | None]:
        return {
            "min": min(values, default=None),
            "median": percentile(values, 50),
            "max": max(values, default=None),
        }

    return {
        "suggestions_settled": len(everything),
        "opinions_settled": len(opinions),
        "seconds_to_last_settled": round(span, 3),
        "suggestions_per_s": len(everything) / span if span > 0 else None,
        "post_p50_ms": percentile(post, 50),
        "post_p99_ms": percentile(post, 99),
        "p50_ms": percentile(everything, 50),
        "p99_ms": percentile(everything, 99),
        "opinion_p99_ms": percentile(opinions, 99),
        "per_tenant_p99_ms": spread(per_p99),
        "per_tenant_suggestions_per_s": spread(per_rate),
        "per_tenant_suggestions": spread([float(len(v)) for v in latency.values()]),
    }


def _metered(meter: CpuMeter, backends: Backends) -> dict[str, Any]:
    """The meter's figures with renda's own backends as a process of their own."""
    cpu = meter.stop()
    backend_cpu, new_backends = backends.stop()
    cpu["cpu_s"]["postgres (renda's backends)"] = round(backend_cpu, 2)
    cpu["new_postgres_backends"] = new_backends
    return cpu


def _renda(cpu: dict[str, Any]) -> dict[str, float]:
    """renda's processes, its backends and the broker. The machine-wide `postgres` and
    `rabbitmq` lines include other people's work on a shared server: renda's own backends
    stand for PostgreSQL; the broker is shown apart, in no total."""
    return {
        k: v
        for k, v in cpu["cpu_s"].items()
        if k.endswith(("-api", "-worker")) or k in ("postgres (renda's backends)", "rabbitmq")
    }


def _total(by_process: dict[str, float]) -> float:
    return sum(v for k, v in by_process.items() if k != "rabbitmq")


def _writes(by_database: dict[str, dict[str, float]]) -> dict[str, float]:
    """The counts of renda's databases but the directory's: renda writes the directory only
    when seeding, outside the steps, and its cache misses are reads in autocommit, each a
    commit; it is shown by database, not in the totals."""
    return {
        figure: sum(v[figure] for db, v in by_database.items() if db != DIRECTORY)
        for figure in COUNTERS
    }


def run_step(
    system: Any, tenants: list[Tenant], plan: Plan, allow: Callable[[float], float], index: int
) -> dict[str, Any]:
    # The step's place in its Idempotency-Keys: a count given twice (10, 100, 10, 100) files
    # anew instead of being answered the first run's receipts.
    tag = f"{system.prefix}-s{index}-t{len(tenants)}"
    items = schedule(tenants, plan, tag)
    children = {c.name: c for c, _ in (*system.apis.values(), *system.workers.values())}
    vacuum(system)
    sizes_before = sizes(system)
    # The bench's own connections closed just now (seeding, sizes) send their counts as
    # their backends exit: not in the idle window.
    time.sleep(0.5)
    reference = Reference()
    # A minute tick (a scan of every open assignment, say) in the idle window would be
    # taken from the step a few times over: a window a tick ran in is measured again.
    for _attempt in range(IDLE_ATTEMPTS):
        ticks_before = system.tick_times()
        idle_counts_before, idle_started = counters(system), time.monotonic()
        idle_meter, idle_backends = CpuMeter(children), Backends(system)
        time.sleep(plan.idle_seconds)
        idle_cpu = _metered(idle_meter, idle_backends)
        counts_before, counts_started = counters(system), time.monotonic()
        idle_ticks = _ran(ticks_before, system.tick_times())
        if not idle_ticks:
            break
        log(f"  {', '.join(idle_ticks)} ran in the idle window: measured again")
    idle_counts = _delta(counts_before, idle_counts_before)
    idle_s = counts_started - idle_started
    meter, backends = CpuMeter(children), Backends(system)
    ticks_before = system.tick_times()
    rows = send(system.port("intake"), items, plan.rate, plan.connections, tag)
    posted = time.monotonic()
    statuses = Counter(status for *_, status, _ in rows)
    sent: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"suggestion": [], "opinion": []})
    for i, *_, receipt in rows:
        if receipt:
            kind = "opinion" if items[i][1] == OPINION_PATH else "suggestion"
            sent[items[i][0]][kind].append(receipt)
    ids = [sid for kinds in sent.values() for each in kinds.values() for sid in each]
    settled = settle(system, ids, allow(plan.settle_seconds))
    drained = drain(system, allow(plan.settle_seconds))
    cpu = _metered(meter, backends)
    speed = reference.stop()
    time.sleep(allow(STATS_FLUSH_SECONDS))
    counts, counted_s = _delta(counters(system), counts_before), time.monotonic() - counts_started
    step_ticks = _ran(ticks_before, system.tick_times())
    grown = {
        service: (total - sizes_before[service][0], messaging - sizes_before[service][1])
        for service, (total, messaging) in sizes(system).items()
    }
    figures = step_figures(rows, items, settled)
    n = figures["suggestions_settled"]
    renda_cpu, idle_renda = _renda(cpu), _renda(idle_cpu)
    idle_rate = {k: v / idle_cpu["wall_s"] for k, v in idle_renda.items()}
    net_cpu = {k: v - idle_rate.get(k, 0.0) * cpu["wall_s"] for k, v in renda_cpu.items()}
    # Each database's counts net of what it counts idle over as long (relay polls, ticks).
    net_counts = {
        db: {k: v - idle_counts.get(db, {}).get(k, 0) / idle_s * counted_s for k, v in c.items()}
        for db, c in counts.items()
    }
    net_ms = 1000 * _total(net_cpu) / n if n else None
    reference_ms = speed["median_ms"]
    work = {k: round(v / n, 2) for k, v in _writes(net_counts).items()} if n else None
    return {
        "tenants": len(tenants),
        "offered_rate": plan.rate,
        "submissions": len(items),
        "statuses": dict(statuses),
        "receipts": dict(Counter(status for status, _ in settled.values())),
        "unsettled": len(ids) - len(settled),
        "new_postgres_backends": cpu["new_postgres_backends"],
        "drained_after_post_s": round(time.monotonic() - posted, 3) if drained else None,
        **figures,
        "cpu": cpu,
        "idle": {
            "cpu": idle_cpu,
            "cpu_ms_per_s": {k: round(1000 * v, 2) for k, v in idle_rate.items()},
            "counts_per_s": {
                db: {k: round(v / idle_s, 2) for k, v in c.items()} for db, c in idle_counts.items()
            },
        },
        "idle_cpu_ms_per_s": round(1000 * _total(idle_rate), 2),
        "ticks": {"idle": idle_ticks, "step": step_ticks},
        "reference": speed,
        "reference_ms": reference_ms,
        "cpu_ms_per_suggestion": 1000 * _total(renda_cpu) / n if n else None,
        "cpu_ms_per_suggestion_by_process": {
            k: round(1000 * v / n, 2) for k, v in renda_cpu.items()
        }
        if n
        else None,
        "net_cpu_ms_per_suggestion": net_ms,
        "net_cpu_ms_per_suggestion_by_process": {
            k: round(1000 * v / n, 2) for k, v in net_cpu.items()
        }
        if n
        else None,
        "net_cpu_in_reference": net_ms / reference_ms
        if net_ms is not None and reference_ms
        else None,
        "counted_s": round(counted_s, 2),
        "work_per_suggestion": work,
        "work_per_suggestion_by_database": {
            db: {k: round(v / n, 2) for k, v in c.items()} for db, c in net_counts.items()
        }
        if n
        else None,
        "commits_per_suggestion": work["commits"] if work else None,
        "commits_per_suggestion_by_database": {
            db: round(c["commits"] / n, 2) for db, c in net_counts.items()
        }
        if n
        else None,
        "bytes_per_suggestion": {
            service: {"database": total // n, "outbox_inbox": messaging // n}
            for service, (total, messaging) in grown.items()
        }
        if n
        else None,
        "check": check(system, tenants, sent),
    }


def warmup(system: Any, plan: Plan, allow: Callable[[float], float]) -> None:
    from renda.demo import DEPUTIES_PER_COUNTY, TOWNSHIPS, deputy_id

    county = "450102"
    demo = Tenant(
        county,
        system.keys[f"county_system_{county}"],
        f"{TOWNSHIPS[county][0][0]}-S1",
        tuple(deputy_id(county, i) for i in range(1, DEPUTIES_PER_COUNTY + 1)),
    )
    warm = Plan(**{**plan.__dict__, "seconds": plan.warmup_seconds})
    tag = f"{system.prefix}-warm"
    items = schedule([demo], warm, tag)
    rows = send(system.port("intake"), items, warm.rate, warm.connections, tag)
    settle(system, [r[-1] for r in rows if r[-1]], allow(plan.settle_seconds))
    drain(system, allow(plan.settle_seconds))


def step_time(plan: Plan) -> float:
    """A step's seconds beside settling: its idle window, its load, the counts' flush."""
    return 0.5 + plan.idle_seconds + plan.seconds + STATS_FLUSH_SECONDS


MEDIANS = (
    "suggestions_per_s",
    "p50_ms",
    "p99_ms",
    "reference_ms",
    "idle_cpu_ms_per_s",
    "cpu_ms_per_suggestion",
    "net_cpu_ms_per_suggestion",
    "net_cpu_in_reference",
    *COUNTERS,
)
"""A tenant count's figures, each the median of its steps."""

JUDGED = ("rows_read", "buffers", "rows_written", "net_cpu_in_reference")
"""The figures the verdict reads: the counts that do not follow the host's speed (not the
commits, see above), and the CPU in the machine's units."""


def by_count(steps: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for step in steps:
        grouped[step["tenants"]].append({**(step["work_per_suggestion"] or {}), **step})
    found = {}
    for count, each in sorted(grouped.items()):
        figures: dict[str, Any] = {"steps": len(each)}
        for key in MEDIANS:
            values = [s[key] for s in each if s.get(key) is not None]
            figures[key] = statistics.median(values) if values else None
        found[count] = figures
    return found


def verdict(counts: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    """Issue 7's flatness: each judged figure's median at the most tenants over its median at
    the fewest within ±FLAT; None before two counts are measured."""
    if len(counts) < 2:
        return None
    fewest, most = min(counts), max(counts)
    ratios = {key: _ratio(counts[most][key], counts[fewest][key]) for key in JUDGED}
    failed = [key for key, r in ratios.items() if r is None or abs(r - 1) > FLAT]
    return {
        "fewest": fewest,
        "most": most,
        "ratios": ratios,
        "failed": failed,
        "flat": not failed,
        "commits": _ratio(counts[most]["commits"], counts[fewest]["commits"]),
    }


def measure(
    system: Any, plan: Plan, allow: Callable[[float], float], result: dict[str, Any]
) -> None:
    """Every step in turn, on the running system (all four workers started here), into
    `result` as each step ends: a step that fails leaves the ones before it. The figures by
    tenant count, their ratios (the most tenants over the fewest) and the verdict are made
    anew after each step."""
    result.update(plan=plan.__dict__, steps=[], tick_seconds=NO_TICKS_SECONDS)
    for service in SERVICES:
        system.restart_worker(service, RENDA_TICK_SECONDS=str(NO_TICKS_SECONDS))
    try:
        _measure(system, plan, allow, result)
    finally:
        for service in SERVICES:
            system.restart_worker(service)


def _measure(
    system: Any, plan: Plan, allow: Callable[[float], float], result: dict[str, Any]
) -> None:
    steps = result["steps"]
    warmup(system, plan, allow)
    tenants: list[Tenant] = []
    for index, count in enumerate(plan.steps):
        wanted = step_time(plan) + plan.settle_seconds
        if allow(wanted) < step_time(plan) + 10:
            log(f"  tenants: no time left for {count} tenants")
            break
        seeded = seed(system, tenants, count, plan.deputies)
        log(f"  {count} tenants ready ({seeded:.1f}s to seed)")
        step = run_step(system, tenants[:count], plan, allow, index)
        step["seed_s"] = round(seeded, 2)
        log(
            f"  {count} tenants: {step['suggestions_settled']} suggestions, p99 "
            f"{step['p99_ms'] or 0:.0f} ms, {step['cpu_ms_per_suggestion'] or 0:.1f} ms CPU "
            f"each, {step['net_cpu_ms_per_suggestion'] or 0:.1f} net of "
            f"{step['idle_cpu_ms_per_s']:.0f} ms/s idle, reference "
            f"{step['reference_ms'] or 0:.2f} ms"
        )
        steps.append(step)
        counts = by_count(steps)
        result["by_count"] = counts
        fewest, most = counts[min(counts)], counts[max(counts)]
        result["ratio_last_to_first"] = {key: _ratio(most[key], fewest[key]) for key in MEDIANS}
        result["ratio_last_to_first"]["commits_per_suggestion"] = _ratio(
            most["commits"], fewest["commits"]
        )
        result["verdict"] = verdict(counts)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: Any, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


LABELS = {
    "rows_read": "rows read",
    "buffers": "buffers",
    "rows_written": "rows written",
    "net_cpu_in_reference": "net CPU in reference units",
}
"""The verdict's names for the JUDGED figures."""


def render(result: dict[str, Any]) -> str:
    """The phase's own table, printed after the bench's."""
    steps = result.get("steps") or []
    if not steps:
        return ""
    plan = result["plan"]
    lines = [
        "",
        f"2h a session-week peak, {plan['rate']:.0f} submissions/s for {plan['seconds']:.0f} s "
        f"(1 in {plan['opinion_every']} an opinion), split over N tenants (open loop), "
        f"each step after {plan.get('idle_seconds', 0):.0f} s idle; the workers' ticks "
        f"{result.get('tick_seconds', 60):,} s apart (NO_TICKS_SECONDS)",
        "-" * 100,
        f"{'tenants':>8} {'sugg/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'commits/sugg':>13} "
        f"{'tenant p99 min/med/max ms':>27} {'tenant sugg/s min/max':>22}",
    ]
    for s in steps:
        p99s, rates = s["per_tenant_p99_ms"], s["per_tenant_suggestions_per_s"]
        spread = f"{_fmt(p99s['min'])} / {_fmt(p99s['median'])} / {_fmt(p99s['max'])}"
        lines.append(
            f"{s['tenants']:>8} {_fmt(s['suggestions_per_s'], 1):>7} {_fmt(s['p50_ms']):>8} "
            f"{_fmt(s['p99_ms']):>8} {_fmt(s['commits_per_suggestion'], 1):>13} {spread:>27} "
            f"{_fmt(rates['min'], 2) + ' / ' + _fmt(rates['max'], 2):>22}"
        )
    lines += [
        "",
        "   cost per suggestion: CPU (renda's processes + backends) gross and net of the idle "
        "window's rate; net / reference ms;",
        "   counts from pg_stat_database over renda's databases but the directory's, net of idle",
        f"{'tenants':>8} {'ref ms':>7} {'idle ms/s':>10} {'CPU ms':>7} {'net ms':>7} "
        f"{'net/ref':>8} {'rows read':>10} {'buffers':>9} {'rows written':>13} {'commits':>8}",
    ]

    def cost_row(label: str, f: dict[str, Any]) -> str:
        return (
            f"{label:>8} {_fmt(f['reference_ms'], 2):>7} {_fmt(f['idle_cpu_ms_per_s'], 0):>10} "
            f"{_fmt(f['cpu_ms_per_suggestion'], 1):>7} "
            f"{_fmt(f['net_cpu_ms_per_suggestion'], 1):>7} "
            f"{_fmt(f['net_cpu_in_reference'], 2):>8} {_fmt(f['rows_read'], 0):>10} "
            f"{_fmt(f['buffers'], 0):>9} {_fmt(f['rows_written'], 1):>13} "
            f"{_fmt(f['commits'], 2):>8}"
        )

    for s in steps:
        lines.append(cost_row(str(s["tenants"]), {**(s["work_per_suggestion"] or {}), **s}))
    counts = result.get("by_count") or {}
    for count, f in counts.items():
        lines.append(cost_row(f"med {count}", f) + f"   ({f['steps']} steps)")
    for s in steps:
        cpu = ", ".join(
            f"{k} {v}" for k, v in (s["net_cpu_ms_per_suggestion_by_process"] or {}).items()
        )
        idle = ", ".join(f"{k} {v:.0f}" for k, v in s["idle"]["cpu_ms_per_s"].items())
        lines.append(
            f"   {s['tenants']} tenants: {s['submissions']} POSTs {s['statuses']}, receipts "
            f"{s['receipts']}, unsettled {s['unsettled']}, POST→202 p99 "
            f"{_fmt(s['post_p99_ms'])} ms, opinions p99 {_fmt(s['opinion_p99_ms'])} ms; "
            f"net CPU ms/sugg by process: {cpu}; idle CPU ms/s: {idle}; machine busy "
            f"{s['cpu']['machine_busy_pct']:.0f}% (other {s['cpu']['cpu_s'].get('other', 0):.1f}"
            f" s of {s['cpu']['wall_s']:.0f} s); reference {s['reference']['min_ms']}–"
            f"{s['reference']['max_ms']} ms over {s['reference']['samples']}; seeding "
            f"{s['seed_s']} s; new PostgreSQL backends {s['new_postgres_backends']}; ticks "
            f"run in the step: {', '.join(s['ticks']['step']) or 'none'}"
        )
        by_database = s.get("work_per_suggestion_by_database") or {}
        lines.append(
            "     per suggestion by database, rows read / buffers / rows written / commits: "
            + ", ".join(
                f"{k} {v['rows_read']:.0f}/{v['buffers']:.0f}/{v['rows_written']:.1f}/"
                f"{v['commits']:.2f}"
                for k, v in by_database.items()
            )
        )
        grown = s.get("bytes_per_suggestion") or {}
        lines.append(
            "     database growth per suggestion (its opinions included), bytes: "
            + ", ".join(
                f"{k} {v['database']:,} (outbox+inbox {v['outbox_inbox']:,})"
                for k, v in grown.items()
            )
        )
    ratio = result["ratio_last_to_first"]
    fewest, most = min(counts), max(counts)
    lines.append(
        f"   {most} tenants / {fewest}, medians: CPU per suggestion gross "
        f"{_fmt(ratio['cpu_ms_per_suggestion'], 2)}, net "
        f"{_fmt(ratio['net_cpu_ms_per_suggestion'], 2)}, reference ms "
        f"{_fmt(ratio['reference_ms'], 2)}, idle CPU "
        f"{_fmt(ratio['idle_cpu_ms_per_s'], 2)}, p99 {_fmt(ratio['p99_ms'], 2)}, p50 "
        f"{_fmt(ratio['p50_ms'], 2)}"
    )
    for s in steps:
        c = s["check"]
        lines.append(
            f"check: {s['tenants']} tenants, every accepted submission applied once per tenant, "
            "numbers without gap".ljust(96)
            + ("ok" if c["ok"] else "FAILED: " + "; ".join(c["problems"]))
        )
    judged = result.get("verdict")
    if judged:
        ratios = ", ".join(f"{LABELS[k]} ×{_fmt(r, 3)}" for k, r in judged["ratios"].items())
        answer = (
            "yes"
            if judged["flat"]
            else "no (" + ", ".join(LABELS[k] for k in judged["failed"]) + " outside ±10 %)"
        )
        lines.append(
            f"per-tenant cost flat within {FLAT:.0%} ({judged['most']} tenants / "
            f"{judged['fewest']}, medians per suggestion: {ratios}; commits "
            f"×{_fmt(judged['commits'], 3)}, not judged: batched): {answer}"
        )
    return "\n".join(lines)
