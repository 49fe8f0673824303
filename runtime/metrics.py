"""Prometheus metrics, all prefixed `renda_`; every label has a bounded set of values.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR is set before this module is imported (see
renda/gunicorn_conf.py) and /metrics aggregates every worker process.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_REQUESTS = Counter(
    "renda_http_requests_total",
    "HTTP requests answered",
    ["service", "method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "renda_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CONSOLE_SIGN_INS = Counter(
    "renda_console_sign_ins_total",
    "Sign-in attempts at the console, by outcome (ok, refused, throttled)",
    ["outcome"],
)
EVENTS_PUBLISHED = Counter(
    "renda_events_published_total", "Events published with a broker confirm", ["type"]
)
EVENTS_CONSUMED = Counter(
    "renda_events_consumed_total", "Events handled and acknowledged", ["service", "type"]
)
EVENTS_DUPLICATE = Counter(
    "renda_events_duplicate_total",
    "Events delivered again and skipped by the inbox",
    ["service", "type"],
)
EVENTS_FAILED = Counter(
    "renda_events_failed_total", "Handler failures (each retry counts)", ["service", "type"]
)
EVENTS_DEAD_LETTERED = Counter(
    "renda_events_dead_lettered_total",
    "Messages given up to the dead-letter queue",
    ["service", "type", "reason"],
)
CONSUMER_RESTARTS = Counter(
    "renda_consumer_restarts_total",
    "Consumers that stopped unasked (a bug, not a message) and were started again",
    ["service"],
)
HANDLER_LATENCY = Histogram(
    "renda_event_handler_duration_seconds",
    "Time to handle one event, commit included",
    ["service", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
OUTBOX_BACKLOG = Gauge(
    "renda_outbox_backlog",
    "Events written but not yet published",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_OLDEST_AGE = Gauge(
    "renda_outbox_oldest_age_seconds",
    "Age of the oldest unpublished event",
    ["service"],
    multiprocess_mode="livemax",
)
CALENDAR_OFFICIAL = Gauge(
    "renda_calendar_official",
    "1 when deadlines in the year follow a loaded official holiday schedule, 0 when rule-based",
    ["year"],
    multiprocess_mode="livemin",
)
QUEUE_MESSAGES = Gauge(
    "renda_queue_messages",
    "Messages waiting in a service's queue (main) or its dead-letter queue, at the last check",
    ["service", "queue"],
    multiprocess_mode="livemostrecent",
)
DEPENDENCY_UP = Gauge(
    "renda_dependency_up",
    "1 when the last readiness check reached the dependency (database:<name> or broker)",
    ["dependency"],
    multiprocess_mode="livemostrecent",
)
TICK_PERIOD = Gauge(
    "renda_tick_period_seconds", "How often a scheduled tick is meant to run", ["tick"]
)
TICK_LAST_SUCCESS = Gauge(
    "renda_tick_last_success_timestamp_seconds",
    "Unix time at which a scheduled tick last ran to its commit",
    ["tick"],
)
OPEN_ASSIGNMENTS = Gauge(
    "renda_open_assignments",
    "Active assignments by county (tenant) and deadline colour, at the last colour tick",
    ["tenant", "colour"],
    multiprocess_mode="livemostrecent",
)
RECEIPTS_SETTLED = Counter(
    "renda_receipts_settled_total",
    "Intake receipts settled by workflow's verdict, by outcome (accepted, rejected)",
    ["outcome"],
)
NOTIFY_DELIVERIES = Counter(
    "renda_notify_deliveries_total",
    "Deliveries attempted, by channel and outcome (delivered, refused, retry, dead)",
    ["channel", "outcome"],
)
NOTIFY_DELIVERY_LATENCY = Histogram(
    "renda_notify_delivery_latency_seconds",
    "From the event's time to the delivery's acceptance by the channel",
    ["channel"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)


def set_all(gauge: Gauge, values: dict[tuple[str, ...], float]) -> None:
    """Set a labelled gauge to exactly these values: label sets no longer present read 0
    (a county whose last red assignment closed must not stay red on the dashboard)."""
    # A sample's labels come in the order the gauge declared them.
    present = {
        tuple(sample.labels.values()) for family in gauge.collect() for sample in family.samples
    }
    for labels in present - values.keys():
        gauge.labels(*labels).set(0)
    for labels, value in values.items():
        gauge.labels(*labels).set(value)


def exposition() -> tuple[bytes, str]:
    """The text a Prometheus scrape gets from this process (or all gunicorn workers)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
