"""A project vote (民生实事项目票决) through the public API: opening by the congress's rules,
ballots from several terminals at once, the tally against a hand count, a runoff, a second
congress with other rules, the verifiable board — and the secret kept throughout."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations
from typing import Any

import pytest

from renda.demo import deputy_id
from services.workflow.projects.domain.board import count, seal
from services.workflow.projects.store import VoteRuleSet
from tests.support.cycle import Cycle

CANDIDATES = [{"id": f"P{n:02d}", "title": f"民生实事项目{n}"} for n in range(1, 13)]
TARGETS = [90, 88, 86, 84, 82, 80, 75, 70, 70, 55, 4, 0]
"""Votes per candidate: P08 and P09 tie at the last of 8 seats; 98 ballots of 8 choices."""


def planned_ballots(ids: list[str]) -> list[list[str]]:
    """98 full ballots dealt round-robin (so no voter gets a candidate twice), then 2 blank."""
    ballots: list[list[str]] = [[] for _ in range(98)]
    turn = 0
    for candidate, votes in zip(ids, TARGETS, strict=True):
        for _ in range(votes):
            ballots[turn % 98].append(candidate)
            turn += 1
    return [*ballots, [], []]


def step(cycle: Cycle, project_id: str, action: str, body: dict, as_: str) -> dict:
    return settled(cycle, post(cycle, f"/intake/v1/projects/{project_id}/{action}", body, as_), as_)


def through_the_four_parties(cycle: Cycle) -> list[dict]:
    """14 recommendations: 12 reach the approved candidate list through 四方联荐, one is
    dropped, one stays unconsulted; returns the list's candidates."""
    committee = cycle.key("committee", node="450102")
    ids = []
    for n in range(1, 15):
        proposal = {
            "year": 2027,
            "title": f"民生实事项目{n}",
            "description": "老旧小区加装电梯及配套改造",
            "place": "兴宁区兴东街道",
            "estimated_cost": 1_200_000 + n,
            "funding_source": "区级财政",
            "channel": ("station", "qr", "deputy")[n % 3],
            "proposer": {"kind": "constituent", "name": f"居民{n}"},
        }
        receipt = settled(cycle, post(cycle, "/intake/v1/projects", proposal, committee), committee)
        assert receipt["status"] == "accepted", receipt
        ids.append(receipt["resource"]["id"])
    early = step(cycle, ids[0], "shortlist", {}, committee)
    assert early["status"] == "rejected" and "only one consulted" in early["reason"]
    for project_id in ids[:13]:
        screened = {"station": "兴东街道代表联络站", "note": "已核实并补全"}
        assert step(cycle, project_id, "screen", screened, committee)["status"] == "accepted"
    for project_id in ids[:12]:
        asked = {"unit_ids": ["U450102-HOUSING"]}
        assert step(cycle, project_id, "consult", asked, committee)["status"] == "accepted"
    housing = cycle.key("unit", "U450102-HOUSING")
    for project_id in ids[:12]:
        note = {"feasible": True, "note": "可行，纳入年度预算"}
        assert step(cycle, project_id, "feasibility", note, housing)["status"] == "accepted"
        assert step(cycle, project_id, "shortlist", {}, committee)["status"] == "accepted"
    dropped = step(cycle, ids[12], "drop", {"reason": "不属于政府职责"}, committee)
    assert dropped["status"] == "accepted"
    approval = settled(
        cycle,
        post(
            cycle,
            "/intake/v1/projects/candidate-list/approve",
            {"year": 2027, "approved_by": ["中共兴宁区委", "兴宁区人大常委会主任会议"]},
            committee,
        ),
        committee,
    )
    assert approval["status"] == "accepted", approval
    listed = cycle.system.client.get(
        approval["resource"]["href"], headers=cycle.system.headers(committee)
    ).get_json()
    assert sorted(listed["proposal_ids"]) == sorted(ids[:12])
    assert listed["approved_by"] == ["中共兴宁区委", "兴宁区人大常委会主任会议"]

    deputy = deputy_id("450102", 3)
    comment = {"deputy_id": deputy, "text": "建议同步改造排水管网"}
    assert step(cycle, ids[0], "comment", comment, committee)["status"] == "accepted"
    amended = {"plan": "加装电梯并改造排水管网", "estimated_cost": 1_500_000}
    assert step(cycle, ids[0], "amend", amended, committee)["status"] == "accepted"
    trail = cycle.system.client.get(
        f"/workflow/v1/projects/{ids[0]}", headers=cycle.system.headers(committee)
    ).get_json()
    assert [t["kind"] for t in trail["trail"]] == [
        "proposed",
        "screen",
        "consult",
        "feasibility",
        "shortlist",
        "candidate",
        "comment",
        "amend",
    ]
    assert trail["stage"] == "candidate" and trail["estimated_cost"] == 1_500_000
    public_list = cycle.system.client.get("/workflow/v1/public/projects?tenant=450102&year=2027")
    stages = Counter(p["stage"] for p in public_list.get_json()["items"])
    assert stages == {"candidate": 12, "dropped": 1, "recommended": 1}
    assert "proposer" not in public_list.get_json()["items"][0]
    return [{"id": i, "title": f"民生实事项目{n}"} for n, i in enumerate(ids[:12], start=1)]


