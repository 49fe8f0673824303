"""2g: a large congress votes in one sitting (issue 11, "Load").

3,000 deputies on the roll and present; their 3,000 ballots cast from several voting
terminals within 5 s at a constant arrival rate (open loop: ballot i is due at
start + i/rate, whatever the server does, and its latency is counted from when it was due);
then the vote is closed and the count checked: register = ballots = 3,000, the tally = the
hand count of what was sent. The same ballots at the same rate from the same terminals to
bench/hello_app.py under renda's gunicorn config are the limit beside it.

The deputies and keys are written with the directory in-process, as
tests/integration/test_project_vote_burst.py writes them; the vote is opened through
`POST /intake/v1/votes` like a committee's console does.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import queue
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.infra import log, percentile
from bench.loadgen import request_json

TENANT = "450102"
CANDIDATES = [{"id": f"P{n:02d}", "title": f"民生实事项目{n}"} for n in range(1, 13)]
SEATS = 8


def seed(system: Any, deputies: int, terminals: int) -> dict[str, Any]:
    """The roll in the directory, a committee key, one system key per terminal."""
    from runtime.clock import SystemClock
    from runtime.context import build_directory

    started = time.perf_counter()
    directory = build_directory(system.settings, SystemClock())
    try:
        run = uuid.uuid4().hex[:4].upper()  # deputy ids are at most 32 characters
        roll = [f"D{TENANT}-B{run}{n:05d}" for n in range(deputies)]
        for deputy in roll:
            directory.add_deputy(deputy, TENANT, "代表", "county")
        committee = directory.create_key(TENANT, "committee")
        keys = [directory.create_key(TENANT, "system") for _ in range(terminals)]
    finally:
        directory.db.dispose()
    return {
        "roll": roll,
        "committee": committee,
        "terminal_keys": keys,
        "seconds": time.perf_counter() - started,
    }


def _post(port: int, path: str, body: Any, key: str, idempotency_key: str) -> tuple[int, Any]:
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Idempotency-Key": idempotency_key,
    }
    return request_json(port, "POST", path, json.dumps(body).encode(), headers, timeout=60)


def _settle(port: int, receipt: Any, key: str, timeout: float) -> dict[str, Any]:
    """Poll a receipt every 50 ms until it is no longer pending (or the time is up)."""
    deadline = time.monotonic() + timeout
    auth = {"Authorization": f"Bearer {key}"}
    while time.monotonic() < deadline:
        status, body = request_json(port, "GET", f"/intake/v1/receipts/{receipt['id']}", None, auth)
        if status == 200 and body.get("status") != "pending":
            return body
        time.sleep(0.05)
    raise RuntimeError(f"receipt {receipt['id']} still pending after {timeout:.0f}s")


def open_vote(system: Any, roll: list[str], committee: str, timeout: float) -> dict[str, Any]:
    """Open the vote with everyone present; wait until intake's door for it is open."""
    port = system.port("intake")
    started = time.perf_counter()
    body = {
        "title": "bench: 年度民生实事项目",
        "seats": SEATS,
        "candidates": CANDIDATES,
        "roll": roll,
        "present": roll,
    }
    status, receipt = _post(port, "/intake/v1/votes", body, committee, uuid.uuid4().hex)
    if status != 202:
        raise RuntimeError(f"POST /intake/v1/votes answered {status}: {receipt}")
    posted = time.perf_counter() - started
    settled = _settle(port, receipt, committee, timeout)
    if settled.get("status") != "accepted":
        raise RuntimeError(f"the vote was not opened: {settled}")
    vote_id = settled["resource"]["id"]
    auth = {"Authorization": f"Bearer {committee}"}
    deadline = time.monotonic() + timeout
    while request_json(port, "GET", f"/intake/v1/votes/{vote_id}", None, auth)[0] != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("the vote's door never opened at intake")
        time.sleep(0.05)
    return {
        "vote_id": vote_id,
        "post_s": posted,
        "open_s": time.perf_counter() - started,
    }


