"""After completion, constituents (on the public page, no account) and deputies (with their
key) evaluate a project's build quality and social effect (seeds/000); refused before
completion, after the congress's window, or a deputy's second; the results are public as
counts per grade and per kind of evaluator."""

from __future__ import annotations

import time
import uuid
from typing import Any

from renda.demo import deputy_id
from services.intake.store import EvaluationDoor
from services.workflow.projects.store import VoteRuleSet
from tests.support.cycle import Cycle
from tests.support.projects import an_implementing_project

GOOD = {"quality": "good", "effect": "fair", "comment": "电梯运行平稳，等候时间偏长"}


def post(cycle: Cycle, path: str, body: Any, as_: str | None = None, **headers: str) -> Any:
    sent = {"Idempotency-Key": uuid.uuid4().hex, **headers}
    return cycle.system.client.post(
        path, json=body, headers=cycle.system.headers(as_, **sent) if as_ else sent
    )


def public(cycle: Cycle, project_id: str, body: Any, address: str = "10.1.2.3") -> Any:
    return cycle.system.client.post(
        f"/intake/v1/public/projects/{project_id}/evaluations",
        json=body,
        environ_base={"REMOTE_ADDR": address},
    )


def settled(cycle: Cycle, answer: Any, as_: str = "county_system_450102") -> dict:
    """The receipt once workflow has decided (a public receipt is read with the county's
    key, as the county's system would)."""
    assert answer.status_code == 202, answer.get_json()
    return cycle.system.settled_receipt(answer.get_json()["id"], key_name=as_)


def refused(answer: Any, status: int, field: str) -> str:
    assert answer.status_code == status, answer.get_json()
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    problem = answer.get_json()
    fields = [e["field"] for e in problem.get("errors", [])] or [problem.get("field")]
    assert fields == [field], problem
    return problem.get("detail", "")


def complete(cycle: Cycle, project_id: str, committee: str) -> None:
    progress = {"period": "2027-Q2", "percent": 100}
    answer = post(cycle, f"/intake/v1/projects/{project_id}/progress", progress, committee)
    assert settled(cycle, answer, committee)["status"] == "accepted"
    intake = cycle.system.runtime("intake")
    for _ in range(200):  # the door opens when intake has taken `project.completed` in
        with intake.db.session() as session:
            if session.get(EvaluationDoor, project_id) is not None:
                return
        time.sleep(0.05)
    raise AssertionError("no evaluation door")


