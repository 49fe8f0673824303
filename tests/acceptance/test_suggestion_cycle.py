"""Every path of a suggestion (docs/domain.md §1), driven through intake as people would."""

from __future__ import annotations

from tests.support.cycle import Cycle

LEAD, CO = "D450102-001", "D450102-002"
SYSTEM = "county_system_450102"


def test_accepted_assigned_replied_a_satisfied_closed(cycle: Cycle) -> None:
    sid = cycle.file()  # education → 教育局, co-signed by D450102-002
    s = cycle.get(sid)
    assert (s["state"], s["lead_unit_id"], s["deadline"]) == (
        "assigned",
        "U450102-EDU",
        "2026-06-02",
    )
    assert s["number"] == "450102-2026-0001"

    cycle.advance(10)
    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    s = cycle.get(sid)
    assert (s["state"], s["reply_class"], s["replied_on_time"]) == ("replied", "A", True)
    assert s["evaluation_closes"] == "2026-04-11"
    assert any(m["kind"] == "evaluation.requested" for m in cycle.inbox(f"deputy:{LEAD}"))

    cycle.rate(sid, LEAD, "satisfied", "satisfied")
    assert cycle.get(sid)["state"] == "replied"  # the co-signer has not rated yet
    cycle.rate(sid, CO, "satisfied", "satisfied")
    s = cycle.get(sid)
    assert s["state"] == "closed"
    assert s["done_at"] is not None  # an A reply is done when closed
    assert s["final_result"] == "satisfied"
    cycle.settle()
    assert any(m["kind"] == "suggestion.closed" for m in cycle.inbox(f"deputy:{CO}"))