def ballots_for(roll: list[str], seed_value: int = 11) -> list[list[str]]:
    """Each deputy's choices: 0 to `SEATS` candidates (an empty list is a blank ballot)."""
    chooser = random.Random(seed_value)
    ids = [c["id"] for c in CANDIDATES]
    return [sorted(chooser.sample(ids, chooser.randint(0, SEATS))) for _ in roll]


# -- the terminals -----------------------------------------------------------------------------


def burst(
    port: int,
    vote_id: str,
    roll: list[str],
    ballots: list[list[str]],
    keys: list[str],
    *,
    rate: float,
    connections: int,
    tag: str,
) -> dict[str, Any]:
    """Cast every ballot at `rate`/s from len(keys) terminals, each a process with its own key
    and `connections` keep-alive connections; ballot i is due at start + i/rate and goes to
    terminal i mod terminals. Latency is counted from when a ballot was due: when the
    server is slower than the rate, ballots wait for a free connection at the terminal,
    as they would queue at the server with more connections (no coordinated omission)."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    terminals = len(keys)
    # Every terminal forks and starts its threads before the first ballot is due.
    start = time.monotonic() + 0.5 + 0.05 * terminals
    wall_start = time.time() + (start - time.monotonic())
    path = f"/intake/v1/votes/{vote_id}/ballots"
    children = []
    for t in range(terminals):
        items = [
            (
                i,
                start + i / rate,
                json.dumps({"deputy_id": roll[i], "choices": ballots[i]}).encode(),
                f"{tag}-{i}",
            )
            for i in range(t, len(roll), terminals)
        ]
        child = ctx.Process(
            target=_terminal,
            args=(port, path, keys[t], items, connections, results),
            daemon=True,
        )
        child.start()
        children.append(child)
    rows: list[tuple] = []
    try:
        for _ in children:
            rows.extend(results.get(timeout=len(roll) / rate + 120))
    finally:
        for child in children:
            child.join(5)
            if child.is_alive():
                child.terminate()
                child.join(5)
    rows.sort()
    latency = [(done - due) * 1000 for _, due, _, _, done, *_ in rows]
    service = [(done - sent) * 1000 for _, _, _, sent, done, *_ in rows]
    lag = [(handed - due) * 1000 for _, due, handed, *_ in rows]
    waited = [(sent - handed) * 1000 for _, _, handed, sent, *_ in rows]
    statuses = Counter(status for *_, status, _, _ in rows)
    answers = Counter(answer for *_, answer, _ in rows)
    last_handed = max((handed for _, _, handed, *_ in rows), default=start)
    last_sent = max((sent for _, _, _, sent, *_ in rows), default=start)
    last_done = max((done for _, _, _, _, done, *_ in rows), default=start)
    return {
        "ballots": len(rows),
        "rate": rate,
        "terminals": terminals,
        "connections_per_terminal": connections,
        "wall_start": wall_start,
        "due_handed_out_within_s": round(last_handed - start, 3),
        "sent_within_s": round(last_sent - start, 3),
        "answered_within_s": round(last_done - start, 3),
        "statuses": dict(statuses),
        "receipt_statuses": dict(answers),
        "accepted_202": statuses.get("202", 0),
        "retries": sum(r for *_, r in rows),
        "p50_ms": percentile(latency, 50),
        "p90_ms": percentile(latency, 90),
        "p99_ms": percentile(latency, 99),
        "max_ms": max(latency) if latency else None,
        "service_p50_ms": percentile(service, 50),
        "service_p99_ms": percentile(service, 99),
        "lag_p50_ms": percentile(lag, 50),
        "lag_p99_ms": percentile(lag, 99),
        "lag_max_ms": max(lag) if lag else None,
        "waited_for_connection_p50_ms": percentile(waited, 50),
        "waited_for_connection_p99_ms": percentile(waited, 99),
    }


def _terminal(
    port: int,
    path: str,
    key: str,
    items: list[tuple[int, float, bytes, str]],
    connections: int,
    results: Any,
) -> None:
    """One voting terminal: a scheduler thread hands each ballot out when it is due; its
    connections send them. A lost answer is sent again with the same Idempotency-Key."""
    due: queue.Queue[tuple[int, float, bytes, str, float] | None] = queue.Queue()
    rows: list[tuple] = []
    lock = threading.Lock()

    def send() -> None:
        conn: http.client.HTTPConnection | None = None
        while (item := due.get()) is not None:
            i, due_at, body, idempotency_key, handed = item
            headers = {
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": idempotency_key,
            }
            sent = time.monotonic()
            status, answer, retries = "none", None, 0
            for attempt in range(4):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    raw = response.read()
                    status = str(response.status)
                    try:
                        answer = json.loads(raw).get("status") if raw else None
                    except (ValueError, AttributeError):
                        answer = None
                    if response.will_close:
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException) as exc:
                    status, retries = type(exc).__name__, attempt + 1
                    if conn is not None:
                        conn.close()
                    conn = None
            done = time.monotonic()
            with lock:
                rows.append((i, due_at, handed, sent, done, status, answer, retries))
        if conn is not None:
            conn.close()

    senders = [threading.Thread(target=send, daemon=True) for _ in range(connections)]
    for sender in senders:
        sender.start()
    for item in items:
        pause = item[1] - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        # When the scheduler hands a ballot out late, the generator lagged; when it waits
        # after that for a free connection, the terminal's connections are all held by a
        # slow server: that is the server's queue, seen from the terminal.
        due.put((*item, time.monotonic()))
    for _ in senders:
        due.put(None)
    for sender in senders:
        sender.join(120)
    results.put(rows)


# -- after the burst ---------------------------------------------------------------------------


def settled_at(system: Any, wall_start: float, expected: int, timeout: float) -> dict[str, Any]:
    """Every ballot's receipt as intake stored it: how many accepted, and when the last was."""
    deadline = time.monotonic() + timeout
    while True:
        ((count, last),) = system.sql(
            "intake",
            "SELECT count(*), max(updated_at) FROM submissions "
            "WHERE kind = 'ballot' AND status = 'accepted'",
        )
        if count >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return {
        "accepted": int(count),
        "last_settled_s": round(last.timestamp() - wall_start, 3) if last else None,
    }


