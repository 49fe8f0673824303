"""Nothing on the bus stops a service: hostile messages, dying consumers, dead letters.

Real RabbitMQ and PostgreSQL, each service in its own processes.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from kombu import Connection, Exchange, Producer

from contracts import REGISTRY, Event, body_of, headers_for
from runtime.config import SERVICES
from tests.support.cluster import BIN, Cluster
from tests.support.hostile import hostile_messages
from tests.support.infra import AMQP_URL
from tests.unit.test_contracts import sample

pytestmark = pytest.mark.integration

CONSUMED = {
    "workflow": "renda.suggestion.submitted.v2",
    "scoring": "renda.suggestion.accepted.v1",
    "intake": "renda.submission.accepted.v1",
    "notify": "renda.suggestion.assigned.v1",
}
"""A type each service consumes: the hostile messages are variants of it."""


def _valid(type_string: str) -> tuple[dict[str, Any], bytes]:
    event_type = REGISTRY.get(type_string)
    event = Event(
        name=event_type.name,
        version=event_type.version,
        data=event_type.to_json(sample(event_type)),
        tenant="450102",
        source="/renda/test",
        correlation_id="c-1",
    )
    return headers_for(event), body_of(event.data)


def _wait(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _dead_lettered(cluster: Cluster, service: str, reason: str) -> float:
    """renda_events_dead_lettered_total of one service and reason, summed over types."""
    text = requests.get(cluster.url(f"{service}-worker", "/metrics"), timeout=5).text
    pattern = re.compile(r"^renda_events_dead_lettered_total\{(.*)\} (\S+)$")
    total = 0.0
    for line in text.splitlines():
        match = pattern.match(line)
        if match and f'service="{service}"' in match[1] and f'reason="{reason}"' in match[1]:
            total += float(match[2])
    return total


def _dlq_count(cluster: Cluster, service: str) -> int:
    answer = subprocess.run(
        [BIN / "renda", "dlq", "count", service],
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(answer.stdout.strip())


def _readyz(cluster: Cluster, service: str) -> requests.Response:
    return requests.get(cluster.url(f"{service}-worker", "/readyz"), timeout=5)


def _receipt(cluster: Cluster, receipt_id: str) -> dict[str, Any]:
    return cluster.get("intake", f"/intake/v1/receipts/{receipt_id}").json()


def _receipt_becomes(cluster: Cluster, receipt_id: str, status: str, timeout: float = 60) -> dict:
    _wait(lambda: _receipt(cluster, receipt_id)["status"] == status, timeout)
    return _receipt(cluster, receipt_id)


def test_hostile_messages_to_every_service_are_dead_lettered_counted_and_survived(
    cluster: Cluster,
) -> None:
    cluster.start_all()
    requeue = Exchange(f"{cluster.prefix}.requeue", "direct", durable=True)
    sent: dict[str, int] = {}
    with Connection(AMQP_URL, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.default_channel)
        for service, type_string in CONSUMED.items():
            messages = hostile_messages(*_valid(type_string))
            for headers, body in messages.values():
                producer.publish(body, exchange=requeue, routing_key=service, headers=headers)
            sent[service] = len(messages)

    # A valid submission after them passes through all four services.
    receipt = cluster.file().json()["id"]
    assert _receipt_becomes(cluster, receipt, "accepted")["status"] == "accepted"
    assert _wait(lambda: cluster.count("notify", "select count(*) from inbox_messages") >= 1)
    assert cluster.count("scoring", "select count(*) from points_ledger") == 1

    for service in SERVICES:
        assert _wait(lambda s=service: _dlq_count(cluster, s) == sent[s]), service
        assert _dead_lettered(cluster, service, "invalid") == sent[service], service
        assert _readyz(cluster, service).status_code == 200, service
        assert cluster.processes[f"{service}-worker"].poll() is None


def test_a_consumer_that_dies_is_reported_not_ready_and_comes_back(cluster: Cluster) -> None:
    for service in ("intake", "scoring", "notify"):
        cluster.start_worker(service)
    cluster.start_worker("workflow", RENDA_FAILPOINTS="consumer.on_message=die")
    for service in SERVICES:
        cluster.start_api(service)

    receipt = cluster.file().json()["id"]

    assert _wait(lambda: _readyz(cluster, "workflow").status_code == 503, timeout=10)
    checks = _readyz(cluster, "workflow").json()["checks"]
    assert checks["consumer:workflow"] != "ok"
    assert checks["broker"] == "ok"
    assert _wait(lambda: _readyz(cluster, "workflow").status_code == 200, timeout=30)
    assert cluster.metric("workflow-worker", "renda_consumer_restarts_total{") == 1
    # The message it died on was not acknowledged: the new consumer handles it.
    assert _receipt_becomes(cluster, receipt, "accepted")["status"] == "accepted"


def test_a_message_that_kills_its_consumer_on_every_delivery_is_given_up_and_counted(
    cluster: Cluster,
) -> None:
    """The broker would dead-letter it silently at the delivery limit; the consumer
    takes it off itself at the last delivery, counts it and fails its receipt."""
    cluster.extra_env["RENDA_DELIVERY_LIMIT"] = "1"
    for service in ("intake", "scoring", "notify"):
        cluster.start_worker(service)
    cluster.start_worker("workflow", RENDA_FAILPOINTS="consumer.on_message=die")
    for service in SERVICES:
        cluster.start_api(service)

    receipt = cluster.file().json()["id"]

    failed = _receipt_becomes(cluster, receipt, "failed")
    assert failed["status"] == "failed"
    assert _dlq_count(cluster, "workflow") == 1
    assert _dead_lettered(cluster, "workflow", "redelivered") == 1


def test_a_dead_lettered_submission_settles_failed_and_a_replay_accepts_it(
    cluster: Cluster,
) -> None:
    cluster.extra_env["RENDA_MAX_ATTEMPTS"] = "2"
    for service in ("intake", "scoring", "notify"):
        cluster.start_worker(service)
    # A handler bug: workflow fails on every event it is given.
    cluster.start_worker("workflow", RENDA_FAILPOINTS="workflow.handler=raise")
    for service in SERVICES:
        cluster.start_api(service)

    receipt_id = cluster.file().json()["id"]

    failed = _receipt_becomes(cluster, receipt_id, "failed")
    assert failed["status"] == "failed"
    assert failed["resource"] is None
    assert "workflow could not apply this submission" in failed["reason"]
    assert "replayed" in failed["reason"]
    assert _wait(lambda: _dlq_count(cluster, "workflow") == 1)
    assert _dead_lettered(cluster, "workflow", "failed") == 1

    # The fix is deployed; the operator replays the dead letters.
    cluster.kill("workflow-worker")
    cluster.start_worker("workflow")
    replayed = subprocess.run(
        [BIN / "renda", "dlq", "replay", "workflow"],
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert replayed.stdout.strip() == "replayed 1"

    accepted = _receipt_becomes(cluster, receipt_id, "accepted")
    assert accepted["status"] == "accepted"
    assert accepted["reason"] is None
    assert accepted["resource"]["type"] == "suggestion"
    assert cluster.get("workflow", accepted["resource"]["href"]).status_code == 200
    assert _dlq_count(cluster, "workflow") == 0
