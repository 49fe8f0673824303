"""renda run distributed for the bench: its own databases, bus prefix, APIs and workers.

Processes are started the way the Procfile starts them (`renda api <service>` under
gunicorn with renda/gunicorn_conf.py, `renda worker <service>`), bound to loopback through
RENDA_API_HOST and RENDA_WORKER_HOST.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.infra import (
    AMQP_URL,
    BIN,
    PG_SERVER,
    REPO,
    Child,
    Cleanup,
    CpuMeter,
    create_databases,
    delete_bus_names,
    drop_databases,
    free_port,
    http_status,
    log,
    percentile,
    pg_url,
    purge_queue,
    wait_http,
)
from bench.loadgen import Target, post_many, request_json
from runtime.config import DIRECTORY, SERVICES, Settings

SUGGESTION = {
    "lead_deputy_id": "D450102-001",
    "title": "bench: more school buses for the new district",
    "body": "The new district has two schools and one bus line; " * 6,
    "category": "education",
    "occasion": "recess",
}
PATH = "/intake/v1/suggestions"


class RendaSystem:
    def __init__(self, prefix: str, workdir: Path, cleanup: Cleanup) -> None:
        self.prefix = prefix
        self.workdir = workdir
        self.cleanup = cleanup
        self.databases = [f"{prefix}_{name}" for name in (DIRECTORY, *SERVICES)]
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS", "PORT")
        }
        self.env.update(
            RENDA_API_HOST="127.0.0.1",
            RENDA_WORKER_HOST="127.0.0.1",
            RENDA_DATABASE_URL=(
                PG_SERVER.replace("postgresql://", "postgresql+psycopg://")
                + f"/{prefix}_{{service}}"
            ),
            RENDA_BROKER_URL=AMQP_URL,
            RENDA_BUS_PREFIX=prefix,
            RENDA_VAR_DIR=str(workdir / "var"),
            # Whatever the processes leave in a temporary directory stays in the bench's own.
            TMPDIR=str(workdir / "tmp"),
            # The code under test is the tree the bench lives in, not whatever is installed.
            PYTHONPATH=os.pathsep.join(
                p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        (workdir / "tmp").mkdir(exist_ok=True)
        self.settings = Settings.from_env(self.env)
        self.apis: dict[str, tuple[Child, int]] = {}
        self.workers: dict[str, tuple[Child, int]] = {}
        self.keys: dict[str, str] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    def bus_names(self) -> tuple[list[str], list[str]]:
        from contracts.topology import Names

        names = Names(self.prefix)
        queues = [self.publisher_queue]
        for service in SERVICES:
            queues += [names.queue(service), names.dead_letter_queue(service)]
            queues += [
                names.retry_queue(service, t) for t in range(len(self.settings.retry_delays))
            ]
        exchanges = [
            names.events_exchange,
            names.dead_letter_exchange,
            names.requeue_exchange,
            names.retry_exchange,
        ]
        return queues, exchanges

    @property
    def publisher_queue(self) -> str:
        return f"{self.prefix}.bench.publisher"

    def setup(self) -> dict[str, float]:
        timings = {}
        t0 = time.perf_counter()
        self.cleanup.push("drop renda databases", lambda: drop_databases(self.databases))
        create_databases(self.databases)
        self.cleanup.push("delete renda bus names", lambda: delete_bus_names(*self.bus_names()))
        self._cli("migrate", "all")
        timings["migrate_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        for line in self._cli("seed").splitlines():
            name, _, value = line.partition(": ")
            if value.startswith("renda_"):
                self.keys[name] = value.strip()
        timings["seed_s"] = time.perf_counter() - t1
        if "county_system_450102" not in self.keys:
            raise RuntimeError(f"renda seed printed no county_system_450102 key: {self.keys}")
        self.declare_topology()
        return timings

    def _cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "renda"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"renda {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def declare_topology(self) -> None:
        """Every service's queues, so events are routed (and stored) even before its worker runs."""
        from runtime.bus import Topology, connect

        with connect(self.settings) as connection:
            Topology(self.settings).declare(connection, SERVICES)

    def start_api(self, service: str) -> int:
        port = free_port()
        env = {
            **self.env,
            "PORT": str(port),
            "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / f"prometheus-{service}"),
        }
        child = Child(f"{service}-api", [str(BIN / "renda"), "api", service], env, self.workdir)
        self.cleanup.push(f"stop {child.name}", child.stop)
        self.apis[service] = (child, port)
        wait_http(child, port, "/healthz", timeout=60)
        return port

    def start_worker(self, service: str, **extra_env: str) -> int:
        port = free_port()
        env = {**self.env, **extra_env, "RENDA_WORKER_PORT": str(port)}
        argv = [str(BIN / "renda"), "worker", service]
        child = Child(f"{service}-worker", argv, env, self.workdir)
        self.cleanup.push(f"stop {child.name}", child.stop)
        self.workers[service] = (child, port)
        wait_http(child, port, "/readyz", timeout=60)
        return port

    def restart_worker(self, service: str, **extra_env: str) -> int:
        """The service's worker stopped (if running) and started again with `extra_env`."""
        if service in self.workers:
            self.workers.pop(service)[0].stop()
        return self.start_worker(service, **extra_env)

    def port(self, service: str) -> int:
        return self.apis[service][1]

    def memory(self) -> dict[str, dict[str, Any]]:
        """RSS, PSS and USS of each API (gunicorn master + workers, summed) and each worker."""
        found = {}
        for kind, children in (("api", self.apis), ("worker", self.workers)):
            for service, (child, _) in children.items():
                found[f"{service}-{kind}"] = memory_summary(child.memory())
        return found

    def memory_load(self, tag: str, suggestions: int, reads: int, seconds: float) -> dict[str, Any]:
        """One round of the memory phase's load: `suggestions` POSTed from 8 threads and
        followed through every worker until their receipts settle, then `reads` rounds of
        GETs on every API (20 suggestions' receipts and workflow's copies of them, figures,
        a deputy's points, the delivery log's first page). Bounded by `seconds`. The reads
        answer as much in the second run as in the first (aggregates, a page, a deputy the
        load files nothing for), so what grows between runs is not the data read."""
        stop_at = time.monotonic() + seconds
        posted = post_many(
            self.intake_target(f"memory-{tag}"), suggestions, concurrency=8, deadline_s=seconds
        )
        ids = [body["id"] for _, status, body in posted if status == 202 and isinstance(body, dict)]
        settled = 0
        while ids and time.monotonic() < stop_at:
            settled = self.sql(
                "intake",
                "SELECT count(*) FROM submissions WHERE id = ANY(%s) AND status <> 'pending'",
                ids,
            )[0][0]
            if settled == len(ids):
                break
            time.sleep(0.25)
        paths = {
            "workflow": [
                "/workflow/v1/figures?tenant=450102&year=2026",
                "/workflow/v1/figures/units?tenant=450102&year=2026",
            ],
            "scoring": ["/scoring/v1/deputies/D450102-002/points"],
            "notify": ["/notify/v1/deliveries"],
        }
        statuses: dict[str, int] = {}
        for _ in range(reads):
            for receipt_id in ids[:20]:
                if time.monotonic() >= stop_at:
                    break
                status, receipt = request_json(
                    self.port("intake"),
                    "GET",
                    f"/intake/v1/receipts/{receipt_id}",
                    None,
                    self.auth(),
                )
                statuses[f"intake {status}"] = statuses.get(f"intake {status}", 0) + 1
                resource = receipt.get("resource") if isinstance(receipt, dict) else None
                if resource and resource.get("href"):
                    href = resource["href"]
                    status, _ = request_json(self.port("workflow"), "GET", href, None, self.auth())
                    statuses[f"workflow {status}"] = statuses.get(f"workflow {status}", 0) + 1
            for service, service_paths in paths.items():
                # Enough requests that every gunicorn worker starts its threads in run 1.
                for path in service_paths * 20:
                    if time.monotonic() >= stop_at:
                        break
                    status, _ = request_json(self.port(service), "GET", path, None, self.auth())
                    statuses[f"{service} {status}"] = statuses.get(f"{service} {status}", 0) + 1
        return {
            "posted": len(ids),
            "post_errors": len(posted) - len(ids),
            "settled": settled,
            "reads": statuses,
        }

    def logs_tail(self) -> dict[str, str]:
        children = [c for c, _ in (*self.apis.values(), *self.workers.values())]
        return {c.name: c.tail(5) for c in children}

    # -- SQL helpers -------------------------------------------------------------------------

    def sql(self, database: str, statement: str, *params: Any) -> list[tuple]:
        with psycopg.connect(pg_url(f"{self.prefix}_{database}"), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    # -- requests ----------------------------------------------------------------------------

    def intake_target(self, tag: str) -> Target:
        return Target(
            port=self.port("intake"),
            path=PATH,
            method="POST",
            body=json.dumps(SUGGESTION).encode(),
            headers={
                "Authorization": f"Bearer {self.keys['county_system_450102']}",
                "Content-Type": "application/json",
            },
            key_prefix=f"{self.prefix}-{tag}",
        )

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys['county_system_450102']}"}

    def post_one(self, key: str) -> tuple[int, Any]:
        target = self.intake_target("one")
        return request_json(
            target.port,
            "POST",
            PATH,
            target.body,
            {**target.headers, "Idempotency-Key": f"{self.prefix}-{key}"},
        )

    # -- 2c: the outbox relay ----------------------------------------------------------------

    def discard_intake_backlog(self) -> int:
        """Mark every pending intake outbox row as sent (the bench's own rows, never relayed)."""
        rows = self.sql(
            "intake",
            "UPDATE outbox SET published_at = now() WHERE published_at IS NULL RETURNING id",
        )
        return len(rows)

    def outbox_relay(self, rows: int, timeout: float) -> dict[str, Any]:
        """Start intake's worker, insert `rows` pending events into its outbox, time the drain."""
        template = self.sql("intake", "SELECT max(id) FROM outbox")[0][0]
        if template is None:
            status, body = self.post_one("template")
            if status != 202:
                raise RuntimeError(f"POST for a template outbox row: {status} {body}")
            template = self.sql("intake", "SELECT max(id) FROM outbox")[0][0]
        self.discard_intake_backlog()
        # The worker starts on an empty outbox, so that its start (imports, connections) is
        # not in what is measured and the rows are relayed only once the queue is watched.
        spawned = time.perf_counter()
        port = self.start_worker("intake")
        ready = time.perf_counter() - spawned
        depth = _QueueDepth(f"{self.prefix}.workflow")
        # Copies of a real row that renda wrote, each with its own event and submission id;
        # the NOTIFY wakes the relay as renda's own commits do.
        self.sql(
            "intake",
            """
            INSERT INTO outbox (event_id, type, routing_key, headers, payload, created_at)
            SELECT e.id, t.type, t.routing_key,
                   jsonb_set(t.headers::jsonb, '{cloudEvents_id}', to_jsonb(e.id))::json,
                   jsonb_set(t.payload::jsonb, '{submission_id}',
                             to_jsonb(gen_random_uuid()::text))::json,
                   now()
            FROM (SELECT gen_random_uuid()::text AS id FROM generate_series(1, %s)) AS e,
                 (SELECT * FROM outbox WHERE id = %s) AS t
            """,
            rows,
            template,
        )
        inserted = time.perf_counter()
        self.sql("intake", "NOTIFY renda_outbox_intake")
        pending = rows
        deadline = inserted + timeout
        first_seen = full_at = None
        depth_at_first = 0
        meter, cpu = None, None
        try:
            while time.perf_counter() < deadline:
                # The broker's side: messages arrive in workflow's queue as they are confirmed.
                messages = depth.count()
                now = time.perf_counter()
                if first_seen is None and messages > 0:
                    first_seen, depth_at_first = now, messages
                    meter = CpuMeter({"intake-worker": self.workers["intake"][0]})
                if messages >= rows:
                    full_at = now
                    break
                time.sleep(0.02)
        finally:
            depth.close()
        if meter is not None:
            cpu = meter.stop()
        while time.perf_counter() < deadline and (pending := self._pending()) > 0:
            time.sleep(0.05)
        drained = time.perf_counter() - inserted
        # The relay's side: each batch's rows get one published_at, after the batch went out.
        batches = self.sql(
            "intake",
            "SELECT published_at, count(*) FROM outbox WHERE id > %s "
            "GROUP BY published_at ORDER BY published_at",
            template,
        )
        batches = [(at, n) for at, n in batches if at is not None]
        steady = None
        if len(batches) > 1 and batches[-1][0] > batches[0][0]:
            later = sum(n for _, n in batches[1:])
            steady = later / (batches[-1][0] - batches[0][0]).total_seconds()
        broker = None
        if first_seen is not None and full_at is not None and full_at > first_seen:
            broker = (rows - depth_at_first) / (full_at - first_seen)
        metrics = _metric(port, "renda_outbox_backlog", 'service="intake"')
        purged = purge_queue(f"{self.prefix}.workflow")
        cpu_ms = None
        if cpu and rows > depth_at_first and "intake-worker" in cpu["cpu_s"]:
            cpu_ms = 1000 * cpu["cpu_s"]["intake-worker"] / (rows - depth_at_first)
        return {
            "rows": rows,
            "left_pending": pending,
            "cpu": cpu,
            "worker_cpu_ms_per_message": cpu_ms,
            "worker_ready_s": round(ready, 3),
            "drained_after_s": round(drained, 3),
            "batches": len(batches),
            "batch_size_max": max((n for _, n in batches), default=0),
            "msgs_per_s_steady": steady,
            "msgs_per_s_broker": broker,
            "metrics_backlog_at_end": metrics,
            "purged_from_workflow_queue": purged,
        }

    def _pending(self) -> int:
        return int(
            self.sql("intake", "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
        )

    # -- 2b: end to end ----------------------------------------------------------------------

    def e2e_sequential(self, count: int, seconds: float) -> dict[str, Any]:
        """One suggestion at a time: POST, then poll its receipt every 10 ms until settled."""
        latencies, statuses = [], {}
        stop_at = time.monotonic() + seconds
        for i in range(count):
            if time.monotonic() >= stop_at:
                break
            t0 = time.perf_counter()
            status, body = self.post_one(f"seq-{i}")
            if status != 202:
                statuses[f"post_{status}"] = statuses.get(f"post_{status}", 0) + 1
                continue
            settled = None
            while time.monotonic() < stop_at + 10:
                _, receipt = request_json(
                    self.port("intake"), "GET", body["href"], None, self.auth()
                )
                if isinstance(receipt, dict) and receipt.get("status") != "pending":
                    settled = receipt["status"]
                    break
                time.sleep(0.01)
            if settled is None:
                statuses["timed_out"] = statuses.get("timed_out", 0) + 1
                break
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[settled] = statuses.get(settled, 0) + 1
        return {
            "suggestions": len(latencies),
            "statuses": statuses,
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies) if latencies else None,
            "poll_interval_ms": 10,
        }

    def e2e_burst(
        self, count: int, concurrency: int, post_seconds: float, settle_seconds: float
    ) -> dict[str, Any]:
        """POST `count` suggestions as fast as intake takes them, then wait for every receipt."""
        target = self.intake_target("burst")
        commits_before = self.commits()
        outbox_before = self.outbox_ids()
        children = {c.name: c for c, _ in (*self.apis.values(), *self.workers.values())}
        meter = CpuMeter(children)
        started = time.time()
        posted = post_many(target, count, concurrency=concurrency, deadline_s=post_seconds)
        post_done = time.time()
        sent = {
            body["id"]: at
            for at, status, body in posted
            if status == 202 and isinstance(body, dict)
        }
        post_errors = len(posted) - len(sent)
        ids = list(sent)
        settled: dict[str, tuple[str, datetime]] = {}
        deadline = time.monotonic() + settle_seconds
        while ids and time.monotonic() < deadline:
            for sid, status, updated in self.sql(
                "intake",
                "SELECT id, status, updated_at FROM submissions "
                "WHERE id = ANY(%s) AND status <> 'pending'",
                ids,
            ):
                settled[sid] = (status, updated)
            if len(settled) == len(ids):
                break
            time.sleep(0.25)
        cpu = meter.stop()
        latencies = [
            (updated.timestamp() - sent[sid]) * 1000 for sid, (_, updated) in settled.items()
        ]
        last = max((u.timestamp() for _, u in settled.values()), default=None)
        span = (last - started) if last else None
        stages = self._stages(settled, sent)
        by_status: dict[str, int] = {}
        for status, _ in settled.values():
            by_status[status] = by_status.get(status, 0) + 1
        return {
            "posted": len(sent),
            "post_errors": post_errors,
            "post_rps": len(sent) / (post_done - started) if post_done > started else None,
            "settled": len(settled),
            "statuses": by_status,
            "seconds_to_last_settled": round(span, 3) if span else None,
            "suggestions_per_s": len(settled) / span if span else None,
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies) if latencies else None,
            "stages": stages,
            "cpu": cpu,
            "cpu_ms_per_suggestion": {
                k: round(1000 * v / len(settled), 2) for k, v in cpu["cpu_s"].items()
            }
            if settled
            else None,
            "handler_mean_ms": self.handler_means(),
            "events_per_suggestion": {
                k: round((v - outbox_before.get(k, 0)) / len(settled), 2)
                for k, v in self.outbox_ids().items()
            }
            if settled
            else None,
            "commits_per_suggestion": {
                k: round((v - commits_before.get(k, 0)) / len(settled), 2)
                for k, v in self.commits().items()
            }
            if settled
            else None,
            "sample_receipt_id": ids[-1] if ids else None,
            "applied_once": self.applied_once(
                [sid for sid, (status, _) in settled.items() if status == "accepted"], len(ids)
            ),
        }

    def applied_once(self, accepted: list[str], posted: int) -> dict[str, Any]:
        """Every submission intake took (202) settled accepted, and each of those is
        exactly one suggestion in workflow: none lost, none applied twice."""
        per_submission = dict(
            self.sql(
                "workflow",
                "SELECT submission_id, count(*) FROM suggestions "
                "WHERE submission_id = ANY(%s) GROUP BY submission_id",
                accepted,
            )
        )
        once = sum(1 for sid in accepted if per_submission.get(sid) == 1)
        return {
            "posted": posted,
            "accepted": len(accepted),
            "applied_once": once,
            "ok": posted == len(accepted) == once,
        }

    def _stages(
        self, settled: dict[str, tuple[str, datetime]], sent: dict[str, float]
    ) -> dict[str, Any]:
        """Where the time goes, from the services' own timestamps (same clock, same machine)."""
        if not settled:
            return {}
        created = dict(
            self.sql(
                "intake",
                "SELECT id, created_at FROM submissions WHERE id = ANY(%s)",
                list(settled),
            )
        )
        accepted = dict(
            self.sql(
                "workflow",
                "SELECT submission_id, accepted_at FROM suggestions WHERE submission_id = ANY(%s)",
                list(settled),
            )
        )
        post, hop1, hop2 = [], [], []
        for sid, (_, updated) in settled.items():
            if sid in created:
                post.append((created[sid].timestamp() - sent[sid]) * 1000)
            if sid in created and sid in accepted:
                hop1.append((accepted[sid] - created[sid]).total_seconds() * 1000)
                hop2.append((updated - accepted[sid]).total_seconds() * 1000)

        def summary(values: list[float]) -> dict[str, float | None]:
            return {"p50_ms": percentile(values, 50), "p99_ms": percentile(values, 99)}

        return {
            "client_to_intake_handler": summary(post),
            "intake_to_workflow_handled": summary(hop1),
            "workflow_to_receipt_settled": summary(hop2),
        }

    def check(self, receipt_id: str | None) -> dict[str, Any]:
        """The receipt says accepted, and workflow serves the suggestion it points to."""
        if not receipt_id:
            return {"ok": False, "why": "no receipt"}
        status, receipt = request_json(
            self.port("intake"), "GET", f"/intake/v1/receipts/{receipt_id}", None, self.auth()
        )
        if status != 200 or receipt.get("status") != "accepted" or not receipt.get("resource"):
            return {"ok": False, "receipt": receipt}
        if "workflow" not in self.apis:
            return {"ok": True, "receipt_status": receipt["status"]}
        w_status, suggestion = request_json(
            self.port("workflow"), "GET", receipt["resource"]["href"], None, self.auth()
        )
        return {
            "ok": w_status == 200,
            "receipt_status": receipt["status"],
            "workflow_status": w_status,
            "suggestion_state": suggestion.get("state") if isinstance(suggestion, dict) else None,
        }

    def commits(self) -> dict[str, int]:
        """Transactions committed so far in each of renda's databases (pg_stat_database)."""
        with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT datname, xact_commit FROM pg_stat_database WHERE datname LIKE %s",
                (f"{self.prefix}\\_%",),
            ).fetchall()
        return {name.removeprefix(f"{self.prefix}_"): int(n) for name, n in rows}

    def outbox_ids(self) -> dict[str, int]:
        """The newest outbox row id of each service: rows after it are events written since."""
        return {
            service: int(self.sql(service, "SELECT coalesce(max(id), 0) FROM outbox")[0][0])
            for service in SERVICES
        }

    def handler_means(self) -> dict[str, float]:
        """Mean time per handled event, by service and type, from each worker's /metrics."""
        means = {}
        for service, (_, port) in self.workers.items():
            sums = _metric_values(port, "renda_event_handler_duration_seconds_sum")
            counts = _metric_values(port, "renda_event_handler_duration_seconds_count")
            for labels, total in sums.items():
                if counts.get(labels):
                    kind = re.search(r'type="([^"]+)"', labels)
                    name = f"{service}:{kind.group(1) if kind else labels}"
                    means[name] = round(1000 * total / counts[labels], 2)
        return means

    def tick_times(self) -> dict[str, float]:
        """When each worker's scheduled ticks last ran to their commit (wall time), by tick;
        a tick not run yet since its worker started is absent."""
        return {
            f"{service}:{labels}": at
            for service, (_, port) in self.workers.items()
            for labels, at in _metric_values(
                port, "renda_tick_last_success_timestamp_seconds"
            ).items()
        }

    # -- 2c': renda's own publisher ----------------------------------------------------------

    def publisher_rate(self, seconds: float, max_messages: int) -> dict[str, Any]:
        """runtime.bus.Publisher (kombu, a confirm per publish), as the outbox relay uses it."""
        from kombu import Connection, Queue, binding

        from bench.limits import EVENT_BODY
        from runtime.bus import Publisher, Topology

        topology = Topology(self.settings)
        queue = Queue(
            self.publisher_queue,
            bindings=[binding(topology.events, routing_key="bench.publisher")],
            durable=True,
            queue_arguments={"x-queue-type": "quorum"},
        )
        with Connection(AMQP_URL) as conn:
            queue(conn.default_channel).declare()
        headers = {
            "cloudEvents_id": "0" * 36,
            "cloudEvents_type": "cn.renda.bench.v1",
            "cloudEvents_source": "/renda/bench",
            "cloudEvents_specversion": "1.0",
            "cloudEvents_time": "2025-01-01T00:00:00+00:00",
            "tenant": "450102",
            "correlation_id": "0" * 36,
            "causation_id": "",
        }
        publisher = Publisher(self.settings)
        try:
            for _ in range(20):
                publisher.publish("bench.publisher", headers, EVENT_BODY)
            n = 0
            stop_at = time.perf_counter() + seconds
            started = time.perf_counter()
            while n < max_messages and time.perf_counter() < stop_at:
                publisher.publish("bench.publisher", headers, EVENT_BODY)
                n += 1
            elapsed = time.perf_counter() - started
        finally:
            publisher.close()
        purge_queue(self.publisher_queue)
        return {"messages": n, "seconds": round(elapsed, 3), "msgs_per_s": n / elapsed}


