"""The secret ballot's door on PostgreSQL, with real concurrency: casts of one vote run side
by side (the door FOR SHARE, the pool in shards), so what SQLite's one writer made trivially
true is checked here (docs/adr/0012-secret-ballot.md): a deputy's second ballot racing the
first is refused like any other; ballots in flight at the close are counted or refused;
and after a burst no transaction id points at fewer than POOL_SIZE ballots."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from runtime.clock import FixedClock
from services.intake.domain.ballots import MAX_SHARDS, POOL_SIZE
from tests.acceptance.test_project_vote import (
    CANDIDATES,
    cast,
    close,
    open_vote,
    post,
    public,
    settled,
    vote_body,
)
from tests.support.cycle import START, Cycle
from tests.support.infra import PostgresDatabases, run_id
from tests.support.system import start_in_process

pytestmark = pytest.mark.integration
COUNTY = "450102"


@pytest.fixture
def on_postgres(infrastructure: None, tmp_path: Path) -> Iterator[tuple[Cycle, PostgresDatabases]]:
    databases = PostgresDatabases(f"vt{run_id()}")
    databases.create()
    clock = FixedClock(START)
    running = start_in_process(tmp_path / "var", clock=clock, database_url=databases.url)
    try:
        yield Cycle(running, clock), databases
    finally:
        running.stop()
        databases.drop()


def _open(cycle: Cycle, deputies: int) -> tuple[str, list[str]]:
    """A vote of `deputies` deputies, all present (added to the directory past the demo's)."""
    directory = cycle.system.runtime("intake").directory
    voters = [f"D{COUNTY}-T{n:04d}" for n in range(deputies)]
    for deputy in voters:
        directory.add_deputy(deputy, COUNTY, "代表", "county")
    body = {**vote_body(COUNTY), "roll": voters, "present": voters}
    opened = open_vote(cycle, COUNTY, body)
    assert opened["status"] == "accepted", opened
    return opened["resource"]["id"], voters


def _choices(i: int) -> list[str]:
    return sorted({CANDIDATES[i % 12]["id"], CANDIDATES[(i * 7 + 3) % 12]["id"]})


def test_a_deputys_ballots_cast_at_the_same_moment_count_once_the_rest_refused(
    on_postgres: tuple[Cycle, PostgresDatabases],
) -> None:
    """Six terminals send one deputy's ballot at once (each its own choice and
    Idempotency-Key): the second to
    reach the register waits on its key for the first and is refused, 409, as voted already
    (a problem naming the deputy), never a 500 — for each of 20 deputies."""
    cycle, _ = on_postgres
    vote_id, voters = _open(cycle, 20)
    terminal = cycle.key("system", node=COUNTY)
    answers: dict[str, list[Any]] = {}
    for deputy in voters:
        start = threading.Barrier(6)

        def one(t: int, deputy: str = deputy, start: threading.Barrier = start) -> Any:
            start.wait(10)
            return cast(cycle, vote_id, deputy, [f"P0{t + 1}"], terminal)

        with ThreadPoolExecutor(6) as pool:
            answers[deputy] = list(pool.map(one, range(6)))
    for deputy, theirs in answers.items():
        assert Counter(a.status_code for a in theirs) == {202: 1, 409: 5}, deputy
        for refused in (a for a in theirs if a.status_code == 409):
            problem = refused.get_json()
            assert refused.headers["Content-Type"].startswith("application/problem+json")
            assert problem["detail"] == f"Deputy {deputy} has voted already.", problem
            assert [e["field"] for e in problem["errors"]] == ["deputy_id"]
    assert close(cycle, COUNTY, vote_id)["status"] == "accepted"
    assert public(cycle, vote_id)["result"]["ballots"] == 20


def test_ballots_in_flight_at_the_close_are_each_counted_or_refused_as_closed(
    on_postgres: tuple[Cycle, PostgresDatabases],
) -> None:
    """The close's FOR UPDATE on the door waits for the casts holding it FOR SHARE, and the
    casts after it see the door shut: each ballot is counted (202) or refused as closed."""
    cycle, databases = on_postgres
    vote_id, voters = _open(cycle, 300)
    terminal = cycle.key("system", node=COUNTY)
    committee = cycle.key("committee", node=COUNTY)
    answered = threading.Semaphore(0)

    def one(i: int) -> Any:
        answer = cast(cycle, vote_id, voters[i], _choices(i), terminal)
        answered.release()
        return answer

    with ThreadPoolExecutor(8) as terminals:
        answers = terminals.map(one, range(300))
        for _ in range(150):
            assert answered.acquire(timeout=60)
        closing = post(cycle, f"/intake/v1/votes/{vote_id}/close", {}, committee)
        answers = list(answers)
    closed = settled(cycle, closing, committee)
    assert closed["status"] == "accepted", closed["reason"]

    counted = [i for i, a in enumerate(answers) if a.status_code == 202]
    refused = [a for a in answers if a.status_code != 202]
    assert len(counted) >= 150 and len(counted) + len(refused) == 300
    for answer in refused:
        problem = answer.get_json()
        assert answer.status_code == 409, problem
        assert problem["detail"] == "This vote is closed."
    vote = public(cycle, vote_id)
    assert vote["result"]["ballots"] == len(counted)
    hand_count = Counter(c for i in counted for c in _choices(i))
    assert {c["id"]: c["votes"] for c in vote["candidates"]} == {
        c["id"]: hand_count[c["id"]] for c in CANDIDATES
    }
    register = "select count(*) from vote_register where vote_id = %s"
    assert databases.query("intake", register, vote_id) == [(len(counted),)]
    ballot_log = "select count(*) from submissions where kind = 'ballot'"
    assert databases.query("intake", ballot_log) == [(len(counted),)]


def test_after_a_burst_no_transaction_id_points_at_fewer_than_a_pools_worth_of_ballots(
    on_postgres: tuple[Cycle, PostgresDatabases],
) -> None:
    """600 ballots from 8 terminals: the pool has split into shards, each holding POOL_SIZE
    to twice that; every register row has its own xmin, and the ballots under any one xmin
    of the pool or the box are at least POOL_SIZE (docs/adr/0012-secret-ballot.md)."""
    cycle, databases = on_postgres
    vote_id, voters = _open(cycle, 600)
    terminal = cycle.key("system", node=COUNTY)
    with ThreadPoolExecutor(8) as terminals:
        statuses = Counter(
            terminals.map(
                lambda i: cast(cycle, vote_id, voters[i], _choices(i), terminal).status_code,
                range(600),
            )
        )
    assert statuses == {202: 600}

    query = databases.query
    registered = query(
        "intake",
        "select xmin::text, count(*) from vote_register where vote_id = %s group by xmin",
        vote_id,
    )
    assert len(registered) == 600 and {n for _, n in registered} == {1}
    shards = [
        n
        for (n,) in query(
            "intake",
            "select json_array_length(ballots) from ballot_pool where vote_id = %s",
            vote_id,
        )
    ]
    assert 2 <= len(shards) <= MAX_SHARDS, shards
    assert all(POOL_SIZE <= n < 2 * POOL_SIZE for n in shards), shards
    by_xmin = query(
        "intake",
        "select xmin::text, sum(n) from (select xmin, json_array_length(ballots) n "
        "from ballot_pool where vote_id = %s union all select xmin, 1 from ballot_box "
        "where vote_id = %s) rows group by xmin",
        vote_id,
        vote_id,
    )
    assert min(n for _, n in by_xmin) >= POOL_SIZE, by_xmin
    boxed = query("intake", "select count(*) from ballot_box where vote_id = %s", vote_id)
    assert sum(shards) + boxed[0][0] == 600


def _cast_with(cycle: Cycle, vote_id: str, body: dict, terminal: str, key: str) -> Any:
    headers = cycle.system.headers(terminal, **{"Idempotency-Key": key})
    return cycle.system.client.post(
        f"/intake/v1/votes/{vote_id}/ballots", json=body, headers=headers
    )


def test_on_postgres_refusals_say_why_in_order_and_store_nothing_and_a_repeat_is_replayed(
    on_postgres: tuple[Cycle, PostgresDatabases],
) -> None:
    """The cast's one statement (docs/adr/0012-secret-ballot.md) keeps every answer of the
    door: bad ballots, the absent and the second ballot refused with nothing written; the
    terminal's repeat of a ballot answered with its first receipt, a key reused for
    another deputy refused; after the close, "closed" whoever asks."""
    cycle, databases = on_postgres
    vote_id, voters = _open(cycle, 120)
    terminal = cycle.key("system", node=COUNTY)
    first = voters[0]
    refusals = (
        (first, [c["id"] for c in CANDIDATES[:9]], 422, "at most 8"),
        (first, ["P99"], 422, "Not a candidate"),
        (first, ["P01", "P01"], 422, "chosen twice"),
        (f"D{COUNTY}-X0001", ["P01"], 422, "not present"),
    )
    refusals += (
        # Odd Unicode: a right-to-left override in an id, a candidate id in full-width.
        (f"D{COUNTY}-\u202eT0000", ["P01"], 422, "U+202E (right-to-left override)"),
        (first, ["Ｐ01"], 422, "Not a candidate"),
    )
    for deputy, choices, status, why in refusals:
        answer = cast(cycle, vote_id, deputy, choices, terminal)
        assert answer.status_code == status and why in answer.get_json()["detail"]
    # Another county's terminal does not see this vote at all.
    elsewhere = cast(cycle, vote_id, first, ["P01"], cycle.key("system", node="450103"))
    assert elsewhere.status_code == 409 and "not open" in elsewhere.get_json()["detail"]

    body = {"deputy_id": first, "choices": ["P01", "P02"]}
    taken = _cast_with(cycle, vote_id, body, terminal, "terminal-1-ballot-1")
    assert taken.status_code == 202 and "tracker" not in taken.get_json()
    repeat = _cast_with(cycle, vote_id, body, terminal, "terminal-1-ballot-1")
    assert repeat.status_code == 202 and repeat.get_json()["id"] == taken.get_json()["id"]
    assert repeat.headers.get("Idempotent-Replayed") == "true"
    other = {"deputy_id": voters[1], "choices": ["P03"]}
    reused = _cast_with(cycle, vote_id, other, terminal, "terminal-1-ballot-1")
    assert reused.status_code == 422 and reused.get_json()["title"] == "Idempotency-Key reused"
    again = cast(cycle, vote_id, first, ["P03"], terminal)
    assert again.status_code == 409 and "voted already" in again.get_json()["detail"]
    again_bad = cast(cycle, vote_id, first, ["P99"], terminal)
    assert again_bad.status_code == 409 and "voted already" in again_bad.get_json()["detail"]

    counts = (
        "select (select count(*) from vote_register where vote_id = %s), "
        "(select sum(json_array_length(ballots)) from ballot_pool where vote_id = %s), "
        "(select count(*) from submissions where kind = 'ballot')"
    )
    assert databases.query("intake", counts, vote_id, vote_id) == [(1, 1, 1)]
    assert close(cycle, COUNTY, vote_id)["status"] == "accepted"
    for deputy, choices in ((first, ["P01"]), (voters[2], ["P01"]), (f"D{COUNTY}-X0001", ["P01"])):
        after = cast(cycle, vote_id, deputy, choices, terminal)
        assert after.status_code == 409 and after.get_json()["detail"] == "This vote is closed."
    vote = public(cycle, vote_id)
    assert vote["result"]["ballots"] == 1
    assert {c["id"]: c["votes"] for c in vote["candidates"] if c["votes"]} == {"P01": 1, "P02": 1}


def test_on_postgres_a_cast_that_dies_before_letting_a_full_shard_out_is_counted_once(
    on_postgres: tuple[Cycle, PostgresDatabases], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ballot that fills the shard to twice POOL_SIZE is kept by its statement; the
    process dies before letting the shard out; the terminal's repeat is answered with the
    same receipt, and the next cast into the full shard lets it out."""
    import services.intake.api.votes as door

    cycle, databases = on_postgres
    vote_id, voters = _open(cycle, 2 * POOL_SIZE + 1)
    terminal = cycle.key("system", node=COUNTY)
    for i in range(2 * POOL_SIZE - 1):
        assert cast(cycle, vote_id, voters[i], _choices(i), terminal).status_code == 202
    shards = "select json_array_length(ballots) from ballot_pool where vote_id = %s"
    assert databases.query("intake", shards, vote_id) == [(2 * POOL_SIZE - 1,)]

    def dies(*args: Any) -> None:
        raise SystemExit("the intake process is killed before letting the shard out")

    monkeypatch.setattr(door, "_let_out", dies)
    last = 2 * POOL_SIZE - 1
    body = {"deputy_id": voters[last], "choices": _choices(last)}
    with pytest.raises(SystemExit):
        _cast_with(cycle, vote_id, body, terminal, "the-full-one")
    monkeypatch.undo()
    assert databases.query("intake", shards, vote_id) == [(2 * POOL_SIZE,)]
    repeat = _cast_with(cycle, vote_id, body, terminal, "the-full-one")
    assert repeat.status_code == 202 and repeat.headers.get("Idempotent-Replayed") == "true"

    after = 2 * POOL_SIZE
    assert cast(cycle, vote_id, voters[after], _choices(after), terminal).status_code == 202
    sizes = sorted(n for (n,) in databases.query("intake", shards, vote_id))
    assert sizes == [POOL_SIZE, POOL_SIZE + 1]
    assert close(cycle, COUNTY, vote_id)["status"] == "accepted"
    vote = public(cycle, vote_id)
    assert vote["result"]["ballots"] == 2 * POOL_SIZE + 1
    hand_count = Counter(c for i in range(2 * POOL_SIZE + 1) for c in _choices(i))
    assert {c["id"]: c["votes"] for c in vote["candidates"]} == {
        c["id"]: hand_count[c["id"]] for c in CANDIDATES
    }