def close_and_count(
    system: Any,
    vote_id: str,
    committee: str,
    ballots: list[list[str]],
    wall_start: float,
    timeout: float,
) -> dict[str, Any]:
    """Close the vote, wait for the result, and check every count against what was sent."""
    port = system.port("intake")
    closed_at = time.perf_counter()
    status, receipt = _post(port, f"/intake/v1/votes/{vote_id}/close", {}, committee, "close")
    if status != 202:
        raise RuntimeError(f"POST close answered {status}: {receipt}")
    settled = _settle(port, receipt, committee, timeout)
    counted = time.perf_counter() - closed_at
    counted_wall = time.time() - wall_start
    deadline = time.monotonic() + timeout
    pending = None
    while time.monotonic() < deadline:
        pending = system.sql("intake", "SELECT count(*) FROM outbox WHERE published_at IS NULL")
        if pending[0][0] == 0:
            break
        time.sleep(0.1)
    relayed = time.perf_counter() - closed_at
    _, vote = request_json(
        system.port("workflow"), "GET", f"/workflow/v1/public/votes/{vote_id}", None, {}
    )
    n = len(ballots)
    hand = Counter(c for b in ballots for c in b)
    tally = {c["id"]: c["votes"] for c in (vote or {}).get("candidates", [])}
    result = (vote or {}).get("result") or {}
    one = "SELECT count(*) FROM {} WHERE vote_id = %s"
    counts = {
        "register": system.sql("intake", one.format("vote_register"), vote_id)[0][0],
        "ballot_log": system.sql(
            "intake", "SELECT count(*) FROM submissions WHERE kind = 'ballot'"
        )[0][0],
        "box_left": system.sql("intake", one.format("ballot_box"), vote_id)[0][0],
        "board_ballots": system.sql("workflow", one.format("board_ballots"), vote_id)[0][0],
        "result_ballots": result.get("ballots"),
        "result_blank": result.get("blank"),
        "tally_sum": sum(tally.values()),
    }
    problems = []
    if settled.get("status") != "accepted":
        problems.append(f"close receipt {settled.get('status')}")
    for name in ("register", "ballot_log", "board_ballots", "result_ballots"):
        if counts[name] != n:
            problems.append(f"{name} {counts[name]} ≠ {n}")
    if counts["box_left"]:
        problems.append(f"{counts['box_left']} ballots left in the box")
    if counts["result_blank"] != sum(1 for b in ballots if not b):
        problems.append(f"blank {counts['result_blank']} ≠ {sum(1 for b in ballots if not b)}")
    if tally != {c["id"]: hand[c["id"]] for c in CANDIDATES}:
        problems.append(f"tally {tally} ≠ hand count {dict(hand)}")
    return {
        "close_to_counted_s": round(counted, 3),
        "first_ballot_due_to_counted_s": round(counted_wall, 3),
        "close_to_outbox_relayed_s": round(relayed, 3),
        "outbox_left_pending": pending[0][0] if pending else None,
        "counts": counts,
        "choices_sent": sum(hand.values()),
        "check": {"ok": not problems, "problems": problems},
    }