def test_b_reply_is_followed_up_until_done(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.handle_and_reply(sid, "U450102-EDU", "B")
    cycle.rate(sid, LEAD, "satisfied", "satisfied")
    cycle.rate(sid, CO, "satisfied", "satisfied")
    s = cycle.get(sid)
    assert s["state"] == "closed" and s["done_at"] is None
    assert s["follow_up_deadline"] == "2026-09-02"

    other_unit = cycle.key("unit", "U450102-HEALTH")
    refused = cycle.refused(sid, "report_done", {"note": "完成"}, as_=other_unit)
    assert "did not lead" in refused["reason"]
    cycle.advance(60)
    cycle.ok(sid, "report_done", {"note": "新校已开工"}, as_=cycle.key("unit", "U450102-EDU"))
    assert cycle.get(sid)["done_at"].startswith("2026-05-01")
    again = cycle.refused(sid, "report_done", {}, as_=cycle.key("unit", "U450102-EDU"))
    assert "already reported done" in again["reason"]


def test_dissatisfied_leads_to_a_meeting_and_a_second_assignment(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.handle_and_reply(sid, "U450102-EDU", "C")
    cycle.rate(sid, LEAD, "basically_satisfied", "dissatisfied")
    cycle.rate(sid, CO, "satisfied", "satisfied")
    s = cycle.get(sid)
    assert s["state"] == "awaiting_meeting"
    assert s["final_result"] == "dissatisfied"
    cycle.settle()
    assert any(m["kind"] == "evaluation.below_satisfied" for m in cycle.inbox("committee:450102"))

    cycle.advance(7)
    cycle.ok(sid, "second_assign", {"meeting_note": "知情议政会，分管领导到场"}, as_=SYSTEM)
    s = cycle.get(sid)
    assert (s["state"], s["round"], s["second_assignments"]) == ("assigned", 2, 1)
    assert s["deadline"] == "2026-04-09"  # one month from 9 March
    assert [a["status"] for a in s["assignments"]] == ["ended", "active"]
    assert len(s["meetings"]) == 1
    cycle.settle()
    assert any(m["subject"].startswith("二次交办") for m in cycle.inbox("unit:U450102-EDU"))
    assert any(m["kind"] == "suggestion.second_assignment" for m in cycle.inbox(f"deputy:{LEAD}"))

    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    cycle.rate(sid, LEAD, "satisfied", "satisfied")
    cycle.rate(sid, CO, "satisfied", "satisfied")
    s = cycle.get(sid)
    assert s["state"] == "closed" and s["final_result"] == "satisfied"
    third = cycle.refused(
        sid,
        "evaluate",
        {"attitude": "satisfied", "result": "satisfied"},
        as_=cycle.key("deputy", LEAD),
    )
    assert "closed" in third["reason"]


def test_the_second_assignment_limit_closes_a_still_dissatisfied_suggestion(cycle: Cycle) -> None:
    sid = cycle.file(cosigner_ids=[])
    cycle.handle_and_reply(sid, "U450102-EDU", "C")
    cycle.rate(sid, LEAD, "dissatisfied", "dissatisfied")
    cycle.ok(sid, "second_assign", {"meeting_note": "面谈"}, as_=SYSTEM)
    cycle.handle_and_reply(sid, "U450102-EDU", "C")
    cycle.rate(sid, LEAD, "dissatisfied", "dissatisfied")
    s = cycle.get(sid)
    assert s["state"] == "closed" and s["second_assignments"] == 1
    assert s["final_result"] == "dissatisfied"


def test_returned_by_screening_after_a_negative_list_flag(cycle: Cycle) -> None:
    sid = cycle.file(body="本人涉及诉讼案件，请求人大协调。")
    s = cycle.get(sid)
    assert s["state"] == "submitted"
    assert s["screening_flags"] == ["negative list: 诉讼"]
    assert cycle.points(LEAD) == 0

    unit_key = cycle.key("unit", "U450102-EDU")
    answer = cycle.system.client.post(
        f"/intake/v1/suggestions/{sid}/screen",
        json={"decision": "return", "reason": "x"},
        headers=cycle.system.headers(unit_key, **{"Idempotency-Key": "unit-screens"}),
    )
    assert answer.status_code == 403  # a unit does not screen; intake says so at once
    assert answer.content_type == "application/problem+json"
    cycle.ok(sid, "screen", {"decision": "return", "reason": "属于涉诉事项"}, as_=SYSTEM)
    s = cycle.get(sid)
    assert (s["state"], s["return_reason"]) == ("returned", "属于涉诉事项")
    cycle.settle()
    returned = [m for m in cycle.inbox(f"deputy:{LEAD}") if m["kind"] == "suggestion.returned"]
    assert returned and "属于涉诉事项" in returned[0]["body"]


def test_a_flagged_suggestion_the_committee_accepts_is_routed(cycle: Cycle) -> None:
    sid = cycle.file(body="关于诉讼服务中心建设的建议")
    cycle.ok(sid, "screen", {"decision": "accept"}, as_=SYSTEM)
    assert cycle.get(sid)["state"] == "assigned"
    assert cycle.refused(sid, "screen", {"decision": "accept"}, as_=SYSTEM)["field"] == "decision"


def test_merged_follows_the_survivor(cycle: Cycle) -> None:
    survivor = cycle.file(cosigner_ids=[])
    merged = cycle.file(lead_deputy_id="D450102-003", cosigner_ids=[])
    cycle.settle()
    assert cycle.points("D450102-003") == 2
    cycle.ok(merged, "screen", {"decision": "merge", "into": survivor}, as_=SYSTEM)
    m = cycle.get(merged)
    assert (m["state"], m["merged_into_id"]) == ("merged", survivor)
    assert [a["status"] for a in m["assignments"]] == ["withdrawn"]
    assert cycle.get(survivor)["cosigner_ids"] == ["D450102-003"]
    cycle.settle()
    assert cycle.points("D450102-003") == 0  # the credit is reversed by a new entry
    # The merged proposer now rates the survivor's reply.
    cycle.handle_and_reply(survivor, "U450102-EDU", "A")
    cycle.rate(survivor, "D450102-003", "satisfied", "satisfied")
    cycle.rate(survivor, LEAD, "satisfied", "satisfied")
    assert cycle.get(survivor)["state"] == "closed"


def test_converted_to_a_letter(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.ok(sid, "screen", {"decision": "convert", "reason": "属个人来信事项"}, as_=SYSTEM)
    assert cycle.get(sid)["state"] == "converted"
    bad = cycle.refused(sid, "screen", {"decision": "return", "reason": "x"}, as_=SYSTEM)
    assert "can no longer be screened" in bad["reason"]


def test_adjust_request_within_the_window_and_reassignment(cycle: Cycle) -> None:
    sid = cycle.file(category="urban_construction")  # HOUSING leads, TRANSPORT co-handles
    housing = cycle.key("unit", "U450102-HOUSING")
    cycle.advance(4)  # Friday 6 March: the 4th working day
    cycle.ok(sid, "request_adjustment", {"reason": "不属我局职责"}, as_=housing)
    cycle.settle()
    assert any(m["kind"] == "request.adjust" for m in cycle.inbox("committee:450102"))
    again = cycle.refused(sid, "request_adjustment", {"reason": "再次"}, as_=housing)
    assert "already asked" in again["reason"]

    cycle.ok(
        sid,
        "assign",
        {"lead_unit_id": "U450102-SERVICES", "co_unit_ids": ["U450102-TRANSPORT"]},
        as_=SYSTEM,
    )
    s = cycle.get(sid)
    assert s["lead_unit_id"] == "U450102-SERVICES"
    assert s["deadline"] == "2026-06-08"  # three months from the reassignment, a Monday
    statuses = [(a["unit_id"], a["status"]) for a in s["assignments"]]
    assert ("U450102-HOUSING", "withdrawn") in statuses
    assert ("U450102-SERVICES", "active") in statuses

    cycle.advance(10)
    late = cycle.refused(
        sid, "request_adjustment", {"reason": "太晚"}, as_=cycle.key("unit", "U450102-TRANSPORT")
    )
    assert "window closed on 2026-03-13" in late["reason"]


def test_extension_once_on_approval(cycle: Cycle) -> None:
    sid = cycle.file()
    edu = cycle.key("unit", "U450102-EDU")
    refused = cycle.refused(sid, "approve_extension", {}, as_=SYSTEM)
    assert "has not asked" in refused["reason"]
    assert cycle.get(sid)["extension_requested"] is False
    cycle.ok(sid, "request_extension", {"reason": "涉及规划调整"}, as_=edu)
    assert cycle.get(sid)["extension_requested"] is True
    cycle.ok(sid, "approve_extension", {}, as_=SYSTEM)
    s = cycle.get(sid)
    assert (s["deadline"], s["extended"]) == ("2026-09-02", True)
    again = cycle.refused(sid, "request_extension", {"reason": "再延"}, as_=edu)
    assert "already extended" in again["reason"]


def test_deadline_colours_overdue_turns_red_and_tells_everyone(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.ok(
        sid,
        "mark_key",
        {"leading_official": "分管副市长", "supervisor": "主任会议成员甲"},
        as_=SYSTEM,
    )
    cycle.tick()
    assert cycle.get(sid)["colour"] == "white"

    cycle.advance(80)  # 21 May: inside the last 15 days before 2 June
    cycle.tick()
    assert cycle.get(sid)["colour"] == "yellow"
    cycle.advance(15)  # 5 June: overdue
    cycle.tick()
    s = cycle.get(sid)
    assert s["colour"] == "red"
    cycle.settle()
    unit_kinds = [m["kind"] for m in cycle.inbox("unit:U450102-EDU")]
    assert "deadline.yellow" in unit_kinds and "deadline.red" in unit_kinds
    assert any(m["kind"] == "deadline.red" for m in cycle.inbox("committee:450102"))
    assert any(m["kind"] == "deadline.red" for m in cycle.inbox("directors:450102"))
    colour = cycle.system.client.get(
        "/workflow/v1/figures/units/U450102-EDU/colour", headers=cycle.system.headers()
    ).get_json()
    assert colour["colour"] == "red"

    cycle.tick()  # no change, no new event
    cycle.settle()
    assert [m["kind"] for m in cycle.inbox("unit:U450102-EDU")].count("deadline.red") == 1

    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    assert cycle.get(sid)["replied_on_time"] is False


def test_evaluation_window_closes_with_the_ratings_given(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    cycle.rate(sid, LEAD, "satisfied", "satisfied")
    cycle.advance(31)
    late = cycle.refused(
        sid,
        "evaluate",
        {"attitude": "satisfied", "result": "satisfied"},
        as_=cycle.key("deputy", CO),
    )
    assert "window has closed" in late["reason"]
    cycle.tick()
    assert cycle.get(sid)["state"] == "closed"


def test_supervision_opinion_reaches_the_unit(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.ok(sid, "supervise", {"text": "请加快办理进度"}, as_=SYSTEM)
    cycle.settle()
    opinions = [m for m in cycle.inbox("unit:U450102-EDU") if m["kind"] == "supervision.opinion"]
    assert opinions and opinions[0]["body"] == "请加快办理进度"
    assert cycle.get(sid)["supervision_opinions"][0]["text"] == "请加快办理进度"


def test_forbidden_transitions_are_rejected_with_a_reason(cycle: Cycle) -> None:
    edu = cycle.key("unit", "U450102-EDU")
    flagged = cycle.file(body="个人私事")
    r = cycle.refused(flagged, "reply", {"reply_class": "A", "text": "x"}, as_=edu)
    assert "cannot reply to a suggestion that is submitted" in r["reason"]

    sid = cycle.file(category="urban_construction")
    housing = cycle.key("unit", "U450102-HOUSING")
    r = cycle.refused(sid, "reply", {"reply_class": "A", "text": "x"}, as_=housing)
    assert r["field"] == "co_inputs" and "U450102-TRANSPORT" in r["reason"]
    cycle.ok(sid, "co_input", {"text": "同意"}, as_=cycle.key("unit", "U450102-TRANSPORT"))
    r = cycle.refused(sid, "reply", {"reply_class": "A", "text": "x"}, as_=housing)
    assert "no contact with the deputy" in r["reason"]

    r = cycle.refused(sid, "assign", {"lead_unit_id": "U450103-EDU"}, as_=SYSTEM)
    assert r["reason"] == "unit U450103-EDU is not a handling unit of 450102"

    cycle.handle_and_reply(sid, "U450102-HOUSING", "A")
    stranger = cycle.key("deputy", "D450102-005")
    r = cycle.refused(
        sid, "evaluate", {"attitude": "satisfied", "result": "satisfied"}, as_=stranger
    )
    assert "only the suggestion's proposers" in r["reason"]
    cycle.rate(sid, LEAD, "dissatisfied", "dissatisfied")
    r = cycle.refused(
        sid,
        "evaluate",
        {"attitude": "satisfied", "result": "satisfied"},
        as_=cycle.key("deputy", LEAD),
    )
    assert "already evaluated" in r["reason"] or "cannot evaluate" in r["reason"]

    other_county = cycle.key("system", node="450103")
    r = cycle.refused(sid, "supervise", {"text": "x"}, as_=other_county)
    assert r["reason"] == "no suggestion with that id"


def test_a_unit_sees_ratings_only_once_final(cycle: Cycle) -> None:
    sid = cycle.file()
    edu = cycle.key("unit", "U450102-EDU")
    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    cycle.rate(sid, LEAD, "basically_satisfied", "satisfied")
    assert cycle.get(sid, as_=edu)["evaluations"] == []
    assert len(cycle.get(sid)["evaluations"]) == 1
    cycle.rate(sid, CO, "satisfied", "satisfied")
    assert len(cycle.get(sid, as_=edu)["evaluations"]) == 2
    health = cycle.key("unit", "U450102-HEALTH")
    answer = cycle.system.client.get(
        f"/workflow/v1/suggestions/{sid}", headers=cycle.system.headers(health)
    )
    assert answer.status_code == 404


def test_a_proposer_never_sees_a_co_proposers_rating(cycle: Cycle) -> None:
    sid = cycle.file()
    cycle.handle_and_reply(sid, "U450102-EDU", "A")
    cycle.rate(sid, LEAD, "basically_satisfied", "satisfied")
    cycle.rate(sid, CO, "satisfied", "satisfied")
    for deputy in (LEAD, CO):
        seen = cycle.get(sid, as_=cycle.key("deputy", deputy))["evaluations"]
        assert [e["deputy_id"] for e in seen] == [deputy]
    assert len(cycle.get(sid)["evaluations"]) == 2


def test_published_feed_shows_closed_replies_without_personal_data(cycle: Cycle) -> None:
    shown = cycle.file(cosigner_ids=[])
    hidden = cycle.file(cosigner_ids=[], title="不公开的建议")
    cycle.ok(hidden, "set_publication", {"publish": False}, as_=SYSTEM)
    for sid in (shown, hidden):
        cycle.handle_and_reply(sid, "U450102-EDU", "A")
        cycle.rate(sid, LEAD, "satisfied", "satisfied")
    feed = cycle.system.client.get("/workflow/v1/public/suggestions?tenant=450102").get_json()
    assert [item["number"] for item in feed["items"]] == [cycle.get(shown)["number"]]
    item = feed["items"][0]
    assert item["lead_unit"] == "兴宁区教育局"
    assert item["reply"]["text"] == "已办理。"
    assert LEAD not in str(feed) and "D450102" not in str(feed)


def test_an_idempotency_key_reused_on_another_suggestion_is_refused(cycle: Cycle) -> None:
    first, second = cycle.file(), cycle.file()
    body = {"text": "请加快办理"}
    headers = cycle.system.headers(SYSTEM, **{"Idempotency-Key": "same-key"})
    one = cycle.system.client.post(
        f"/intake/v1/suggestions/{first}/supervise", json=body, headers=headers
    )
    assert one.status_code == 202
    again = cycle.system.client.post(
        f"/intake/v1/suggestions/{first}/supervise", json=body, headers=headers
    )
    assert again.get_json()["id"] == one.get_json()["id"]
    other = cycle.system.client.post(
        f"/intake/v1/suggestions/{second}/supervise", json=body, headers=headers
    )
    assert other.status_code == 422
    assert other.get_json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "reason": "This Idempotency-Key was used for a different request; use a new key.",
        }
    ]


def test_an_unfinished_b_follow_up_turns_red(cycle: Cycle) -> None:
    sid = cycle.file(cosigner_ids=[])
    cycle.handle_and_reply(sid, "U450102-EDU", "B")
    cycle.rate(sid, LEAD, "satisfied", "satisfied")
    assert cycle.get(sid)["follow_up_deadline"] == "2026-09-02"
    cycle.advance(175)  # 24 August: the last 15 days
    cycle.tick()
    cycle.advance(10)  # 3 September: overdue
    cycle.tick()
    cycle.settle()
    kinds = [m["kind"] for m in cycle.inbox("unit:U450102-EDU") if "B类" in m["body"]]
    assert kinds == ["deadline.red", "deadline.yellow"]  # newest first
    cycle.ok(sid, "report_done", {"note": "已完成"}, as_=cycle.key("unit", "U450102-EDU"))
    cycle.advance(30)
    cycle.tick()
    cycle.settle()
    assert len([m for m in cycle.inbox("unit:U450102-EDU") if "B类" in m["body"]]) == 2
