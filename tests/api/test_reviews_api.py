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


def test_a_unit_scored_at_a_supervision_meeting_hears_its_result_and_deadlines(
    shared_system: InProcessSystem,
) -> None:
    from tests.api.helpers import inbox

    s = shared_system
    committee = bearer(new_key(s, "450102", "committee"))

    def post(path: str, body: dict[str, Any]) -> Any:
        return s.client.post(
            f"/intake/v1/reviews{path}", json=body, headers={**committee, "Idempotency-Key": idem()}
        )

    meeting = {
        "model": "onsite",
        "subject": "unit",
        "unit_id": "U450102-TRANSPORT",
        "official": "区交通运输局",
        "post": "建议督办会",
        "groups": {"deputies": "100"},
    }
    assert_problem(post("", {**meeting, "unit_id": None}), 422, "unit_id")
    assert_problem(post("", {**meeting, "remind_working_days": 31}), 422, "remind_working_days")
    assert_problem(post("", {**meeting, "subject": "mayor"}), 422, "subject")
    opened = _settled(s, post("", meeting), committee)
    round_id = opened["resource"]["id"]
    ballots = {"group": "deputies", "scores": ["55", "60", "65"]}
    assert _settled(s, post(f"/{round_id}/ballots", ballots), committee)["status"] == "accepted"
    assert_problem(post(f"/{round_id}/plan_received", {"received_on": "soon"}), 422, "received_on")
    opinion = {"approved_on": "2026-05-28", "sent_to": ["government", "mayor"]}
    assert_problem(post(f"/{round_id}/opinion", opinion), 422, "sent_to.1")
    assert_problem(post(f"/{round_id}/opinion", {**opinion, "sent_to": []}), 422, "sent_to")
    rounds = s.client.get("/scoring/v1/reviews?place=450102", headers=committee).get_json()
    listed = next(r for r in rounds["items"] if r["id"] == round_id)
    assert (listed["ballots_entered"], listed["score"]) == ({"deputies": 3}, None)
    neighbour = bearer(new_key(s, "450103", "committee"))
    assert_problem(s.client.get("/scoring/v1/reviews?place=450102", headers=neighbour), 404)
    exported = s.client.get("/scoring/v1/reviews.csv?place=450102", headers=committee)
    text = exported.get_data().decode("utf-8")
    assert text.startswith("\ufeff类型,对象,职务,次数,得分,结果,后续")
    assert "督办会测评,区交通运输局,建议督办会,1,,," in text
    announced = _settled(
        s, post(f"/{round_id}/announce", {"opinion_received_on": "2026-06-01"}), committee
    )
    assert announced["status"] == "accepted", announced
    seen = s.client.get(opened["resource"]["href"], headers=committee).get_json()
    assert (seen["subject"], seen["unit_id"], seen["score"], seen["result"]) == (
        "unit",
        "U450102-TRANSPORT",
        60,
        "basically_satisfied",
    )
    assert (seen["plan_due"], seen["remind_working_days"]) == ("2026-07-01", 5)
    told = wait_for(lambda: inbox(s, "unit:U450102-TRANSPORT").get_json()["items"])
    assert any(m["subject"] == "评议结果" and "区交通运输局" in m["body"] for m in told)
    received = post(f"/{round_id}/plan_received", {"received_on": "2026-06-20"})
    assert _settled(s, received, committee)["status"] == "accepted"
    seen = s.client.get(opened["resource"]["href"], headers=committee).get_json()
    assert seen["plan_received_on"] == "2026-06-20"


def test_an_admonishing_talk_with_bad_fields_is_refused_at_the_door(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    committee = bearer(new_key(s, "450102", "committee"))
    for body, field in (
        ({"held_on": "2026-06-15"}, "held_by"),
        ({"held_on": "2026-13-01", "held_by": "陆某"}, "held_on"),
        ({"held_on": "2026-06-15", "held_by": "陆" * 121}, "held_by"),
    ):
        answer = s.client.post(
            "/intake/v1/reviews/any-round/talk",
            json=body,
            headers={**committee, "Idempotency-Key": idem()},
        )
        assert_problem(answer, 422, field)
