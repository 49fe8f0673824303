"""A large congress's ballots in one burst, from several terminals at once, over the real
RabbitMQ and PostgreSQL: every ballot accepted and counted exactly once (correctness only;
speed is bench/'s)."""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from runtime.clock import SystemClock
from runtime.context import build_directory
from services.intake.domain.ballots import MAX_SHARDS, POOL_SIZE
from tests.support.cluster import Cluster

pytestmark = pytest.mark.integration

DEPUTIES = 3000
TERMINALS = 6
CANDIDATES = [{"id": f"P{n:02d}", "title": f"民生实事项目{n}"} for n in range(1, 13)]


def test_three_thousand_ballots_from_six_terminals_are_counted_exactly_once(
    cluster: Cluster,
) -> None:
    directory = build_directory(cluster.settings, SystemClock())
    roll = [f"D450102-V{n:04d}" for n in range(DEPUTIES)]
    for deputy in roll:
        directory.add_deputy(deputy, "450102", "代表", "county")
    committee = directory.create_key("450102", "committee")
    terminals = [directory.create_key("450102", "system") for _ in range(TERMINALS)]
    directory.db.dispose()
    for service in ("intake", "workflow"):
        cluster.start_worker(service)
        cluster.start_api(service)

    def post(path: str, body: dict, key: str, idempotency_key: str) -> requests.Response:
        for _ in range(5):  # a terminal retries a lost answer with the same key
            try:
                return requests.post(
                    cluster.url("intake-api", path),
                    json=body,
                    headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key},
                    timeout=30,
                )
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError(f"{path} unreachable")

    def receipt(answer: requests.Response, key: str) -> dict:
        assert answer.status_code == 202, answer.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            body = requests.get(
                cluster.url("intake-api", f"/intake/v1/receipts/{answer.json()['id']}"),
                headers={"Authorization": f"Bearer {key}"},
                timeout=10,
            ).json()
            if body["status"] != "pending":
                return body
            time.sleep(0.2)
        raise AssertionError("receipt still pending")

    opened = receipt(
        post(
            "/intake/v1/votes",
            {
                "title": "年度民生实事项目",
                "seats": 8,
                "candidates": CANDIDATES,
                "roll": roll,
                "present": roll,
            },
            committee,
            uuid.uuid4().hex,
        ),
        committee,
    )
    assert opened["status"] == "accepted", opened
    vote_id = opened["resource"]["id"]
    deadline = time.monotonic() + 60
    while (
        requests.get(
            cluster.url("intake-api", f"/intake/v1/votes/{vote_id}"),
            headers={"Authorization": f"Bearer {committee}"},
            timeout=10,
        ).status_code
        != 200
    ):
        assert time.monotonic() < deadline, "the door never opened"
        time.sleep(0.1)

    chooser = random.Random(11)
    ids = [c["id"] for c in CANDIDATES]
    ballots = [sorted(chooser.sample(ids, chooser.randint(0, 8))) for _ in roll]
    keys = [uuid.uuid4().hex for _ in roll]

    def terminal(t: int) -> list[int]:
        statuses = []
        for i in range(t, DEPUTIES, TERMINALS):
            body = {"deputy_id": roll[i], "choices": ballots[i]}
            path = f"/intake/v1/votes/{vote_id}/ballots"
            statuses.append(post(path, body, terminals[t], keys[i]).status_code)
            if i % 50 == 0:  # a terminal that never saw its answer sends the ballot again
                statuses.append(post(path, body, terminals[t], keys[i]).status_code)
        return statuses

    with ThreadPoolExecutor(TERMINALS) as pool:
        statuses = [s for batch in pool.map(terminal, range(TERMINALS)) for s in batch]
    assert set(statuses) == {202}

    # While the vote is open, no transaction id (PostgreSQL's xmin, which any reader of the
    # tables can SELECT) points at fewer than a pool's worth of ballots; each register row
    # has its own (docs/adr/0012-secret-ballot.md). 3,000 ballots fill the most shards and
    # spill the rest into the box by batches of POOL_SIZE.
    query = cluster.databases.query
    by_xmin = "select xmin::text, count(*) from {} where vote_id = %s group by xmin"
    registered = dict(query("intake", by_xmin.format("vote_register"), vote_id))
    boxed = dict(query("intake", by_xmin.format("ballot_box"), vote_id))
    shards = query(
        "intake",
        "select xmin::text, json_array_length(ballots) from ballot_pool where vote_id = %s",
        vote_id,
    )
    assert set(registered.values()) == {1} and len(registered) == DEPUTIES
    assert MAX_SHARDS <= len(shards) < MAX_SHARDS + TERMINALS  # two splits may cross at the top
    assert all(POOL_SIZE <= n < 2 * POOL_SIZE for _, n in shards)
    assert min(boxed.values()) == max(boxed.values()) == POOL_SIZE
    under_one_xmin = Counter(boxed)
    for xmin, n in shards:
        under_one_xmin[xmin] += n
    assert min(under_one_xmin.values()) >= POOL_SIZE
    assert sum(boxed.values()) + sum(n for _, n in shards) == DEPUTIES

    closed = receipt(post(f"/intake/v1/votes/{vote_id}/close", {}, committee, "close"), committee)
    assert closed["status"] == "accepted", closed

    vote = requests.get(
        cluster.url("workflow-api", f"/workflow/v1/public/votes/{vote_id}"), timeout=10
    ).json()
    hand_count = Counter(c for b in ballots for c in b)
    assert {c["id"]: c["votes"] for c in vote["candidates"]} == {i: hand_count[i] for i in ids}
    assert vote["result"]["ballots"] == DEPUTIES
    assert vote["result"]["blank"] == sum(1 for b in ballots if not b)
    register = "select count(*) from vote_register where vote_id = %s"
    assert cluster.count("intake", register, vote_id) == DEPUTIES
    ballot_log = "select count(*) from submissions where kind = 'ballot'"
    assert cluster.count("intake", ballot_log) == DEPUTIES
    assert cluster.count("intake", "select count(*) from ballot_box") == 0
    board = "select count(*) from board_ballots where vote_id = %s"
    assert cluster.count("workflow", board, vote_id) == DEPUTIES
