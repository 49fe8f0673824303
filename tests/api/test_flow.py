"""What a county system, a unit and a deputy see once a suggestion has gone through."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from runtime.clock import FixedClock
from services.workflow import working_days
from services.workflow.domain.calendar import local_date
from services.workflow.domain.deadlines import (
    DeadlinePolicy,
    co_input_deadline,
    handling_deadline,
)
from services.workflow.suggestions.store import RoutingRule
from tests.api.helpers import (
    assert_problem,
    bearer,
    file_with,
    inbox,
    new_key,
    points,
    settled_suggestion,
    suggestion,
    wait_for,
)
from tests.support.system import InProcessSystem

SystemAt = Callable[[datetime], tuple[InProcessSystem, FixedClock]]


POLICY = DeadlinePolicy()


def act(system: InProcessSystem, suggestion_id: str, action: str, body: dict[str, Any]) -> Any:
    return system.client.post(
        f"/intake/v1/suggestions/{suggestion_id}/{action.replace('_', '-')}",
        json=body,
        headers=system.headers(**{"Idempotency-Key": uuid.uuid4().hex}),
    )


def _message_about(system: InProcessSystem, recipient: str, number: str) -> dict[str, Any] | None:
    items = inbox(system, recipient).get_json()["items"]
    return next((m for m in items if number in m["subject"]), None)


def _year() -> int:
    return local_date(datetime.now(UTC)).year


def test_an_accepted_receipt_points_at_the_numbered_assigned_suggestion(
    system: InProcessSystem,
) -> None:
    receipt, found = settled_suggestion(system, system.file())
    year = _year()
    assert receipt["resource"]["type"] == "suggestion"
    assert receipt["resource"]["href"] == f"/workflow/v1/suggestions/{found['id']}"
    assert receipt["resource"]["number"] == f"450102-{year}-0001"
    assert receipt["reason"] is None
    assert found["number"] == f"450102-{year}-0001"
    assert found["tenant"] == "450102"
    assert found["state"] == "assigned"
    assert found["lead_deputy_id"] == "D450102-001"
    assert found["cosigner_ids"] == ["D450102-002"]
    [assignment] = found["assignments"]
    assert (assignment["unit_id"], assignment["role"], assignment["round"]) == (
        "U450102-EDU",
        "lead",
        1,
    )
    assigned_on = local_date(datetime.fromisoformat(assignment["assigned_at"]))
    expected = handling_deadline(
        assigned_on,
        urgent=False,
        policy=DeadlinePolicy(),
        is_working_day=working_days.is_working_day,
    )
    assert assignment["deadline"] == expected.isoformat()

    # numbers go up per county; another county starts its own
    _, second = settled_suggestion(system, system.file(suggestion(title="第二条建议")))
    assert second["number"] == f"450102-{year}-0002"
    qingxiu = new_key(system, "450103", "system")
    _, theirs = settled_suggestion(
        system,
        file_with(system, qingxiu, suggestion(lead_deputy_id="D450103-001", cosigner_ids=[])),
        bearer(qingxiu),
    )
    assert theirs["number"] == f"450103-{year}-0001"
    assert theirs["assignments"][0]["unit_id"] == "U450103-EDU"


def test_deadlines_and_numbers_follow_the_shanghai_calendar(system_at: SystemAt) -> None:
    # 2026-06-30 20:00 UTC is 07-01 04:00 in Shanghai: three months later is National Day,
    # so the deadline moves to 10-08 (on the UTC date it would have been 09-30).
    system, clock = system_at(datetime(2026, 6, 30, 20, 0, tzinfo=UTC))
    _, regular = settled_suggestion(system, system.file())
    assert regular["number"] == "450102-2026-0001"
    assert regular["assignments"][0]["deadline"] == "2026-10-08"

    clock.advance(timedelta(days=89, hours=5))  # 2026-09-28 01:00 UTC, a Monday in Shanghai
    _, urgent = settled_suggestion(system, system.file(suggestion(urgent=True)))
    assert urgent["urgent"] is True
    assert urgent["number"] == "450102-2026-0002"
    assert urgent["assignments"][0]["deadline"] == "2026-10-23"  # 15 working days

    clock.advance(timedelta(days=94, hours=16))  # 2026-12-31 17:00 UTC = 2027-01-01 in Shanghai
    _, new_year = settled_suggestion(system, system.file())
    assert new_year["number"] == "450102-2027-0001"
    assert new_year["assignments"][0]["deadline"] == "2027-04-01"

    wait_for(lambda: len(inbox(system, "unit:U450102-EDU").get_json()["items"]) == 3)
    unit_inbox = inbox(system, "unit:U450102-EDU").get_json()["items"]
    assert any("2026-10-08" in m["body"] for m in unit_inbox)
    assert any("2026-10-23" in m["body"] for m in unit_inbox)


def test_the_lead_and_the_co_handling_unit_each_get_a_message(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    _, found = settled_suggestion(
        s, s.file(suggestion(category="urban_construction", title="关于改造老旧小区道路的建议"))
    )
    assert found["state"] == "assigned"
    by_role = {a["role"]: a for a in found["assignments"]}
    assert (by_role["lead"]["unit_id"], by_role["co"]["unit_id"]) == (
        "U450102-HOUSING",
        "U450102-TRANSPORT",
    )
    assert len(found["assignments"]) == 2
    assigned_on = local_date(datetime.fromisoformat(by_role["lead"]["assigned_at"]))
    lead_deadline = handling_deadline(
        assigned_on, urgent=False, policy=POLICY, is_working_day=working_days.is_working_day
    )
    co_deadline = min(
        lead_deadline,
        co_input_deadline(assigned_on, policy=POLICY, is_working_day=working_days.is_working_day),
    )
    assert by_role["lead"]["deadline"] == found["deadline"] == lead_deadline.isoformat()
    assert by_role["co"]["deadline"] == co_deadline.isoformat()  # input within one month

    lead = wait_for(lambda: _message_about(s, "unit:U450102-HOUSING", found["number"]))
    co = wait_for(lambda: _message_about(s, "unit:U450102-TRANSPORT", found["number"]))
    assert lead["kind"] == co["kind"] == "assignment.new"
    assert "主办" in lead["body"]
    assert lead_deadline.isoformat() in lead["body"]
    assert "协办" in co["body"]
    assert found["title"] in co["subject"]


def test_the_co_handling_unit_is_told_its_own_input_deadline(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    _, found = settled_suggestion(
        s, s.file(suggestion(category="urban_construction", title="关于人行道改造的建议"))
    )
    [co] = [a for a in found["assignments"] if a["role"] == "co"]
    message = wait_for(lambda: _message_about(s, "unit:U450102-TRANSPORT", found["number"]))
    assert co["deadline"] in message["body"]


def test_a_suggestion_about_litigation_is_flagged_then_returned_by_the_committee(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    receipt, found = settled_suggestion(
        s,
        s.file(
            suggestion(
                lead_deputy_id="D450102-005",
                cosigner_ids=[],
                title="关于某合同纠纷的建议",
                body="本人与开发商的诉讼已拖延两年，请求人大督促法院尽快判决。",
            )
        ),
    )
    assert receipt["status"] == "accepted"  # the filing was taken in: screening is next
    assert found["state"] == "submitted"  # a negative-list hit waits for the committee
    assert found["screening_flags"] == ["negative list: 诉讼"]
    assert found["assignments"] == []

    # the committee must give the deputy a reason
    no_reason = act(s, found["id"], "screen", {"decision": "return"})
    assert_problem(no_reason, 422, "reason")

    settled = s.settled_receipt(
        act(
            s, found["id"], "screen", {"decision": "return", "reason": "涉诉事项，不作为建议办理"}
        ).get_json()["id"]
    )
    assert settled["status"] == "accepted", settled
    returned = s.client.get(receipt["resource"]["href"], headers=s.headers()).get_json()
    assert returned["state"] == "returned"
    assert returned["return_reason"] == "涉诉事项，不作为建议办理"

    message = wait_for(lambda: _message_about(s, "deputy:D450102-005", found["number"]))
    assert message["kind"] == "suggestion.returned"
    assert "涉诉事项" in message["body"]

    # never accepted, so never counted: no duty points, and no event that would give any
    outbox = s.runtime("workflow").outbox.table
    with s.runtime("workflow").db.session() as session:
        payloads = session.execute(select(outbox.c.routing_key, outbox.c.payload)).all()
    kinds = {key for key, payload in payloads if payload.get("number") == found["number"]}
    assert kinds == {"suggestion.returned"}
    assert points(s, "D450102-005").get_json() == {
        "deputy_id": "D450102-005",
        "total": 0,
        "count": 0,
        "entries": [],
    }


def test_an_accepted_suggestion_earns_its_lead_deputy_two_points(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    _, found = settled_suggestion(
        s, s.file(suggestion(lead_deputy_id="D450102-003", cosigner_ids=["D450102-004"]))
    )
    ledger = wait_for(lambda: (p := points(s, "D450102-003").get_json())["entries"] and p)
    assert ledger["total"] == 2
    [entry] = ledger["entries"]
    assert entry["activity"] == "suggestion"
    assert entry["points"] == 2
    assert found["number"] in entry["reason"]
    assert entry["reverses_id"] is None
    assert points(s, "D450102-004").get_json()["total"] == 0  # co-signers earn nothing here


def test_a_township_deputy_files_through_the_county_system(shared_system: InProcessSystem) -> None:
    s = shared_system
    receipt, found = settled_suggestion(
        s, s.file(suggestion(lead_deputy_id="D450102001-001", cosigner_ids=[]))
    )
    assert receipt["tenant"] == "450102001"
    assert found["tenant"] == "450102001"
    assert re.fullmatch(rf"450102001-{_year()}-\d{{4}}", found["number"])
    township = bearer(new_key(s, "450102001", "system"))
    assert s.client.get(receipt["resource"]["href"], headers=township).status_code == 200
    beside = bearer(new_key(s, "450102002", "system"))
    assert_problem(s.client.get(receipt["resource"]["href"], headers=beside), 404)


def test_a_rule_broken_by_the_filing_settles_the_receipt_as_rejected(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    answer = s.file(suggestion(lead_deputy_id="D450102-006", cosigner_ids=["D450102-006"]))
    assert answer.status_code == 202
    receipt = s.settled_receipt(answer.get_json()["id"])
    assert receipt["status"] == "rejected"
    assert receipt["field"] == "cosigner_ids"
    assert "D450102-006" in receipt["reason"]
    assert receipt["resource"] is None
    listed = s.client.get("/workflow/v1/suggestions", headers=s.headers()).get_json()["items"]
    assert all(item["lead_deputy_id"] != "D450102-006" for item in listed)


def test_without_a_routing_rule_the_suggestion_waits_unassigned(
    shared_system: InProcessSystem,
) -> None:
    s = shared_system
    with s.runtime("workflow").db.transaction() as session:
        session.execute(
            delete(RoutingRule).where(
                RoutingRule.tenant == "450105", RoutingRule.category == "culture"
            )
        )
    jiangnan = new_key(s, "450105", "system")
    receipt, found = settled_suggestion(
        s,
        file_with(
            s,
            jiangnan,
            suggestion(lead_deputy_id="D450105-001", cosigner_ids=[], category="culture"),
        ),
        bearer(jiangnan),
    )
    assert receipt["status"] == "accepted"
    assert found["state"] == "accepted"
    assert found["assignments"] == []
    # it still counts for the deputy, and no unit was told
    wait_for(lambda: points(s, "D450105-001", bearer(jiangnan)).get_json()["total"] == 2)
    assert inbox(s, "unit:U450105-CULTURE", bearer(jiangnan)).get_json()["items"] == []


def test_the_suggestion_list_filters_by_state_within_reach(shared_system: InProcessSystem) -> None:
    s = shared_system
    liangqing = new_key(s, "450108", "system")
    _, accepted = settled_suggestion(
        s,
        file_with(s, liangqing, suggestion(lead_deputy_id="D450108-001", cosigner_ids=[])),
        bearer(liangqing),
    )
    _, flagged = settled_suggestion(
        s,
        file_with(
            s,
            liangqing,
            suggestion(lead_deputy_id="D450108-002", cosigner_ids=[], body="涉法涉诉问题"),
        ),
        bearer(liangqing),
    )

    def listed(headers: dict[str, str], **query: str) -> dict[str, Any]:
        answer = s.client.get("/workflow/v1/suggestions", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    page = listed(bearer(liangqing), state="submitted")
    assert [i["id"] for i in page["items"]] == [flagged["id"]]
    assert page["total"] == 1
    page = listed(bearer(liangqing), state="assigned")
    assert [i["id"] for i in page["items"]] == [accepted["id"]]
    assert page["items"][0]["assignments"][0]["unit_id"] == "U450108-EDU"
    page = listed(bearer(liangqing))
    assert {i["id"] for i in page["items"]} == {accepted["id"], flagged["id"]}
    assert listed(bearer(liangqing), limit="1")["total"] == 2
    assert len(listed(bearer(liangqing), limit="1")["items"]) == 1

    # 兴宁区's key does not see 良庆区's; the city sees them when it asks for 450108
    xingning = {i["id"] for i in listed(s.headers())["items"]}
    assert not xingning & {accepted["id"], flagged["id"]}
    city = listed(s.headers("city_reader"), tenant="450108")
    assert {i["id"] for i in city["items"]} == {accepted["id"], flagged["id"]}
    assert_problem(
        s.client.get("/workflow/v1/suggestions?state=lost", headers=s.headers()), 422, "state"
    )
