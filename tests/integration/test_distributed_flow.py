"""The proving flow with every service in its own processes, over RabbitMQ and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.cluster import Cluster

pytestmark = pytest.mark.integration


def test_suggestions_cross_all_four_services(cluster: Cluster) -> None:
    # Two gunicorn workers per API: /metrics must add up what both of them counted.
    cluster.extra_env["WEB_CONCURRENCY"] = "2"
    cluster.start_all()
    receipts = []
    for i in range(5):
        answer = cluster.file({**_suggestion(), "title": f"关于学位的建议 {i}"})
        assert answer.status_code == 202, answer.text
        assert answer.json()["status"] == "pending"
        receipts.append(answer.json()["id"])

    settled = cluster.settled(receipts)
    assert {r["status"] for r in settled.values()} == {"accepted"}
    numbers = sorted(r["resource"]["number"] for r in settled.values())
    assert numbers == [f"450102-2026-000{i}" for i in range(1, 6)]

    first = settled[receipts[0]]["resource"]
    suggestion = cluster.get("workflow", first["href"]).json()
    assert suggestion["state"] == "assigned"
    (lead,) = suggestion["assignments"]
    assert lead["unit_id"] == "U450102-EDU" and lead["role"] == "lead"
    assert lead["deadline"] > suggestion["accepted_at"][:10]

    inbox = cluster.get("notify", "/notify/v1/inbox?recipient=unit:U450102-EDU").json()
    assert len(inbox["items"]) == 5
    assert all("主办单位" in message["body"] for message in inbox["items"])

    points = cluster.get("scoring", "/scoring/v1/deputies/D450102-001/points").json()
    assert points["total"] == 10
    assert len(points["entries"]) == 5

    assert cluster.metric("workflow-worker", "renda_events_consumed_total{") == 5
    assert cluster.metric("intake-api", 'renda_http_requests_total{method="POST"') == 5


def test_a_rule_broken_in_workflow_shows_on_the_receipt(cluster: Cluster) -> None:
    """Intake checks reach; workflow checks the rule that co-signers sit in the same congress."""
    cluster.start_all()
    body = {**_suggestion(), "cosigner_ids": ["D450102001-001"]}
    answer = cluster.file(body)
    assert answer.status_code == 202, answer.text
    receipt = cluster.settled([answer.json()["id"]])[answer.json()["id"]]
    assert receipt["status"] == "rejected"
    assert receipt["field"] == "cosigner_ids"
    assert "not a deputy of congress 450102" in receipt["reason"]
    assert cluster.count("workflow", "select count(*) from suggestions") == 0


def _suggestion() -> dict:
    return {
        "lead_deputy_id": "D450102-001",
        "title": "关于增加城区小学学位的建议",
        "body": "兴宁区学位紧张，建议新建小学一所。",
        "category": "education",
        "occasion": "recess",
    }


def test_relays_are_woken_by_commits_not_only_by_their_poll(cluster: Cluster) -> None:
    """With a poll of a minute, a suggestion still crosses three relays at once: each relay
    LISTENs for its service's NOTIFY, which PostgreSQL sends when the outbox row commits."""
    cluster.extra_env["RENDA_OUTBOX_POLL_SECONDS"] = "60"
    cluster.start_all()
    answer = cluster.file(_suggestion())
    receipt = cluster.settled([answer.json()["id"]], timeout=20)
    assert receipt[answer.json()["id"]]["status"] == "accepted"
