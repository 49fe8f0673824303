"""Notify end to end over RabbitMQ and PostgreSQL: every channel, once, through crashes,
failures and slow endpoints (issue 8's acceptance)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.support.cluster import BIN, Cluster
from tests.support.fakes.http import scripted
from tests.support.fakes.sms import sms_gateway, texts
from tests.support.fakes.smtp import SmtpSink
from tests.support.fakes.webhooks import WebhookReceiver
from tests.support.fakes.wechat import sent, wechat_api
from tests.support.infra import free_port
from tests.support.system import GOOD_SUGGESTION

pytestmark = pytest.mark.integration

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" * 1
UNIT = "unit:U450102-EDU"


@pytest.fixture
def fakes() -> Iterator[dict]:
    made = {"smtp": SmtpSink().start(), "sms": sms_gateway(), "wechat": wechat_api()}
    yield made
    for fake in made.values():
        fake.stop()


def configure(cluster: Cluster, fakes: dict, **extra: str) -> None:
    settings = dict(
        RENDA_SMTP_URL=fakes["smtp"].url,
        RENDA_SMS_URL=fakes["sms"].url + "/send",
        RENDA_WECHAT_API=fakes["wechat"].url,
        RENDA_WECHAT_APPID="wx-test",
        RENDA_WECHAT_SECRET="wx-secret",
        RENDA_WECHAT_TEMPLATES=json.dumps(
            {"*": {"template_id": "T-1", "fields": {"thing1": "subject", "thing2": "body"}}}
        ),
        RENDA_WEBHOOK_ALLOW_PRIVATE="1",
        RENDA_NOTIFY_POLL_SECONDS="0.1",
        RENDA_NOTIFY_RETRY_BASE="0.4",
        RENDA_NOTIFY_RETRY_CAP="2",
        RENDA_NOTIFY_LEASE_SECONDS="9",
        RENDA_NOTIFY_SEND_TIMEOUT="2",
    )
    cluster.extra_env.update({**settings, **extra})


def set_contact(cluster: Cluster, recipient: str, *options: str) -> None:
    subprocess.run(
        [BIN / "renda", "contacts", "set", recipient, *options],
        env=cluster.env(),
        check=True,
        capture_output=True,
    )


def register(cluster: Cluster, url: str, *event_types: str, secret: str = SECRET) -> dict:
    answer = requests.post(
        cluster.url("notify-api", "/notify/v1/webhooks"),
        json={"url": url, "event_types": list(event_types), "secret": secret},
        headers=cluster.headers(),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def start(cluster: Cluster, **notify_env: str) -> None:
    for service in ("intake", "workflow"):
        cluster.start_worker(service)
    cluster.start_worker("notify", **notify_env)
    for service in ("intake", "notify"):
        cluster.start_api(service)


def file_one(cluster: Cluster) -> str:
    answer = cluster.file()
    assert answer.status_code == 202, answer.text
    receipt = cluster.settled([answer.json()["id"]])[answer.json()["id"]]
    assert receipt["status"] == "accepted"
    return answer.json()["id"]


def wait_for(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def delivered(cluster: Cluster, channel: str | None = None) -> int:
    sql = "select count(*) from deliveries where status = 'delivered'"
    return cluster.count(
        "notify", sql + (" and channel = %s" if channel else ""), *([channel] if channel else [])
    )


def test_an_assignment_reaches_every_channel_once_through_a_crash_mid_send(
    cluster: Cluster, fakes: dict
) -> None:
    configure(cluster, fakes)
    set_contact(
        cluster,
        UNIT,
        "--email",
        "edu@example.cn",
        "--phone",
        "+8613800000000",
        "--wechat-openid",
        "openid-edu-1",
    )
    # The worker kills itself right after the first channel accepted a message, before
    # the log records it.
    start(cluster, RENDA_FAILPOINTS="notify.after_send")
    receiver = WebhookReceiver(SECRET)
    register(cluster, receiver.url, "suggestion.assigned", "submission.accepted")
    try:
        file_one(cluster)
        assert cluster.wait_exit("notify-worker", timeout=30) != 0
        cluster.processes.pop("notify-worker")
        cluster.start_worker("notify")
        wait_for(lambda: delivered(cluster) == 5)

        assert cluster.count("notify", "select count(*) from deliveries") == 5
        inbox = cluster.get("notify", f"/notify/v1/inbox?recipient={UNIT}").json()
        assert len(inbox["items"]) == 1 and inbox["unread"] == 1
        # Exactly one message per channel as a receiver that drops repeated ids sees it;
        # at most the one in flight at the kill reached its channel twice, with one id.
        mails = fakes["smtp"].distinct()
        assert len(mails) == 1
        (mail,) = mails.values()
        assert mail["To"] == "edu@example.cn" and "新交办建议" in mail["Subject"]
        assert len({t["reference"] for t in texts(fakes["sms"])}) == 1
        assert texts(fakes["sms"])[0]["to"] == "+8613800000000"
        assert sent(fakes["wechat"])[0]["touser"] == "openid-edu-1"
        hooks = receiver.distinct()
        assert sorted(p["type"] for p in hooks.values()) == [
            "submission.accepted",
            "suggestion.assigned",
        ]
        raw = (
            len(fakes["smtp"].messages)
            + len(texts(fakes["sms"]))
            + len(sent(fakes["wechat"]))
            + len(receiver.verified)
        )
        # The sender threads send at once: every delivery in flight at the kill may have
        # reached its channel before it, and goes again with the same id; none a third time.
        assert 5 <= raw <= 10
        assert receiver.forged == 0
    finally:
        receiver.stop()


def test_wechat_refused_falls_back_to_sms_when_preferences_say_so(
    cluster: Cluster, fakes: dict
) -> None:
    fakes["wechat"].stop()
    fakes["wechat"] = wechat_api(43101)  # the user has not subscribed
    configure(cluster, fakes)
    set_contact(cluster, UNIT, "--phone", "+8613800000000", "--wechat-openid", "openid-edu-1")
    start(cluster)
    answer = requests.put(
        cluster.url("notify-api", f"/notify/v1/preferences/{UNIT}"),
        json={"channels": ["wechat", "sms"], "fallback": True},
        headers={"Authorization": f"Bearer {cluster.keys['unit_450102_EDU']}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    file_one(cluster)
    wait_for(lambda: delivered(cluster, "sms") == 1)
    rows = cluster.databases.query("notify", "select channel, status from deliveries order by id")
    assert [tuple(r) for r in rows] == [("wechat", "refused"), ("sms", "delivered")]
    assert len(texts(fakes["sms"])) == 1


def test_webhook_retries_with_back_off_then_dead_then_replayed(
    cluster: Cluster, fakes: dict
) -> None:
    configure(cluster, fakes, RENDA_NOTIFY_MAX_ATTEMPTS="4")
    start(cluster)
    flaky = WebhookReceiver(SECRET, scripted(500, 500, 500))
    down = WebhookReceiver(SECRET, scripted(then=503))
    register(cluster, flaky.url, "suggestion.assigned")
    dead = register(cluster, down.url, "suggestion.assigned")
    try:
        file_one(cluster)
        wait_for(lambda: len(flaky.verified) == 1)
        assert flaky.attempts == 4
        wait_for(
            lambda: (
                cluster.count("notify", "select count(*) from deliveries where status = 'dead'")
                == 1
            )
        )
        assert down.attempts == 4
        listed = cluster.get("notify", "/notify/v1/deliveries?status=dead").json()["items"]
        assert [d["recipient"] for d in listed] == [f"endpoint:{dead['id']}"]
        # Replayed once it is back: delivered, with the same webhook-id as every attempt.
        down.answer = scripted()
        replayed = subprocess.run(
            [BIN / "renda", "deliveries", "replay", "--all-dead"],
            env=cluster.env(),
            check=True,
            capture_output=True,
            text=True,
        )
        assert replayed.stdout.startswith("replayed 1")
        wait_for(lambda: len(down.verified) == 1)
        assert len({r.headers["webhook-id"] for r in down.server.requests}) == 1
        assert (
            cluster.metric(
                "notify-worker", 'renda_notify_deliveries_total{channel="webhook",outcome="dead"}'
            )
            == 1
        )
    finally:
        flaky.stop()
        down.stop()


def test_a_slow_endpoint_delays_nobody_else(cluster: Cluster, fakes: dict) -> None:
    configure(cluster, fakes, RENDA_NOTIFY_SEND_TIMEOUT="15", RENDA_NOTIFY_LEASE_SECONDS="61")
    set_contact(cluster, UNIT, "--email", "edu@example.cn")
    start(cluster)
    slow = WebhookReceiver(SECRET, delay=10)
    register(cluster, slow.url, "suggestion.assigned", "submission.accepted")
    try:
        started = time.monotonic()
        file_one(cluster)
        wait_for(lambda: len(fakes["smtp"].messages) == 1, timeout=8)
        assert time.monotonic() - started < 8
        assert slow.verified == []
        wait_for(lambda: len(slow.verified) == 2, timeout=30)
    finally:
        slow.stop()


def test_two_notify_workers_send_each_delivery_once(cluster: Cluster, fakes: dict) -> None:
    configure(cluster, fakes)
    set_contact(cluster, UNIT, "--email", "edu@example.cn", "--phone", "+8613800000000")
    start(cluster)
    port = free_port()
    cluster.ports["notify-worker-2"] = port
    cluster._spawn("notify-worker-2", ["worker", "notify"], RENDA_WORKER_PORT=str(port))
    cluster.wait_ready("notify-worker-2")
    receipts = [
        cluster.file({**GOOD_SUGGESTION, "title": f"建议 {n}"}).json()["id"] for n in range(8)
    ]
    assert len(cluster.settled(receipts)) == 8
    wait_for(lambda: delivered(cluster) == 16, timeout=90)
    assert len(fakes["smtp"].messages) == len(fakes["smtp"].distinct()) == 8
    assert len(texts(fakes["sms"])) == len({t["reference"] for t in texts(fakes["sms"])}) == 8