def test_constituents_and_deputies_evaluate_a_completed_project_once_within_the_window(
    cycle: Cycle,
) -> None:
    project_id = an_implementing_project(cycle.system)
    committee = cycle.key("committee", node="450102")
    d1 = cycle.key("deputy", deputy_id("450102", 1))
    path = f"/intake/v1/projects/{project_id}/evaluations"

    assert "completed" in refused(post(cycle, path, GOOD, d1), 422, "project_id")
    refused(public(cycle, project_id, GOOD), 422, "project_id")
    complete(cycle, project_id, committee)

    first = post(cycle, path, GOOD, d1, **{"Idempotency-Key": "eval-1"})
    assert settled(cycle, first, d1)["status"] == "accepted"
    replay = post(cycle, path, GOOD, d1, **{"Idempotency-Key": "eval-1"})
    assert replay.status_code == 202 and replay.headers["Idempotent-Replayed"] == "true"
    refused(post(cycle, path, {**GOOD, "quality": "poor"}, d1), 409, "deputy_id")
    on_behalf = {"quality": "fair", "effect": "good", "deputy_id": deputy_id("450102", 2)}
    assert settled(cycle, post(cycle, path, on_behalf, committee), committee)["status"] == (
        "accepted"
    )
    refused(post(cycle, path, {"quality": "good", "effect": "good"}, committee), 422, "deputy_id")
    refused(post(cycle, path, on_behalf, d1), 403, "deputy_id")
    stranger = {**on_behalf, "deputy_id": deputy_id("450103", 1)}  # not of this congress
    rejected = settled(cycle, post(cycle, path, stranger, committee), committee)
    assert rejected["status"] == "rejected" and rejected["field"] == "deputy_id"

    elsewhere = cycle.key("committee", node="450103")
    refused(post(cycle, path, on_behalf, elsewhere), 404, "project_id")
    other_deputy = cycle.key("deputy", deputy_id("450103", 2), node="450103")
    refused(post(cycle, path, GOOD, other_deputy), 404, "project_id")

    mine = {**GOOD, "phone": "13812341234", "name": "李阿姨"}
    answer = public(cycle, project_id, mine)
    assert settled(cycle, answer)["status"] == "accepted"
    code = answer.get_json()["public_code"]
    again = public(cycle, project_id, {**mine, "comment": "电梯运行平稳， 等候时间偏长"})
    assert again.status_code == 202 and again.get_json()["public_code"] == code  # folded
    other = public(cycle, project_id, {"quality": "poor", "effect": "poor"}, "10.9.9.9")
    assert settled(cycle, other)["status"] == "accepted"

    hostile = [
        ({**GOOD, "quality": "great"}, "quality"),
        ({"quality": "good"}, "effect"),
        ({**GOOD, "comment": "长" * 2001}, "comment"),
        ({**GOOD, "phone": "123"}, "phone"),
        ({**GOOD, "rating": 5}, "rating"),
        ({**GOOD, "effect": ["good"]}, "effect"),
    ]
    for body, field in hostile:
        refused(public(cycle, project_id, body, "10.7.7.7"), 422, field)
        refused(post(cycle, path, body, committee), 422, field)
    refused(post(cycle, path, "not an object", committee), 422, "body")

    figures = cycle.system.client.get(f"/workflow/v1/public/projects/{project_id}/evaluations")
    counts = figures.get_json()
    assert counts["constituent"] == {
        "count": 2,
        "quality": {"good": 1, "fair": 0, "poor": 1},
        "effect": {"good": 0, "fair": 1, "poor": 1},
    }
    assert counts["deputy"]["count"] == 2 and counts["deputy"]["quality"]["fair"] == 1
    assert counts["closes_on"] > counts["completed_on"]
    assert "李阿姨" not in figures.get_data(as_text=True) and "comment" not in counts
    detail = cycle.system.client.get(
        f"/workflow/v1/projects/{project_id}", headers=cycle.system.headers(committee)
    ).get_json()
    assert detail["evaluations"] == {k: counts[k] for k in ("constituent", "deputy")}
    said = [e for e in detail["evaluation_comments"] if e["comment"] == GOOD["comment"]]
    assert {e["evaluator"] for e in said} == {"deputy", "constituent"}
    assert "13812341234" not in str(detail) and "138****1234" in str(detail)
    totals = cycle.system.client.get(
        "/workflow/v1/public/projects/figures?tenant=450100&year=2027"
    ).get_json()["total"]["evaluations"]
    assert totals["constituent"]["count"] == 2 and totals["deputy"]["effect"]["good"] == 1
    missing = cycle.system.client.get(f"/workflow/v1/public/projects/{uuid.uuid4()}/evaluations")
    assert missing.status_code == 404

    cycle.advance(61)  # the default window is 60 days after completion
    d3 = cycle.key("deputy", deputy_id("450102", 3))
    assert "closed on" in refused(post(cycle, path, GOOD, d3), 422, "project_id")
    refused(public(cycle, project_id, GOOD, "10.8.8.8"), 422, "project_id")


def test_the_window_is_the_congress_s_and_a_flood_from_one_address_gets_429(
    cycle: Cycle,
) -> None:
    with cycle.system.runtime("workflow").db.transaction() as session:
        session.merge(VoteRuleSet(tenant="450102", settings={"evaluation_days": 90}))
    project_id = an_implementing_project(cycle.system)
    complete(cycle, project_id, cycle.key("committee", node="450102"))
    cycle.advance(80)
    limit = cycle.system.runtime("intake").settings.opinion_rate_per_address
    answers = [
        public(cycle, project_id, {"quality": "good", "effect": "good", "comment": f"好{n}"})
        for n in range(limit + 1)
    ]
    assert {a.status_code for a in answers[:limit]} == {202}
    assert answers[-1].status_code == 429 and int(answers[-1].headers["Retry-After"]) >= 1
