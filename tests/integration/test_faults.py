"""Nothing accepted is lost or applied twice: crashes, broker restarts, poison, outages."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import requests
from kombu import Connection, Exchange, Producer

from runtime.config import SERVICES
from tests.support.cluster import BIN, Cluster
from tests.support.hostile import wait_until
from tests.support.infra import AMQP_URL

pytestmark = pytest.mark.integration

KILLED = -9


def _suggestion(i: int) -> dict:
    return {
        "lead_deputy_id": f"D450102-00{1 + i % 8}",
        "title": f"关于改造老旧小区的建议 {i}",
        "body": "老旧小区加装电梯。",
        "category": "urban_construction",
        "occasion": "recess",
    }


def _assert_each_applied_once(cluster: Cluster, receipts: list[str]) -> None:
    """Every receipt accepted; one suggestion, one points entry, two unit messages each."""
    settled = cluster.settled(receipts, timeout=90)
    assert len(settled) == len(receipts), "some receipts never settled"
    assert {r["status"] for r in settled.values()} == {"accepted"}
    n = len(receipts)
    assert cluster.count("workflow", "select count(*) from suggestions") == n
    assert cluster.count("workflow", "select count(distinct number) from suggestions") == n
    assert cluster.count("workflow", "select count(*) from assignments") == 2 * n
    assert cluster.count("workflow", "select count(*) from outbox") == 3 * n
    # A receipt settles when workflow has accepted; scoring and notify hear of it after,
    # and after an outage may still be catching up: their counts are awaited, then exact.
    points = "select count(*) from points_ledger"
    wait_until(lambda: cluster.count("scoring", points) >= n, timeout=60)
    assert cluster.count("scoring", points) == n
    # urban_construction: lead U450102-HOUSING and co-handling U450102-TRANSPORT.
    messages = "select count(*) from inbox_messages"
    wait_until(lambda: cluster.count("notify", messages) >= 2 * n, timeout=60)
    assert cluster.count("notify", messages) == 2 * n
    assert cluster.count("intake", "select count(*) from submissions where status='accepted'") == n


@pytest.mark.parametrize("service", SERVICES)
def test_worker_killed_between_commit_and_ack(cluster: Cluster, service: str) -> None:
    """The broker redelivers the unacked message; the inbox makes the second time a no-op."""
    for other in SERVICES:
        if other != service:
            cluster.start_worker(other)
    cluster.start_worker(service, RENDA_FAILPOINTS="consumer.after_commit")
    for other in SERVICES:
        cluster.start_api(other)

    receipt = cluster.file(_suggestion(0)).json()["id"]
    assert cluster.wait_exit(f"{service}-worker") == KILLED
    cluster.processes.pop(f"{service}-worker")
    # The effect was committed before the kill, and the message was not acknowledged.
    # Notify is sent two events per suggestion, which may come in one batch (ADR 0019).
    inbox = cluster.count(service, "select count(*) from inbox")
    assert inbox in ((1, 2) if service == "notify" else (1,))

    cluster.start_worker(service)
    _assert_each_applied_once(cluster, [receipt])
    assert cluster.metric(f"{service}-worker", "renda_events_duplicate_total{") >= 1


def test_relay_killed_after_publishing_before_marking_sent(cluster: Cluster) -> None:
    """The restarted relay publishes the same events again; consumers drop the copies."""
    for service in ("intake", "scoring", "notify"):
        cluster.start_worker(service)
    cluster.start_worker("workflow", RENDA_FAILPOINTS="relay.after_publish")
    for service in SERVICES:
        cluster.start_api(service)

    receipt = cluster.file(_suggestion(0)).json()["id"]
    assert cluster.wait_exit("workflow-worker") == KILLED
    cluster.processes.pop("workflow-worker")
    assert cluster.count("workflow", "select count(*) from outbox where published_at is null") == 3

    cluster.start_worker("workflow")
    _assert_each_applied_once(cluster, [receipt])
    time.sleep(1)
    duplicates = cluster.metric("scoring-worker", "renda_events_duplicate_total{")
    duplicates += cluster.metric("notify-worker", "renda_events_duplicate_total{")
    duplicates += cluster.metric("intake-worker", "renda_events_duplicate_total{")
    assert duplicates >= 1


def test_broker_restart_while_suggestions_arrive(cluster: Cluster) -> None:
    """Intake keeps accepting while RabbitMQ is down; everything flows once it is back."""
    cluster.start_all()
    receipts: list[str] = []
    errors: list[str] = []

    def file_steadily() -> None:
        for i in range(40):
            answer = cluster.file(_suggestion(i))
            if answer.status_code == 202:
                receipts.append(answer.json()["id"])
            else:
                errors.append(answer.text)
            time.sleep(0.2)

    filer = threading.Thread(target=file_steadily)
    filer.start()
    time.sleep(1.5)
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=60)
    try:
        time.sleep(1)
        # The API only writes to its outbox: it stays ready while the broker is away.
        assert requests.get(cluster.url("intake-api", "/readyz"), timeout=5).status_code == 200
        assert requests.get(cluster.url("intake-worker", "/readyz"), timeout=5).status_code == 503
        time.sleep(2)
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)
        subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=True, timeout=120)
    filer.join(60)

    assert errors == []
    assert len(receipts) == 40
    _assert_each_applied_once(cluster, receipts)


def test_poison_message_is_dead_lettered_and_a_replay_delivers(cluster: Cluster) -> None:
    cluster.start_all()
    names = cluster.settings
    events = Exchange(f"{names.bus_prefix}.events", "topic", durable=True)
    dead_letters = Exchange(f"{names.bus_prefix}.dlx", "direct", durable=True)
    good = _event_headers_and_body()
    with Connection(AMQP_URL, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.default_channel)
        producer.publish(
            b"not json",
            exchange=events,
            routing_key="suggestion.submitted",
            headers={"cloudEvents_type": "renda.suggestion.submitted.v1"},
        )
        # A good event that had been given up (as after max attempts during an outage).
        producer.publish(good[1], exchange=dead_letters, routing_key="workflow", headers=good[0])

    deadline = time.monotonic() + 20
    while _dlq_count(cluster) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _dlq_count(cluster) == 2
    assert cluster.metric("workflow-worker", "renda_events_dead_lettered_total{") == 1

    replayed = subprocess.run(
        [BIN / "renda", "dlq", "replay", "workflow"],
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert replayed.stdout.strip() == "replayed 2"
    deadline = time.monotonic() + 20
    while (
        cluster.count("workflow", "select count(*) from suggestions") < 1
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert cluster.count("workflow", "select count(*) from suggestions") == 1
    # The poison comes back to the dead-letter queue: replaying cannot fix bad data.
    deadline = time.monotonic() + 20
    while _dlq_count(cluster) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _dlq_count(cluster) == 1


def test_database_outage_is_retried_with_back_off(cluster: Cluster) -> None:
    """Handler failures go through the retry queues and succeed once the database is back."""
    cluster.extra_env["RENDA_MAX_ATTEMPTS"] = "30"
    cluster.start_all()
    workflow_db = cluster.databases.name("workflow")
    admin = cluster.databases
    _block_connections(admin, workflow_db, allow=False)
    try:
        receipt = cluster.file(_suggestion(0)).json()["id"]
        deadline = time.monotonic() + 20
        while (
            cluster.metric("workflow-worker", "renda_events_failed_total{") < 2
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert cluster.metric("workflow-worker", "renda_events_failed_total{") >= 2
        # Readiness is cached for 2 s (ReadinessProbe): the worker may have answered "ready"
        # just before the outage began, and says so until the cache expires.
        ready = cluster.url("workflow-worker", "/readyz")
        deadline = time.monotonic() + 10
        while requests.get(ready, timeout=5).status_code != 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert requests.get(ready, timeout=5).status_code == 503
    finally:
        _block_connections(admin, workflow_db, allow=True)
    _assert_each_applied_once(cluster, [receipt])
    assert cluster.metric("workflow-worker", "renda_events_dead_lettered_total{") == 0


def _block_connections(admin, database: str, *, allow: bool) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    from tests.support.infra import PG_ADMIN_URL

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            conn.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s",
                (database,),
            )


def _dlq_count(cluster: Cluster) -> int:
    result = subprocess.run(
        [BIN / "renda", "dlq", "count", "workflow"],
        env=cluster.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


def _event_headers_and_body() -> tuple[dict, bytes]:
    submission_id = str(uuid.uuid4())
    headers = {
        "cloudEvents_id": str(uuid.uuid4()),
        "cloudEvents_type": "renda.suggestion.submitted.v1",
        "cloudEvents_source": "/renda/intake",
        "cloudEvents_specversion": "1.0",
        "cloudEvents_time": datetime.now(UTC).isoformat(),
        "tenant": "450102",
        "correlation_id": str(uuid.uuid4()),
    }
    body = {
        "submission_id": submission_id,
        "tenant": "450102",
        "lead_deputy_id": "D450102-001",
        "cosigner_ids": [],
        "title": "重放的建议",
        "body": "从死信队列重放。",
        "category": "education",
        "occasion": "recess",
        "session_name": None,
        "urgent": False,
        "submitted_at": datetime.now(UTC).isoformat(),
    }
    return headers, json.dumps(body, ensure_ascii=False).encode()
