"""The public project pages: a vote's result with its seal, progress, the notice board."""

from __future__ import annotations

import time
import uuid

from renda.demo import deputy_id
from tests.console.conftest import Console

CANDIDATES = [{"id": f"P{n:02d}", "title": f"民生实事项目{n}"} for n in range(1, 4)]


def _post(console: Console, path: str, body: dict, key: str) -> dict:
    answer = console.system.client.post(
        path,
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 202, answer.get_json()
    receipt = answer.get_json()
    return (
        console.system.settled_receipt(receipt["id"], key_name="committee")
        if (receipt["status"] == "pending")
        else receipt
    )


def test_the_public_reads_a_votes_result_and_seal_without_signing_in(console: Console) -> None:
    directory = console.system.runtime("intake").directory
    console.system.keys["committee"] = directory.create_key("450102", "committee")
    terminal = directory.create_key("450102", "system")
    roll = [deputy_id("450102", n) for n in range(1, 11)]
    body = {
        "title": "民生实事项目票决",
        "seats": 1,
        "candidates": CANDIDATES,
        "roll": roll,
        "present": roll,
    }
    committee = console.system.keys["committee"]
    vote_id = _post(console, "/intake/v1/votes", body, committee)["resource"]["id"]
    for _ in range(300):
        if (
            console.system.client.get(
                f"/intake/v1/votes/{vote_id}", headers={"Authorization": f"Bearer {committee}"}
            ).status_code
            == 200
        ):
            break
        time.sleep(0.05)  # the door opens when intake has taken `vote.opened` in
    for n, deputy in enumerate(roll):
        choice = ["P01"] if n < 7 else ["P02"]
        ballot = {"deputy_id": deputy, "choices": choice}
        assert (
            _post(console, f"/intake/v1/votes/{vote_id}/ballots", ballot, terminal)["status"]
            == "accepted"
        )
    assert _post(console, f"/intake/v1/votes/{vote_id}/close", {}, committee)["status"] == (
        "accepted"
    )
    seal = console.system.client.get(f"/workflow/v1/public/votes/{vote_id}").get_json()["seal"]

    page = console.client().get(f"/console/public/votes/{vote_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "实到 10 人，投票 10 张" in text
    assert "<td>民生实事项目1</td><td>7</td>" in text and "当选" in text
    assert seal in text and "全部 10 张选票" in text
    for deputy in roll:
        assert deputy not in text

    listing = console.client().get("/console/public/projects?tenant=450102")
    assert listing.status_code == 200 and "民生实事项目进度公开" in listing.get_data(as_text=True)
    assert console.client().get("/console/public/votes/no-such-vote").status_code == 404
