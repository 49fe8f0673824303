"""The physical limits of this machine, measured with the thinnest clients there are.

- AMQP: pika publishing persistent messages to a durable quorum queue with publisher
  confirms, one message per confirm (what a synchronous publisher can do) and with a
  window of unconfirmed messages (what a batching publisher can do).
- PostgreSQL: psycopg, one single-row INSERT and COMMIT per transaction (a durable
  commit each: the WAL flush is the cost), from one connection and from several.
- HTTP: see bench/hello_app.py, served by the same gunicorn settings renda uses.
"""

from __future__ import annotations

import collections
import json
import threading
import time
import urllib.parse
import uuid
from typing import Any

import pika
import psycopg

from bench.infra import AMQP_URL, percentile, pg_url

EVENT_BODY = json.dumps(
    {
        "submission_id": str(uuid.uuid4()),
        "tenant": "450102",
        "lead_deputy_id": "D450102-001",
        "cosigner_ids": [],
        "title": "bench",
        "body": "x" * 600,
        "category": "education",
        "occasion": "recess",
        "session_name": None,
        "urgent": False,
        "submitted_at": "2025-01-01T00:00:00+00:00",
    }
).encode()
"""About the size of a renda event (~800 bytes)."""


def pika_parameters(url: str = AMQP_URL) -> pika.ConnectionParameters:
    """kombu's URL spelling (`amqp://u:p@host:port//`, vhost "/") as pika parameters."""
    parts = urllib.parse.urlsplit(url)
    return pika.ConnectionParameters(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5672,
        virtual_host=urllib.parse.unquote(parts.path[1:]) or "/",
        credentials=pika.PlainCredentials(
            urllib.parse.unquote(parts.username or "guest"),
            urllib.parse.unquote(parts.password or "guest"),
        ),
    )


def _declare_quorum(channel: Any, queue: str) -> None:
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})


def amqp_confirm_each(queue: str, seconds: float, max_messages: int) -> dict[str, Any]:
    """Publish, wait for the broker's confirm, publish the next: msgs/s and confirm latency."""
    connection = pika.BlockingConnection(pika_parameters())
    try:
        channel = connection.channel()
        _declare_quorum(channel, queue)
        channel.confirm_delivery()
        properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")
        for _ in range(20):  # warm-up
            channel.basic_publish("", queue, EVENT_BODY, properties)
        latencies = []
        stop_at = time.perf_counter() + seconds
        started = time.perf_counter()
        while len(latencies) < max_messages and time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            channel.basic_publish("", queue, EVENT_BODY, properties)  # returns once confirmed
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        channel.queue_purge(queue)
        server = connection._impl.server_properties
        version = server.get("version", b"")
        version = version.decode() if isinstance(version, bytes) else str(version)
    finally:
        connection.close()
    ms = [lat * 1000 for lat in latencies]
    return {
        "messages": len(latencies),
        "seconds": round(elapsed, 3),
        "msgs_per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        "rabbitmq_version": version,
    }