class _QueueDepth:
    """Messages ready in a queue, read with passive declares on one connection."""

    def __init__(self, queue: str) -> None:
        from kombu import Connection

        self.queue = queue
        self.connection = Connection(AMQP_URL, connect_timeout=5)
        self.channel = self.connection.channel()

    def count(self) -> int:
        _, messages, _ = self.channel.queue_declare(self.queue, passive=True)
        return int(messages)

    def close(self) -> None:
        self.connection.release()


def _metric_values(port: int, name: str) -> dict[str, float]:
    try:
        status, body = http_status(port, "/metrics")
    except OSError:
        return {}
    if status != 200:
        return {}
    pattern = re.compile(rf"^{re.escape(name)}(\{{[^}}]*\}}) (\S+)$", re.M)
    return {m.group(1): float(m.group(2)) for m in pattern.finditer(body.decode(errors="replace"))}


def _metric(port: int, name: str, label: str) -> float | None:
    try:
        status, body = http_status(port, "/metrics")
    except OSError:
        return None
    if status != 200:
        return None
    pattern = re.compile(rf"^{re.escape(name)}\{{[^}}]*{re.escape(label)}[^}}]*\}} (\S+)$", re.M)
    match = pattern.search(body.decode(errors="replace"))
    return float(match.group(1)) if match else None


def log_children(system: RendaSystem) -> None:
    for name, tail in system.logs_tail().items():
        if tail:
            log(f"--- {name} (last lines)\n{tail}")


def memory_summary(per_process: dict[int, dict[str, int]]) -> dict[str, Any]:
    """One process group's memory in MB: summed, and each process's (pid, rss, pss, uss)."""
    return {
        "processes": len(per_process),
        "rss_mb": sum(m["rss"] for m in per_process.values()) / 2**20,
        "pss_mb": sum(m["pss"] for m in per_process.values()) / 2**20,
        "uss_mb": sum(m["uss"] for m in per_process.values()) / 2**20,
        "per_process": [
            {"pid": pid, **{k: round(v / 2**20, 1) for k, v in m.items()}}
            for pid, m in sorted(per_process.items())
        ],
    }
