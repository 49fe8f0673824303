"""2h: a session week's peak for many county tenants at once (issue 7, "Speed").

For each step (10, 30, 100 tenants by default) the same peak is replayed: `rate` submissions
a second for `seconds`, three suggestions to one opinion, handed out round-robin over the
step's tenants so every tenant files its share at the same time, each with its own county
system key, deputies, handling units and station. Open loop: submission i is due at
start + i/rate whatever the server does, and its latency (POST → receipt settled, read from
intake's `submissions.updated_at`) is counted from when it was due. The aggregate rate is
the same in every step, so a cost that grows with the number of tenants (a per-tenant
cache, a query without a tenant index, a lock shared across tenants) shows as CPU per
suggestion or p99 rising from one step to the next.

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
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.infra import AMQP_URL, CpuMeter, cpu_seconds, log, percentile
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


FULL = Plan(
    steps=(10, 30, 100),
    rate=10.0,
    seconds=40.0,
    opinion_every=4,
    deputies=8,
    connections=16,
    settle_seconds=90.0,
    warmup_seconds=5.0,
)
QUICK = Plan(
    steps=(2, 4),
    rate=6.0,
    seconds=4.0,
    opinion_every=4,
    deputies=2,
    connections=4,
    settle_seconds=30.0,
    warmup_seconds=1.0,
)


@dataclass(frozen=True)
class Tenant:
    county: str
    key: str
    station: str
    deputies: tuple[str, ...]


def county_id(n: int) -> str:
    return f"99{n:04d}"


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
        rows = self.system.sql(
            "directory",
            "SELECT pid FROM pg_stat_activity WHERE datname LIKE %s AND pid <> pg_backend_pid()",
            f"{self.system.prefix}\\_%",
        )
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


def run_step(
    system: Any, tenants: list[Tenant], plan: Plan, allow: Callable[[float], float], index: int
) -> dict[str, Any]:
    # The step's place in its Idempotency-Keys: a count given twice (--tenant-steps
    # 10,100,10,100, to see the machine's drift) files anew instead of being answered the
    # first run's receipts.
    tag = f"{system.prefix}-s{index}-t{len(tenants)}"
    items = schedule(tenants, plan, tag)
    children = {c.name: c for c, _ in (*system.apis.values(), *system.workers.values())}
    commits_before = system.commits()
    sizes_before = sizes(system)
    meter, backends = CpuMeter(children), Backends(system)
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
    cpu = meter.stop()
    backend_cpu, new_backends = backends.stop()
    cpu["cpu_s"]["postgres (renda's backends)"] = round(backend_cpu, 2)
    commits = system.commits()
    grown = {
        service: (total - sizes_before[service][0], messaging - sizes_before[service][1])
        for service, (total, messaging) in sizes(system).items()
    }
    figures = step_figures(rows, items, settled)
    n = figures["suggestions_settled"]
    # The machine-wide `postgres` and `rabbitmq` lines include other people's work on a
    # shared server: renda's own backends stand for PostgreSQL; the broker is shown apart.
    renda_cpu = {
        k: v
        for k, v in cpu["cpu_s"].items()
        if k.endswith(("-api", "-worker")) or k in ("postgres (renda's backends)", "rabbitmq")
    }
    return {
        "tenants": len(tenants),
        "offered_rate": plan.rate,
        "submissions": len(items),
        "statuses": dict(statuses),
        "receipts": dict(Counter(status for status, _ in settled.values())),
        "unsettled": len(ids) - len(settled),
        "new_postgres_backends": new_backends,
        "drained_after_post_s": round(time.monotonic() - posted, 3) if drained else None,
        **figures,
        "cpu": cpu,
        "cpu_ms_per_suggestion": 1000 * sum(v for k, v in renda_cpu.items() if k != "rabbitmq") / n
        if n
        else None,
        "cpu_ms_per_suggestion_by_process": {
            k: round(1000 * v / n, 2) for k, v in renda_cpu.items()
        }
        if n
        else None,
        # The directory's cache misses are reads in autocommit, each a commit to
        # pg_stat_database; renda writes the directory only when seeding, outside the
        # steps. They are shown by database, not added to the writes' commits.
        "commits_per_suggestion": round(
            sum(v - commits_before.get(k, 0) for k, v in commits.items() if k != DIRECTORY) / n,
            2,
        )
        if n
        else None,
        "commits_per_suggestion_by_database": {
            k: round((v - commits_before.get(k, 0)) / n, 2) for k, v in commits.items()
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


def measure(
    system: Any, plan: Plan, allow: Callable[[float], float], result: dict[str, Any]
) -> None:
    """Every step in turn, on the running system (all four workers started here), into
    `result` as each step ends: a step that fails leaves the ones before it."""
    result.update(plan=plan.__dict__, steps=[])
    steps = result["steps"]
    for service in SERVICES:
        if service not in system.workers:
            system.start_worker(service)
    warmup(system, plan, allow)
    tenants: list[Tenant] = []
    for index, count in enumerate(plan.steps):
        if allow(plan.seconds + plan.settle_seconds) < plan.seconds + 10:
            log(f"  tenants: no time left for {count} tenants")
            break
        seeded = seed(system, tenants, count, plan.deputies)
        log(f"  {count} tenants ready ({seeded:.1f}s to seed)")
        step = run_step(system, tenants[:count], plan, allow, index)
        step["seed_s"] = round(seeded, 2)
        log(
            f"  {count} tenants: {step['suggestions_settled']} suggestions, p99 "
            f"{step['p99_ms'] or 0:.0f} ms, {step['cpu_ms_per_suggestion'] or 0:.1f} ms CPU each"
        )
        steps.append(step)
        result["ratio_last_to_first"] = {
            key: _ratio(step.get(key), steps[0].get(key))
            for key in ("cpu_ms_per_suggestion", "p99_ms", "p50_ms", "commits_per_suggestion")
        }


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: Any, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def render(result: dict[str, Any]) -> str:
    """The phase's own table, printed after the bench's."""
    steps = result.get("steps") or []
    if not steps:
        return ""
    plan = result["plan"]
    lines = [
        "",
        f"2h a session-week peak, {plan['rate']:.0f} submissions/s for {plan['seconds']:.0f} s "
        f"(1 in {plan['opinion_every']} an opinion), split over N tenants (open loop)",
        "-" * 100,
        f"{'tenants':>8} {'sugg/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/sugg':>12} "
        f"{'commits/sugg':>13} {'tenant p99 min/med/max ms':>27} {'tenant sugg/s min/max':>22}",
    ]
    for s in steps:
        p99s, rates = s["per_tenant_p99_ms"], s["per_tenant_suggestions_per_s"]
        spread = f"{_fmt(p99s['min'])} / {_fmt(p99s['median'])} / {_fmt(p99s['max'])}"
        lines.append(
            f"{s['tenants']:>8} {_fmt(s['suggestions_per_s'], 1):>7} {_fmt(s['p50_ms']):>8} "
            f"{_fmt(s['p99_ms']):>8} {_fmt(s['cpu_ms_per_suggestion'], 1):>12} "
            f"{_fmt(s['commits_per_suggestion'], 1):>13} {spread:>27} "
            f"{_fmt(rates['min'], 2) + ' / ' + _fmt(rates['max'], 2):>22}"
        )
    for s in steps:
        cpu = ", ".join(
            f"{k} {v}" for k, v in (s["cpu_ms_per_suggestion_by_process"] or {}).items()
        )
        lines.append(
            f"   {s['tenants']} tenants: {s['submissions']} POSTs {s['statuses']}, receipts "
            f"{s['receipts']}, unsettled {s['unsettled']}, POST→202 p99 "
            f"{_fmt(s['post_p99_ms'])} ms, opinions p99 {_fmt(s['opinion_p99_ms'])} ms; "
            f"CPU ms/sugg by process: {cpu}; machine busy {s['cpu']['machine_busy_pct']:.0f}% "
            f"(other {s['cpu']['cpu_s'].get('other', 0):.1f} s of {s['cpu']['wall_s']:.0f} s); "
            f"seeding {s['seed_s']} s; new PostgreSQL backends {s['new_postgres_backends']}"
        )
        by_database = s.get("commits_per_suggestion_by_database") or {}
        lines.append(
            "     commits per suggestion by database (≈, pg_stat_database): "
            + ", ".join(f"{k} {v}" for k, v in by_database.items())
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
    lines.append(
        f"   {steps[-1]['tenants']} tenants / {steps[0]['tenants']}: CPU per suggestion "
        f"{_fmt(ratio['cpu_ms_per_suggestion'], 2)}, p99 {_fmt(ratio['p99_ms'], 2)}, p50 "
        f"{_fmt(ratio['p50_ms'], 2)}, commits per suggestion "
        f"{_fmt(ratio['commits_per_suggestion'], 2)}"
    )
    for s in steps:
        c = s["check"]
        lines.append(
            f"check: {s['tenants']} tenants, every accepted submission applied once per tenant, "
            "numbers without gap".ljust(96)
            + ("ok" if c["ok"] else "FAILED: " + "; ".join(c["problems"]))
        )
    return "\n".join(lines)