class _Windowed:
    """pika's asynchronous connection keeping up to `window` published messages unconfirmed."""

    def __init__(self, queue: str, seconds: float, max_messages: int, window: int) -> None:
        self.queue = queue
        self.seconds = seconds
        self.max_messages = max_messages
        self.window = window
        self.outstanding: collections.deque[int] = collections.deque()
        self.published = 0
        self.confirmed = 0
        self.nacked = 0
        self.started = 0.0
        self.finished = 0.0
        self.stopping = False
        self.error: str | None = None
        self.channel: Any = None
        self.properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")
        self.connection = pika.SelectConnection(
            pika_parameters(),
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_error,
            on_close_callback=lambda *_: self.connection.ioloop.stop(),
        )

    def run(self) -> None:
        # A hard stop in case the broker stops answering.
        self.connection.ioloop.call_later(self.seconds + 20, self._abort)
        self.connection.ioloop.start()

    def _abort(self) -> None:
        self.error = self.error or "timed out waiting for confirms"
        if self.connection.is_open:
            self.connection.close()
        else:
            self.connection.ioloop.stop()

    def _on_error(self, _conn: Any, exc: Any) -> None:
        self.error = repr(exc)
        self.connection.ioloop.stop()

    def _on_open(self, connection: Any) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_channel(self, channel: Any) -> None:
        self.channel = channel
        channel.queue_declare(
            self.queue,
            durable=True,
            arguments={"x-queue-type": "quorum"},
            callback=lambda _frame: channel.confirm_delivery(
                ack_nack_callback=self._on_confirm, callback=self._on_confirm_mode
            ),
        )

    def _on_confirm_mode(self, _frame: Any) -> None:
        self.started = time.perf_counter()
        self.connection.ioloop.call_later(self.seconds, self._time_up)
        self._fill()

    def _time_up(self) -> None:
        self.stopping = True
        self._maybe_done()

    def _fill(self) -> None:
        while (
            not self.stopping
            and len(self.outstanding) < self.window
            and self.published < self.max_messages
        ):
            self.channel.basic_publish("", self.queue, EVENT_BODY, self.properties)
            self.published += 1
            self.outstanding.append(self.published)
        if self.published >= self.max_messages:
            self.stopping = True
        self._maybe_done()

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        acked = isinstance(method, pika.spec.Basic.Ack)
        tag = method.delivery_tag
        done = 0
        if method.multiple:
            while self.outstanding and self.outstanding[0] <= tag:
                self.outstanding.popleft()
                done += 1
        elif tag in self.outstanding:
            self.outstanding.remove(tag)
            done = 1
        if acked:
            self.confirmed += done
        else:
            self.nacked += done
        self._fill()

    def _maybe_done(self) -> None:
        if self.stopping and not self.outstanding and not self.finished:
            self.finished = time.perf_counter()
            self.channel.queue_purge(self.queue, callback=lambda _f: self.connection.close())


def amqp_confirm_windowed(
    queue: str, seconds: float, max_messages: int, window: int = 200
) -> dict[str, Any]:
    """Publish with up to `window` messages awaiting confirms (what a batching relay could do)."""
    run = _Windowed(queue, seconds, max_messages, window)
    run.run()
    elapsed = (run.finished or time.perf_counter()) - run.started if run.started else 0.0
    return {
        "messages": run.confirmed,
        "nacked": run.nacked,
        "window": window,
        "seconds": round(elapsed, 3),
        "msgs_per_s": run.confirmed / elapsed if elapsed else 0.0,
        "error": run.error,
    }


# -- PostgreSQL ------------------------------------------------------------------------------

_TABLE = """
CREATE TABLE IF NOT EXISTS bench_rows (
    id bigserial PRIMARY KEY,
    event_id varchar(36) NOT NULL UNIQUE,
    payload json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


def _insert_loop(database: str, stop_at: float, max_rows: int, out: list[float]) -> None:
    payload = EVENT_BODY.decode()
    with psycopg.connect(pg_url(database)) as conn:
        while len(out) < max_rows and time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            conn.execute(
                "INSERT INTO bench_rows (event_id, payload) VALUES (%s, %s)",
                (str(uuid.uuid4()), payload),
            )
            conn.commit()
            out.append(time.perf_counter() - t0)


def pg_insert_commit(
    database: str, seconds: float, max_rows: int, connections: int = 1
) -> dict[str, Any]:
    """Single-row INSERT + COMMIT per transaction from `connections` connections at once."""
    with psycopg.connect(pg_url(database), autocommit=True) as conn:
        conn.execute(_TABLE)
        conn.execute("TRUNCATE bench_rows")
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("server_version", "synchronous_commit", "fsync", "wal_sync_method")
        }
    outs: list[list[float]] = [[] for _ in range(connections)]
    stop_at = time.perf_counter() + seconds
    per_connection = max(1, max_rows // connections)
    threads = [
        threading.Thread(
            target=_insert_loop, args=(database, stop_at, per_connection, out), daemon=True
        )
        for out in outs
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - started
    ms = [lat * 1000 for out in outs for lat in out]
    return {
        "connections": connections,
        "rows": len(ms),
        "seconds": round(elapsed, 3),
        "rows_per_s": len(ms) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        **settings,
    }