def measure(
    system: Any,
    start_hello: Any,
    *,
    deputies: int,
    rate: float,
    terminals: int,
    connections: int,
    timeout: float,
    profile: tuple[Callable[[], Any], Callable[[Any], None]] | None = None,
) -> dict[str, Any]:
    """The whole phase: seed, open, the hello limit, the burst, close and count. `profile`
    (start, finish) samples intake's API during renda's burst."""
    for service in ("intake", "workflow", "scoring", "notify"):
        if service not in system.workers:
            system.start_worker(service)
    seeded = seed(system, deputies, terminals)
    log(f"  {deputies} deputies and {terminals + 1} keys in {seeded['seconds']:.1f}s")
    roll, committee, keys = seeded["roll"], seeded["committee"], seeded["terminal_keys"]
    opened = open_vote(system, roll, committee, timeout)
    log(f"  vote {opened['vote_id']} open after {opened['open_s']:.1f}s")
    ballots = ballots_for(roll)

    hello, hello_port = start_hello()
    try:
        limit = burst(
            hello_port,
            "hello",
            roll,
            ballots,
            keys,
            rate=rate,
            connections=connections,
            tag=f"{system.prefix}-hello",
        )
    finally:
        hello.stop()
    log(f"  hello: p99 {limit['p99_ms']:.1f} ms, lag p99 {limit['lag_p99_ms']:.1f} ms")

    from bench.infra import CpuMeter

    children = {c.name: c for c, _ in (*system.apis.values(), *system.workers.values())}
    spy = profile[0]() if profile else None
    meter = CpuMeter(children)
    cast = burst(
        system.port("intake"),
        opened["vote_id"],
        roll,
        ballots,
        keys,
        rate=rate,
        connections=connections,
        tag=f"{system.prefix}-ballot",
    )
    cast["cpu"] = meter.stop()
    if profile:
        profile[1](spy)
    if cast["accepted_202"]:
        cast["intake_api_cpu_ms_per_ballot"] = (
            1000 * cast["cpu"]["cpu_s"].get("intake-api", 0.0) / cast["accepted_202"]
        )
    log(f"  renda: p99 {cast['p99_ms']:.1f} ms, lag p99 {cast['lag_p99_ms']:.1f} ms")
    cast["settled"] = settled_at(system, cast["wall_start"], deputies, timeout)
    counted = close_and_count(
        system, opened["vote_id"], committee, ballots, cast["wall_start"], timeout
    )
    return {
        "deputies": deputies,
        "seed_s": round(seeded["seconds"], 3),
        "open": opened,
        "limit_hello": limit,
        "renda": cast,
        "count": counted,
    }
