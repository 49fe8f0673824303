"""Debian's Prometheus scrapes the distributed system with the shipped alert rules: every
target is up, the accepted filings it counts are the ones filed, and a poison message
makes the dead-letter alert go pending."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
import yaml
from kombu import Connection, Exchange, Producer

from runtime.config import SERVICES
from tests.ops.promql import RULES_FILE, tool
from tests.support.cluster import Cluster
from tests.support.infra import AMQP_URL, free_port

pytestmark = pytest.mark.integration

T = TypeVar("T")


class Prometheus:
    def __init__(self, cluster: Cluster, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES_FILE)],
            "scrape_configs": [
                {
                    "job_name": f"renda-{name}",
                    "static_configs": [
                        {
                            "targets": [f"127.0.0.1:{port}"],
                            "labels": {"renda_service": name.split("-")[0]},
                        }
                    ],
                }
                for name, port in cluster.ports.items()
            ],
        }
        (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.log = open(workdir / "prometheus.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                tool("prometheus"),
                f"--config.file={workdir / 'prometheus.yml'}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def api(self, path: str, **params: str) -> Any:
        response = requests.get(f"http://127.0.0.1:{self.port}/api/v1/{path}", params=params)
        response.raise_for_status()
        return response.json()["data"]

    def query(self, expr: str) -> dict[tuple[tuple[str, str], ...], float]:
        result = self.api("query", query=expr)["result"]
        return {tuple(sorted(r["metric"].items())): float(r["value"][1]) for r in result}

    def scalar(self, expr: str) -> float:
        (value,) = self.query(expr).values()
        return value

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)
        self.log.close()

    def output(self) -> str:
        return (self.workdir / "prometheus.log").read_text(errors="replace")[-3000:]


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = probe()
        except (requests.RequestException, ValueError):
            found = None  # not listening yet, or no such series yet
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def prometheus(cluster: Cluster, tmp_path: Path) -> Iterator[Prometheus]:
    cluster.start_all()
    running = Prometheus(cluster, tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_prometheus_sees_the_system_and_its_alerts(
    cluster: Cluster, prometheus: Prometheus
) -> None:
    # Every API and worker is a target, and up.
    up = eventually(
        lambda: (
            found if len(found := prometheus.query('up{renda_service!=""} == 1')) == 8 else None
        ),
        f"8 targets up\n{prometheus.output()}",
    )
    assert {dict(labels)["job"] for labels in up} == {f"renda-{name}" for name in cluster.ports}
    # Each worker reaches the broker; every process its databases.
    broker = eventually(
        lambda: prometheus.query('renda_dependency_up{dependency="broker"} == 1'), "broker checks"
    )
    assert {dict(labels)["renda_service"] for labels in broker} == set(SERVICES)
    assert prometheus.query("renda_dependency_up == 0") == {}
    rules = prometheus.api("rules")["groups"]
    assert {r["name"] for g in rules for r in g["rules"]} >= {"RendaDeadLetters", "RendaTickLate"}

    # One filing first, so that the counters exist before the ones that are counted.
    accepted = 'sum(renda_receipts_settled_total{outcome="accepted"})'
    filed = 'sum(renda_http_requests_total{route="/intake/v1/suggestions",status="202"})'
    first = cluster.file()
    assert first.status_code == 202
    cluster.settled([first.json()["id"]])
    before = eventually(lambda: prometheus.query(accepted), "the first accepted receipt")
    assert list(before.values()) == [1.0]

    answers = [cluster.file() for _ in range(5)]
    assert [a.status_code for a in answers] == [202] * 5
    settled = cluster.settled([a.json()["id"] for a in answers])
    assert {r["status"] for r in settled.values()} == {"accepted"} and len(settled) == 5
    eventually(lambda: prometheus.scalar(accepted) == 6, "six accepted receipts in Prometheus")
    # The API is another target, scraped on its own clock: it may lag the worker a scrape.
    eventually(lambda: prometheus.scalar(filed) == 6, "six 202s from intake's API")
    assert prometheus.scalar(filed) == 6
    per_worker = 'renda_receipts_settled_total{outcome="accepted"}[2m]'
    assert prometheus.scalar(f"sum(max_over_time({per_worker}) - min_over_time({per_worker}))") == 5
    assert prometheus.scalar("sum(rate(renda_receipts_settled_total[30s]))") > 0

    # Nothing is wrong yet. (A queue caught with a message in it before its service's first
    # consumption can make RendaConsumerStalled pending for a moment; it never fires here.)
    alerts = prometheus.api("alerts")["alerts"]
    assert [a["labels"]["alertname"] for a in alerts if a["state"] == "firing"] == []
    assert "RendaDeadLetters" not in {a["labels"]["alertname"] for a in alerts}

    # A poison message for workflow: dead-lettered, and the alert goes pending.
    with Connection(AMQP_URL, transport_options={"confirm_publish": True}) as connection:
        Producer(connection.default_channel).publish(
            b"not json",
            exchange=Exchange(f"{cluster.prefix}.events", "topic", durable=True),
            routing_key="suggestion.submitted",
            headers={"cloudEvents_type": "renda.suggestion.submitted.v1"},
        )
    alert = eventually(
        lambda: next(
            (
                a
                for a in prometheus.api("alerts")["alerts"]
                if a["labels"]["alertname"] == "RendaDeadLetters"
            ),
            None,
        ),
        "RendaDeadLetters",
    )
    assert alert["labels"]["service"] == "workflow"
    assert alert["state"] in {"pending", "firing"}
    assert alert["annotations"]["runbook_url"].endswith("#rendadeadletters")
    assert prometheus.query('renda_queue_messages{queue="dead_letter",service="workflow"}')