def post(cycle: Cycle, path: str, body: dict | None, as_: str) -> Any:
    return cycle.system.client.post(
        path,
        json=body,
        headers=cycle.system.headers(as_, **{"Idempotency-Key": uuid.uuid4().hex}),
    )


def settled(cycle: Cycle, answer: Any, as_: str) -> dict:
    assert answer.status_code == 202, answer.get_json()
    return cycle.system.settled_receipt(answer.get_json()["id"], key_name=as_)


def open_vote(cycle: Cycle, county: str, body: dict, path: str = "/intake/v1/votes") -> dict:
    as_ = cycle.key("committee", node=county)
    receipt = settled(cycle, post(cycle, path, body, as_), as_)
    if receipt["status"] == "accepted":
        vote_id = receipt["resource"]["id"]
        for _ in range(300):  # the door opens when intake has taken `vote.opened` in
            door = cycle.system.client.get(
                f"/intake/v1/votes/{vote_id}", headers=cycle.system.headers(as_)
            )
            if door.status_code == 200:
                break
            cycle.system.settled_receipt(receipt["id"], key_name=as_, timeout=0.05)
    return receipt


def roll(county: str) -> list[str]:
    return [deputy_id(county, n) for n in range(1, 121)]


def vote_body(county: str, present: int = 100, candidates: list[dict] = CANDIDATES) -> dict:
    return {
        "title": "2027年度民生实事项目",
        "seats": 8,
        "candidates": candidates,
        "roll": roll(county),
        "present": roll(county)[:present],
    }


def cast(cycle: Cycle, vote_id: str, deputy: str, choices: list[str], terminal: str) -> Any:
    return post(
        cycle,
        f"/intake/v1/votes/{vote_id}/ballots",
        {"deputy_id": deputy, "choices": choices},
        terminal,
    )


def cast_all(cycle: Cycle, county: str, vote_id: str, ballots: list[list[str]]) -> None:
    """Every present deputy votes, from four terminals at once."""
    terminal = cycle.key("system", node=county)
    voters = roll(county)[: len(ballots)]

    def one(i: int) -> int:
        return cast(cycle, vote_id, voters[i], ballots[i], terminal).status_code

    with ThreadPoolExecutor(4) as terminals:
        assert set(terminals.map(one, range(len(ballots)))) == {202}


def close(cycle: Cycle, county: str, vote_id: str) -> dict:
    as_ = cycle.key("committee", node=county)
    return settled(cycle, post(cycle, f"/intake/v1/votes/{vote_id}/close", {}, as_), as_)


def public(cycle: Cycle, path: str) -> dict:
    answer = cycle.system.client.get(f"/workflow/v1/public/votes/{path}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def rows_of(cycle: Cycle, service: str) -> list[tuple[str, str]]:
    """Every row of every table of a service's database, as (table, text)."""
    url = cycle.system.runtime(service).db.engine.url
    with sqlite3.connect(url.database) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, repr(row)) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')]


