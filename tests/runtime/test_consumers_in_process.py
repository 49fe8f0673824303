"""The one-process mode's consumers: hostile messages, a consumer that dies, a dead letter.

The in-process bus has no dead-letter queue: a message given up is dropped, counted.
"""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY as METRICS

from runtime import failpoints, worker
from runtime.bus import Publisher, Topology
from runtime.config import SERVICES
from runtime.http import create_app
from tests.support.hostile import CONSUMED_BY, hostile_messages, valid_message, wait_until
from tests.support.system import InProcessSystem


def _dead_lettered(service: str, reason: str) -> float:
    return sum(
        sample.value
        for metric in METRICS.collect()
        if metric.name == "renda_events_dead_lettered"
        for sample in metric.samples
        if sample.name.endswith("_total")
        and sample.labels["service"] == service
        and sample.labels["reason"] == reason
    )


def _restarts(service: str) -> float:
    return METRICS.get_sample_value("renda_consumer_restarts_total", {"service": service}) or 0.0


def _readyz(system: InProcessSystem) -> tuple[int, dict]:
    assert system.worker is not None
    client = create_app(system.runtimes, system.worker.readiness_checks()).test_client()
    answer = client.get("/readyz")
    return answer.status_code, answer.get_json()


def test_hostile_messages_are_dropped_and_counted_and_the_next_event_is_handled(
    system: InProcessSystem,
) -> None:
    before = {service: _dead_lettered(service, "invalid") for service in SERVICES}
    topology = Topology(system.settings)
    publisher = Publisher(system.settings)
    sent = {}
    try:
        for service, type_string in CONSUMED_BY.items():
            messages = hostile_messages(*valid_message(type_string))
            for headers, body in messages.values():
                publisher.publish(service, headers, body, exchange=topology.requeue)
            sent[service] = len(messages)
    finally:
        publisher.close()

    receipt = system.file().get_json()
    assert system.settled_receipt(receipt["id"], timeout=60)["status"] == "accepted"
    assert wait_until(
        lambda: all(_dead_lettered(s, "invalid") - before[s] == sent[s] for s in SERVICES)
    ), {s: _dead_lettered(s, "invalid") - before[s] for s in SERVICES}
    assert _readyz(system)[0] == 200


def test_a_consumer_that_dies_is_not_ready_then_restarted(
    system: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dead for 3 s: each poll below builds the app afresh (no readiness cache to wait out),
    # which takes over a second on a loaded machine and could miss a shorter death.
    monkeypatch.setattr(worker, "RESTART_DELAYS", (3.0,))
    monkeypatch.setitem(failpoints._ARMED, "consumer.on_message", "die")
    restarts = _restarts("workflow")

    receipt = system.file().get_json()

    # The message that came with the death is redelivered to the new consumer.
    assert wait_until(lambda: _readyz(system)[0] == 503, timeout=10)
    status, body = _readyz(system)
    assert status == 503
    assert body["checks"]["consumer:workflow"] != "ok"
    assert body["checks"]["consumer:scoring"] == "ok"
    assert wait_until(lambda: _readyz(system)[0] == 200, timeout=10)
    assert _restarts("workflow") == restarts + 1
    assert system.settled_receipt(receipt["id"], timeout=30)["status"] == "accepted"


def test_a_submission_whose_event_is_given_up_settles_failed(
    system: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(failpoints._ARMED, "workflow.handler", "raise")
    before = _dead_lettered("workflow", "failed")

    receipt = system.file().get_json()

    settled = system.settled_receipt(receipt["id"], timeout=30)
    assert settled["status"] == "failed"
    assert "workflow could not apply this submission" in settled["reason"]
    assert "renda.suggestion.submitted.v2" in settled["reason"]
    assert _dead_lettered("workflow", "failed") == before + 1
