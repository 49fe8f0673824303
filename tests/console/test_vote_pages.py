"""The committee's vote pages and the voting terminal, as a person uses them: open a vote
on the approved candidates, ballots through the terminal page (limit, confirmation, a blank
page for the next deputy), close and tally, the runoff of a tie at the last seat."""

from __future__ import annotations

import re
import time
import uuid

from renda.demo import deputy_id
from services.workflow.projects.store import VoteRuleSet
from tests.console.conftest import Console, csrf

ROLL = [deputy_id("450102", n) for n in range(1, 7)]
PRESENT = ROLL[:5]


def _through_intake(console: Console, path: str, body: dict, key: str) -> dict:
    answer = console.system.client.post(
        path,
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 202, answer.get_json()
    console.system.keys["_"] = key
    receipt = console.system.settled_receipt(answer.get_json()["id"], key_name="_")
    assert receipt["status"] == "accepted", receipt
    return receipt


def _approved_candidates(console: Console) -> list[str]:
    key = console.system.runtime("intake").directory.create_key("450102", "committee")
    ids = []
    for n in range(1, 4):
        proposal = {
            "year": 2027,
            "title": f"候选项目{n}",
            "description": "背街小巷改造",
            "place": "兴宁区",
            "estimated_cost": 500_000,
            "funding_source": "区级财政",
            "channel": "station",
            "proposer": {"kind": "station", "name": "兴东街道代表联络站"},
        }
        project = _through_intake(console, "/intake/v1/projects", proposal, key)["resource"]["id"]
        steps = [
            ("screen", {"station": "兴东街道代表联络站", "note": "已核实"}),
            ("consult", {"unit_ids": ["U450102-HOUSING"]}),
            ("feasibility", {"unit_id": "U450102-HOUSING", "feasible": True, "note": "可行"}),
            ("shortlist", {}),
        ]
        for action, body in steps:
            _through_intake(console, f"/intake/v1/projects/{project}/{action}", body, key)
        ids.append(project)
    approval = {"year": 2027, "approved_by": ["中共兴宁区委", "兴宁区人大常委会"]}
    _through_intake(console, "/intake/v1/projects/candidate-list/approve", approval, key)
    return ids


def _form(client, path: str, data: dict) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    answer = client.post(path, data={"csrf_token": csrf(client, path), **data})
    return answer.status_code, answer.headers.get("Location", ""), answer.get_data(as_text=True)


def _terminal_ready(client, vote_id: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):  # the door opens when intake has taken `vote.opened` in
        if client.get(f"/console/votes/{vote_id}/terminal").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError("the terminal never opened")


def _vote(client, vote_id: str, deputy: str, choices: list[str]) -> str:  # type: ignore[no-untyped-def]
    path = f"/console/votes/{vote_id}/terminal"
    status, _, confirm = _form(
        client, path, {"deputy_id": deputy, "choices": choices, "step": "choose"}
    )
    assert status == 200 and "请确认您的选择" in confirm, confirm
    key = re.search(r'name="idempotency_key" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    answer = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "idempotency_key": key,
            "deputy_id": deputy,
            "choices": choices,
            "step": "cast",
        },
    )
    return (
        answer.headers.get("Location", "")
        if answer.status_code == 302
        else answer.get_data(as_text=True)
    )


def test_a_vote_from_the_committees_pages_and_the_terminal(console: Console) -> None:
    with console.system.runtime("workflow").db.transaction() as session:
        session.add(VoteRuleSet(tenant="450102", settings={"threshold_base": "present"}))
    p1, p2, p3 = _approved_candidates(console)
    client = console.client("xn.committee")
    page = client.get("/console/votes/new?year=2027").get_data(as_text=True)
    assert "候选项目1" in page and "候选项目3" in page
    status, location, _ = _form(
        client,
        "/console/votes/new",
        {
            "year": "2027",
            "title": "2027年民生实事项目票决",
            "seats": "2",
            "candidates": [p1, p2, p3],
            "roll": "\n".join(ROLL),
            "present": "\n".join(PRESENT),
        },
    )
    assert status == 302, location
    vote_id = location.rsplit("/", 1)[1]
    _terminal_ready(client, vote_id)

    terminal = f"/console/votes/{vote_id}/terminal"
    status, _, refused = _form(
        client, terminal, {"deputy_id": ROLL[0], "choices": [p1, p2, p3], "step": "choose"}
    )
    assert status == 200 and "最多选择 2 项" in refused
    ballots = [[p1, p2], [p1, p2], [p1, p3], [p1, p3], [p2, p3]]
    for deputy, choices in zip(PRESENT, ballots, strict=True):
        assert _vote(client, vote_id, deputy, choices).endswith(terminal)
        fresh = client.get(terminal)
        assert fresh.headers["Cache-Control"] == "no-store"
        text = fresh.get_data(as_text=True)
        assert not re.search(r'value="[^"]+" checked', text)  # nothing of the previous voter
        assert deputy not in text
    assert "has voted already" in _vote(client, vote_id, PRESENT[0], [p1])

    status, location, _ = _form(client, f"/console/votes/{vote_id}/close", {})
    assert status == 302
    page = client.get(f"/console/votes/{vote_id}").get_data(as_text=True)
    assert "最后一个席位得票相同" in page
    result = console.client().get(f"/console/public/votes/{vote_id}").get_data(as_text=True)
    assert re.search(r"<td>候选项目1</td><td>4</td>\s*<td>当选</td>", result)
    assert "得票相同，另行投票" in result

    status, location, _ = _form(
        client,
        f"/console/votes/{vote_id}/runoff",
        {"roll": "\n".join(ROLL), "present": "\n".join(PRESENT)},
    )
    assert status == 302 and location.rsplit("/", 1)[1] != vote_id
    runoff_id = location.rsplit("/", 1)[1]
    _terminal_ready(client, runoff_id)
    for deputy, choice in zip(PRESENT, [p2, p2, p2, p3, p3], strict=True):
        _vote(client, runoff_id, deputy, [choice])
    _form(client, f"/console/votes/{runoff_id}/close", {})
    settled = console.client().get(f"/console/public/votes/{runoff_id}").get_data(as_text=True)
    assert re.search(r"<td>候选项目2</td><td>3</td>\s*<td>当选</td>", settled)