def test_a_whole_vote_with_its_runoff_and_a_second_congress(
    cycle: Cycle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    candidates = through_the_four_parties(cycle)
    ids = [c["id"] for c in candidates]
    ballots = planned_ballots(ids)
    hand_count = Counter(c for b in ballots for c in b)
    opened = open_vote(cycle, "450102", vote_body("450102", candidates=candidates))
    assert opened["status"] == "accepted", opened
    vote_id = opened["resource"]["id"]
    cast_all(cycle, "450102", vote_id, ballots)
    assert close(cycle, "450102", vote_id)["status"] == "accepted"

    vote = public(cycle, vote_id)
    assert vote["state"] == "tallied"
    assert {c["id"]: c["votes"] for c in vote["candidates"]} == {c: hand_count[c] for c in ids}
    result = vote["result"]
    assert result["elected"] == ids[:7]
    assert result["runoff"] == {"candidates": sorted(ids[7:9]), "seats": 1}
    assert (result["ballots"], result["blank"], result["invalid"], result["turnout"]) == (
        100,
        2,
        0,
        100,
    )
    assert result["threshold"] == 60  # more than half of the 120 on the roll

    told: list[dict] = []
    for _ in range(100):  # notify hears of the tally on its own queue
        told = [m for m in cycle.inbox("committee:450102") if m["kind"] == "vote.tallied"]
        if told:
            break
        time.sleep(0.05)
    assert told and "当选 7 项，2 项并列需再次投票" in told[0]["body"]

    board = public(cycle, f"{vote_id}/board")
    assert count(board["ballots"]) == {c: n for c, n in hand_count.items() if n}
    assert seal(vote_id, board["ballots"]) == board["seal"] == vote["seal"]
    altered = [dict(b) for b in board["ballots"]]
    altered[0] = {**altered[0], "choices": altered[0]["choices"][:-1]}
    assert seal(vote_id, altered) != board["seal"]

    runoff = open_vote(
        cycle,
        "450102",
        {"roll": roll("450102"), "present": roll("450102")[:100]},
        path=f"/intake/v1/votes/{vote_id}/runoff",
    )
    assert runoff["status"] == "accepted", runoff
    runoff_id = runoff["resource"]["id"]
    cast_all(cycle, "450102", runoff_id, [[ids[7]]] * 65 + [[ids[8]]] * 35)
    assert close(cycle, "450102", runoff_id)["status"] == "accepted"
    settled_runoff = public(cycle, runoff_id)
    assert settled_runoff["seats"] == 1
    assert [c["id"] for c in settled_runoff["candidates"]] == ids[7:9]
    assert settled_runoff["result"]["elected"] == [ids[7]]

    # 青秀区's congress counts by those present and calls no runoff on a tie.
    with cycle.system.runtime("workflow").db.transaction() as session:
        session.add(
            VoteRuleSet(
                tenant="450103",
                settings={"threshold_base": "present", "tie_at_last_seat": "none"},
            )
        )
    other = open_vote(cycle, "450103", vote_body("450103", candidates=candidates))
    other_id = other["resource"]["id"]
    cast_all(cycle, "450103", other_id, ballots)
    assert close(cycle, "450103", other_id)["status"] == "accepted"
    other_result = public(cycle, other_id)["result"]
    assert other_result["threshold"] == 50
    assert other_result["elected"] == ids[:7]
    assert other_result["runoff"] is None
    assert public(cycle, vote_id)["result"] == result  # one congress's rules, its own result

    # The government plans an elected project, a deputies' group supervises, the unit reports.
    committee = cycle.key("committee", node="450102")
    plan = {
        "unit_id": "U450102-HOUSING",
        "targets": "完成12个老旧小区电梯加装",
        "milestones": [{"name": "完成招标", "due": "2026-06-30"}],
        "budget": 3_000_000,
        "funding_source": "区级财政",
        "deadline": "2026-12-31",
    }
    assert step(cycle, ids[0], "plan", plan, committee)["status"] == "accepted"
    assert step(cycle, ids[9], "plan", plan, committee)["status"] == "rejected"  # not elected
    tasks = {"tasks": {deputy_id("450102", 5): "跟踪招标", deputy_id("450102", 6): "跟踪施工"}}
    assert step(cycle, ids[0], "supervise", tasks, committee)["status"] == "accepted"
    housing = cycle.key("unit", "U450102-HOUSING")
    report = {"period": "2026-Q1", "percent": 10, "note": "完成设计"}
    assert step(cycle, ids[0], "progress", report, housing)["status"] == "accepted"
    cycle.advance(150)  # by August, 10% is well behind a plan that runs to December
    progress = cycle.system.client.get("/workflow/v1/public/projects?tenant=450102&year=2027")
    rows = {p["id"]: p for p in progress.get_json()["items"]}
    assert rows[ids[0]]["stage"] == "implementing" and rows[ids[0]]["behind_schedule"]
    assert rows[ids[0]]["progress_percent"] == 10
    assert {rows[i]["stage"] for i in ids[1:8]} == {"elected"}
    notice = cycle.system.client.get(f"/workflow/v1/public/projects/{ids[0]}/notice")
    assert notice.status_code == 200
    assert notice.get_json()["investment"] == 3_000_000
    assert notice.get_json()["responsible_unit"].endswith("住房和城乡建设局")
    done = {"period": "2026-08", "percent": 100}
    assert step(cycle, ids[0], "progress", done, housing)["status"] == "accepted"

    # At the next session the deputies measure their satisfaction with a project, secretly.
    measured = open_vote(
        cycle,
        "450102",
        {"roll": roll("450102"), "present": roll("450102")[:100]},
        path=f"/intake/v1/votes/satisfaction/{ids[0]}",
    )
    assert measured["status"] == "accepted", measured
    measured_id = measured["resource"]["id"]
    opinions = [["satisfied"]] * 50 + [["basically"]] * 1 + [["dissatisfied"]] * 48 + [[]]
    cast_all(cycle, "450102", measured_id, opinions)
    assert close(cycle, "450102", measured_id)["status"] == "accepted"
    measured_vote = public(cycle, measured_id)
    assert measured_vote["kind"] == "satisfaction" and measured_vote["project_id"] == ids[0]
    assert measured_vote["result"]["verdict"] == "basically"  # 50 of 100 is not more than half
    not_a_candidate = open_vote(
        cycle,
        "450102",
        {"roll": roll("450102"), "present": roll("450102")[:100]},
        path=f"/intake/v1/votes/satisfaction/{uuid.uuid4()}",
    )
    assert not_a_candidate["status"] == "rejected"

    for node in ("450102", "450100"):  # the county, and the city adding up its counties
        figures = cycle.system.client.get(
            f"/workflow/v1/public/projects/figures?tenant={node}&year=2027"
        ).get_json()
        expected = {"voted": 8, "completed": 1, "on_time": 1, "basically": 1}
        assert figures["total"].pop("evaluations")["deputy"]["count"] == 0  # none evaluated
        assert figures["total"] == {"satisfied": 0, "dissatisfied": 0, **expected}
        figures["total"]["evaluations"] = figures["congresses"][0]["evaluations"]
        assert figures["congresses"] == [{"tenant": "450102", **figures["total"]}]

    _assert_nothing_links_a_deputy_to_a_choice(cycle, ballots, caplog)


def test_the_boards_stored_order_says_nothing_about_who_voted_when(cycle: Cycle) -> None:
    """Stored order (no ORDER BY) of the board against the order the deputies voted in,
    with every ballot distinct so that each one's place can be found."""
    ballots = [list(c) for c in combinations([c["id"] for c in CANDIDATES], 4)][::4][:100]
    vote_id = open_vote(cycle, "450102", vote_body("450102"))["resource"]["id"]
    cast_all(cycle, "450102", vote_id, ballots)
    assert close(cycle, "450102", vote_id)["status"] == "accepted"
    url = cycle.system.runtime("workflow").db.engine.url
    with sqlite3.connect(url.database) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(board_ballots)")]
        stored = [
            tuple(json.loads(c))
            for (c,) in db.execute(
                "SELECT choices FROM board_ballots WHERE vote_id = ?", (vote_id,)
            )
        ]
    assert set(columns) == {"vote_id", "ballot_id", "choices"}  # no time, no serial, no voter
    place = {b: i for i, b in enumerate(stored)}
    places = [place[tuple(b)] for b in ballots]
    assert places != sorted(places)
    n = len(places)
    spearman = 1 - 6 * sum((p - i) ** 2 for i, p in enumerate(places)) / (n * (n * n - 1))
    assert abs(spearman) < 0.4, spearman  # random order: |rho| < 0.4 but once in ~10^4


def _assert_nothing_links_a_deputy_to_a_choice(
    cycle: Cycle, ballots: list[list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    deputies = roll("450102") + roll("450103")
    choice_lists = {json.dumps(b) for b in ballots if b} | {repr(b) for b in ballots if b}
    for service in ("intake", "workflow"):
        for table, row in rows_of(cycle, service):
            if any(d in row for d in deputies):
                assert not any(c in row for c in choice_lists), (service, table, row)
    for record in caplog.records:
        line = record.getMessage()
        if any(d in line for d in deputies):
            assert not any(c in line for c in choice_lists), line
    emptied = not {"ballot_pool", "ballot_box"} & {table for table, _ in rows_of(cycle, "intake")}
    assert emptied, "the box is emptied when the vote closes"


def test_refusals_say_why_and_store_nothing(cycle: Cycle) -> None:
    committee = cycle.key("committee", node="450102")
    no_quorum = open_vote(cycle, "450102", vote_body("450102", present=80))
    assert no_quorum["status"] == "rejected"
    assert "no quorum" in no_quorum["reason"] and no_quorum["field"] == "present"
    as_many = open_vote(cycle, "450102", vote_body("450102", candidates=CANDIDATES[:8]))
    assert as_many["status"] == "rejected" and "差额" in as_many["reason"]

    terminal = cycle.key("system", node="450102")
    before = cast(cycle, str(uuid.uuid4()), deputy_id("450102", 1), ["P01"], terminal)
    assert before.status_code == 409 and "not open" in before.get_json()["detail"]

    vote_id = open_vote(cycle, "450102", vote_body("450102"))["resource"]["id"]
    first = deputy_id("450102", 1)
    refusals = {
        "too many": (first, [c["id"] for c in CANDIDATES[:9]], 422, "at most 8"),
        "stranger": (first, ["P99"], 422, "Not a candidate"),
        "twice": (first, ["P01", "P01"], 422, "chosen twice"),
        "absent": (deputy_id("450102", 101), ["P01"], 422, "not present"),
    }
    for deputy, choices, status, why in refusals.values():
        answer = cast(cycle, vote_id, deputy, choices, terminal)
        assert answer.status_code == status and why in answer.get_json()["detail"]
    assert cast(cycle, vote_id, first, ["P01"], terminal).status_code == 202
    again = cast(cycle, vote_id, first, ["P02"], terminal)
    assert again.status_code == 409 and "voted already" in again.get_json()["detail"]
    assert close(cycle, "450102", vote_id)["status"] == "accepted"
    # Closed comes first, whoever asks: one who voted, one absent, one with a bad ballot.
    for deputy, choices in ((2, ["P01"]), (1, ["P01"]), (101, ["P01"]), (3, ["P99"])):
        after = cast(cycle, vote_id, deputy_id("450102", deputy), choices, terminal)
        assert after.status_code == 409 and after.get_json()["detail"] == "This vote is closed."
    again_close = post(cycle, f"/intake/v1/votes/{vote_id}/close", {}, committee)
    assert again_close.status_code == 409

    vote = public(cycle, vote_id)
    assert vote["result"]["ballots"] == 1 and vote["candidates"][0]["votes"] == 1
    kinds = Counter(
        row.split(",")[1].strip(" '")
        for table, row in rows_of(cycle, "intake")
        if table == "submissions"
    )
    assert kinds["ballot"] == 1, kinds  # the refused ballots left no submission behind


def test_a_tracker_only_where_the_congress_turned_it_on_and_never_stored(cycle: Cycle) -> None:
    with cycle.system.runtime("workflow").db.transaction() as session:
        session.add(VoteRuleSet(tenant="450103", settings={"tracker": True}))
    tracked = open_vote(cycle, "450103", vote_body("450103"))["resource"]["id"]
    untracked = open_vote(cycle, "450102", vote_body("450102"))["resource"]["id"]
    answer = cast(
        cycle, tracked, deputy_id("450103", 1), ["P03"], cycle.key("system", node="450103")
    )
    tracker = answer.get_json()["tracker"]
    plain = cast(
        cycle, untracked, deputy_id("450102", 1), ["P03"], cycle.key("system", node="450102")
    )
    assert "tracker" not in plain.get_json()
    for table, row in rows_of(cycle, "intake"):
        assert tracker not in row or table in ("ballot_pool", "ballot_box"), (table, row)
    close(cycle, "450103", tracked)
    board = public(cycle, f"{tracked}/board")["ballots"]
    assert {"ballot_id": tracker, "choices": ["P03"]} in board


def _intake_count(cycle: Cycle, sql: str, *params: str) -> int:
    url = cycle.system.runtime("intake").db.engine.url
    with sqlite3.connect(url.database) as db:
        return int(db.execute(sql, params).fetchone()[0])


def test_a_cast_that_dies_before_it_commits_leaves_nothing_and_its_retry_counts_once(
    cycle: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register, the pool and the submission are one transaction: a process that dies
    after writing the register and the pool has written neither, so the terminal's retry
    with the same key is the deputy's one ballot."""
    import services.intake.api.votes as door

    vote_id = open_vote(cycle, "450102", vote_body("450102"))["resource"]["id"]
    terminal = cycle.key("system", node="450102")
    deputy = deputy_id("450102", 7)
    body = {"deputy_id": deputy, "choices": ["P04", "P05"]}
    headers = cycle.system.headers(terminal, **{"Idempotency-Key": "terminal-3-ballot-7"})
    path = f"/intake/v1/votes/{vote_id}/ballots"
    pooled = door.into_the_pool

    def dies(*args: Any, **kwargs: Any) -> Any:
        pooled(*args, **kwargs)
        raise SystemExit("the intake process is killed mid-cast")

    monkeypatch.setattr(door, "into_the_pool", dies)
    with pytest.raises(SystemExit):
        cycle.system.client.post(path, json=body, headers=headers)
    monkeypatch.undo()
    register = "SELECT count(*) FROM vote_register WHERE vote_id = ?"
    assert _intake_count(cycle, register, vote_id) == 0
    assert _intake_count(cycle, "SELECT count(*) FROM submissions WHERE kind = 'ballot'") == 0

    retried = cycle.system.client.post(path, json=body, headers=headers)
    assert retried.status_code == 202 and retried.get_json()["status"] == "accepted"
    again = cycle.system.client.post(path, json=body, headers=headers)  # the answer lost again
    assert again.get_json()["id"] == retried.get_json()["id"]
    assert close(cycle, "450102", vote_id)["status"] == "accepted"
    result = public(cycle, vote_id)
    assert result["result"]["ballots"] == 1
    assert {c["id"]: c["votes"] for c in result["candidates"] if c["votes"]} == {
        "P04": 1,
        "P05": 1,
    }


def test_a_vote_closed_during_a_ballot_burst_counts_or_refuses_each_ballot(cycle: Cycle) -> None:
    """Ballots in flight when the committee closes: each is counted (202) or refused as
    closed (409, a problem naming the vote), none lost, and the register = the ballots."""
    vote_id = open_vote(cycle, "450102", vote_body("450102"))["resource"]["id"]
    terminal = cycle.key("system", node="450102")
    voters = roll("450102")[:100]
    choices = {
        d: [CANDIDATES[i % 12]["id"], CANDIDATES[(i + 5) % 12]["id"]] for i, d in enumerate(voters)
    }
    closing = threading.Event()
    closed = threading.Event()

    returned = Counter[str]()
    lock = threading.Lock()

    def one(i: int) -> Any:
        if i >= 90:
            closed.wait(30)  # the last ten arrive after the door has shut
        answer = cast(cycle, vote_id, voters[i], choices[voters[i]], terminal)
        with lock:
            returned["answers"] += 1
            if returned["answers"] == 30:
                closing.set()  # the committee presses "close" while 70 ballots are coming
        return answer

    with ThreadPoolExecutor(6) as terminals:
        answers = terminals.map(one, range(100))
        assert closing.wait(30)
        committee = cycle.key("committee", node="450102")
        closing_answer = post(cycle, f"/intake/v1/votes/{vote_id}/close", {}, committee)
        closed.set()
        answers = list(answers)
    assert settled(cycle, closing_answer, committee)["status"] == "accepted"

    counted = [d for d, a in zip(voters, answers, strict=True) if a.status_code == 202]
    refused = [a for a in answers if a.status_code != 202]
    assert len(counted) >= 30 and len(refused) >= 10
    for answer in refused:
        problem = answer.get_json()
        assert answer.status_code == 409, problem
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        assert problem["detail"] == "This vote is closed."
        assert [e["field"] for e in problem["errors"]] == ["vote_id"]
    assert all(a.get_json()["status"] == "accepted" for a in answers if a.status_code == 202)

    vote = public(cycle, vote_id)
    hand_count = Counter(c for d in counted for c in choices[d])
    assert {c["id"]: c["votes"] for c in vote["candidates"]} == {
        c["id"]: hand_count[c["id"]] for c in CANDIDATES
    }
    assert vote["result"]["ballots"] == len(counted)
    register = "SELECT count(*) FROM vote_register WHERE vote_id = ?"
    assert _intake_count(cycle, register, vote_id) == len(counted)
    ballot_log = "SELECT count(*) FROM submissions WHERE kind = 'ballot'"
    assert _intake_count(cycle, ballot_log) == len(counted)  # a refused ballot left no trace
