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


def exposition() -> tuple[bytes, str]:
    """The text a Prometheus scrape gets from this process (or all gunicorn workers)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
