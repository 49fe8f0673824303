"""Nothing on the bus stops a service: hostile messages, dying consumers, dead letters.

Real RabbitMQ and PostgreSQL, each service in its own processes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from kombu import Connection, Exchange, Producer

from runtime.config import SERVICES
from runtime.deadletters import dead_letter_count, replay
from tests.support.cluster import Cluster
from tests.support.hostile import CONSUMED_BY, hostile_messages, valid_message, wait_until
from tests.support.infra import AMQP_URL

pytestmark = pytest.mark.integration


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


def _readyz(cluster: Cluster, service: str) -> requests.Response:
    return requests.get(cluster.url(f"{service}-worker", "/readyz"), timeout=5)


def _receipt(cluster: Cluster, receipt_id: str) -> dict[str, Any]:
    return cluster.get("intake", f"/intake/v1/receipts/{receipt_id}").json()


def _start_with_workflow_worker(cluster: Cluster, **workflow_env: str) -> None:
    for service in ("intake", "scoring", "notify"):
        cluster.start_worker(service)
    cluster.start_worker("workflow", **workflow_env)
    for service in SERVICES:
        cluster.start_api(service)


def _receipt_becomes(cluster: Cluster, receipt_id: str, status: str, timeout: float = 60) -> dict:
    wait_until(lambda: _receipt(cluster, receipt_id)["status"] == status, timeout)
    return _receipt(cluster, receipt_id)


def test_hostile_messages_to_every_service_are_dead_lettered_counted_and_survived(
    cluster: Cluster,
) -> None:
    cluster.start_all()
    requeue = Exchange(f"{cluster.prefix}.requeue", "direct", durable=True)
    sent: dict[str, int] = {}
    with Connection(AMQP_URL, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.default_channel)
        for service, type_string in CONSUMED_BY.items():
            messages = hostile_messages(*valid_message(type_string))
            for headers, body in messages.values():
                producer.publish(body, exchange=requeue, routing_key=service, headers=headers)
            sent[service] = len(messages)

    # A valid submission after them passes through all four services.
    receipt = cluster.file().json()["id"]
    assert _receipt_becomes(cluster, receipt, "accepted")["status"] == "accepted"
    assert wait_until(lambda: cluster.count("notify", "select count(*) from inbox_messages") >= 1)
    # Scoring and notify take the event side by side: notify's being done says nothing of
    # scoring's (each may still hold it in a batch's linger, ADR 0019).
    assert wait_until(lambda: cluster.count("scoring", "select count(*) from points_ledger") == 1)

    settings = cluster.settings
    for service in SERVICES:
        assert wait_until(lambda s=service: dead_letter_count(settings, s) == sent[s]), service
        assert _dead_lettered(cluster, service, "invalid") == sent[service], service
        assert _readyz(cluster, service).status_code == 200, service
        assert cluster.processes[f"{service}-worker"].poll() is None


def test_a_consumer_that_dies_is_reported_not_ready_and_comes_back(cluster: Cluster) -> None:
    _start_with_workflow_worker(cluster, RENDA_FAILPOINTS="consumer.on_message=die")

    receipt = cluster.file().json()["id"]

    assert wait_until(lambda: _readyz(cluster, "workflow").status_code == 503, timeout=10)
    checks = _readyz(cluster, "workflow").json()["checks"]
    assert checks["consumer:workflow"] != "ok"
    assert checks["broker"] == "ok"
    assert wait_until(lambda: _readyz(cluster, "workflow").status_code == 200, timeout=30)
    assert cluster.metric("workflow-worker", "renda_consumer_restarts_total{") == 1
    # The message it died on was not acknowledged: the new consumer handles it.
    assert _receipt_becomes(cluster, receipt, "accepted")["status"] == "accepted"


def test_a_message_that_kills_its_consumer_on_every_delivery_is_given_up_and_counted(
    cluster: Cluster,
) -> None:
    """The broker would dead-letter it silently at the delivery limit; the consumer
    takes it off itself at the last delivery, counts it and fails its receipt."""
    cluster.extra_env["RENDA_DELIVERY_LIMIT"] = "1"
    _start_with_workflow_worker(cluster, RENDA_FAILPOINTS="consumer.on_message=die")

    receipt = cluster.file().json()["id"]

    failed = _receipt_becomes(cluster, receipt, "failed")
    assert failed["status"] == "failed"
    assert dead_letter_count(cluster.settings, "workflow") == 1
    assert _dead_lettered(cluster, "workflow", "redelivered") == 1


def test_a_dead_lettered_submission_settles_failed_and_a_replay_accepts_it(
    cluster: Cluster,
) -> None:
    cluster.extra_env["RENDA_MAX_ATTEMPTS"] = "2"
    # A handler bug: workflow fails on every event it is given.
    _start_with_workflow_worker(cluster, RENDA_FAILPOINTS="workflow.handler=raise")

    receipt_id = cluster.file().json()["id"]

    failed = _receipt_becomes(cluster, receipt_id, "failed")
    assert failed["status"] == "failed"
    assert failed["resource"] is None
    assert "workflow could not apply this submission" in failed["reason"]
    assert "replayed" in failed["reason"]
    assert wait_until(lambda: dead_letter_count(cluster.settings, "workflow") == 1)
    assert _dead_lettered(cluster, "workflow", "failed") == 1

    # The fix is deployed; the operator replays the dead letters.
    cluster.kill("workflow-worker")
    cluster.start_worker("workflow")
    assert replay(cluster.settings, "workflow") == 1

    accepted = _receipt_becomes(cluster, receipt_id, "accepted")
    assert accepted["status"] == "accepted"
    assert accepted["reason"] is None
    assert accepted["resource"]["type"] == "suggestion"
    assert cluster.get("workflow", accepted["resource"]["href"]).status_code == 200
    assert dead_letter_count(cluster.settings, "workflow") == 0
