"""The committee runs a review round through intake; scoring settles each receipt."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import assert_problem, bearer, idem, new_key, wait_for
from tests.support.system import InProcessSystem


def _settled(s: InProcessSystem, answer: Any, headers: dict[str, str]) -> dict[str, Any]:
    assert answer.status_code == 202, answer.get_json()
    return wait_for(
        lambda: (
            (r := s.client.get(answer.get_json()["href"], headers=headers).get_json())["status"]
            != "pending"
            and r
        )
    )


def test_a_staged_round_through_intake(shared_system: InProcessSystem) -> None:
    s = shared_system
    committee = bearer(new_key(s, "450102", "committee"))

    def post(path: str, body: dict[str, Any]) -> Any:
        return s.client.post(
            f"/intake/v1/reviews{path}", json=body, headers={**committee, "Idempotency-Key": idem()}
        )

    groups = {"committee": "50", "deputies": "50"}
    opened = _settled(
        s,
        post("", {"model": "staged", "official": "韦某", "post": "局长", "groups": groups}),
        committee,
    )
    assert opened["status"] == "accepted", opened
    href = opened["resource"]["href"]
    round_id = opened["resource"]["id"]
    for bad in ("101", "59.999", "-1"):
        assert_problem(
            post(f"/{round_id}/stage", {"stage": "preliminary", "score": bad}), 422, "score"
        )
    assert_problem(post("", {"model": "staged", "official": "x", "post": "y"}), 422, "groups")
    for body in (
        {"stage": "preliminary", "score": "80"},
        {"stage": "investigation", "score": "80"},
    ):
        assert _settled(s, post(f"/{round_id}/stage", body), committee)["status"] == "accepted"
    for group, scores in (("committee", ["80", "90"]), ("deputies", ["70"])):
        ballots = post(f"/{round_id}/ballots", {"group": group, "scores": scores})
        assert _settled(s, ballots, committee)["status"] == "accepted"
    announced = post(f"/{round_id}/announce", {"opinion_received_on": "2026-06-01"})
    assert _settled(s, announced, committee)["status"] == "accepted"
    seen = s.client.get(href, headers=committee).get_json()
    # On-site: committee mean 85 × 50 + deputies 70 × 50 → 77.5; interim (8+16+38.75)/0.8.
    assert (seen["stage_scores"]["onsite"], seen["interim"], seen["interim_grade"]) == (
        "77.50",
        78.44,
        "basically_satisfied",
    )
    late = _settled(
        s, post(f"/{round_id}/ballots", {"group": "deputies", "scores": ["10"]}), committee
    )
    assert (late["status"], late["reason"]) == (
        "rejected",
        "the sitting's scores are announced already",
    )
    other = bearer(new_key(s, "450103", "committee"))
    assert_problem(s.client.get(href, headers=other), 404)
