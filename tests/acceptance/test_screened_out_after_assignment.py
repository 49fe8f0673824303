"""Returned, converted or merged after an automatic assignment (docs/domain.md §1): the
committee can still screen a suggestion out once a routing rule has assigned it. Its
assignment is withdrawn: no unit handles it, no deadline is watched, and no figure of
handling counts it, for the unit or for the tenant."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.cycle import Cycle

LEAD = "D450102-001"
SYSTEM = "county_system_450102"
EDU = "U450102-EDU"


def _get(cycle: Cycle, path: str, key: str = SYSTEM) -> dict:
    answer = cycle.system.client.get(path, headers=cycle.system.headers(key))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _withdrawals(cycle: Cycle) -> list[dict]:
    """The suggestion.assignment_withdrawn events workflow published."""
    rt = cycle.system.runtime("workflow")
    with rt.db.session() as session:
        rows = session.execute(
            select(rt.outbox.table.c.payload).where(
                rt.outbox.table.c.routing_key == "suggestion.assignment_withdrawn"
            )
        ).all()
    return [row.payload for row in rows]


def _withdrawn_from_edu(cycle: Cycle, sid: str, state: str) -> None:
    s = cycle.get(sid)
    assert (s["state"], s["lead_unit_id"], s["deadline"], s["colour"]) == (state, None, None, None)
    assert [(a["unit_id"], a["status"]) for a in s["assignments"]] == [(EDU, "withdrawn")]
    edu = cycle.key("unit", EDU)
    assert _get(cycle, f"/workflow/v1/suggestions/{sid}", key=edu)["state"] == state
    led_now = _get(cycle, f"/workflow/v1/suggestions?unit_id={EDU}")["items"]
    assert sid not in [item["id"] for item in led_now]
    assert [w["cause"] for w in _withdrawals(cycle) if w["suggestion_id"] == sid] == [state]


def test_returned_after_an_automatic_assignment(cycle: Cycle) -> None:
    sid = cycle.file(cosigner_ids=[])
    assert cycle.get(sid)["state"] == "assigned"
    cycle.ok(sid, "screen", {"decision": "return", "reason": "属个人诉求"}, as_=SYSTEM)
    _withdrawn_from_edu(cycle, sid, "returned")
    colour = _get(cycle, f"/workflow/v1/figures/units/{EDU}/colour")
    assert (colour["colour"], colour["open_by_colour"]) == ("white", {})
    figures = _get(cycle, "/workflow/v1/figures?tenant=450102")
    assert figures["counts"]["assigned"] == 0
    assert figures["rates"]["closure"] is None
    assert figures["by_state"] == {"returned": 1}
    assert figures["by_colour"] == {}
    assert _get(cycle, "/workflow/v1/figures/units?tenant=450102")["items"] == []


def test_converted_after_an_automatic_assignment(cycle: Cycle) -> None:
    sid = cycle.file(cosigner_ids=[])
    cycle.ok(sid, "screen", {"decision": "convert", "reason": "作为来信处理"}, as_=SYSTEM)
    _withdrawn_from_edu(cycle, sid, "converted")
    cycle.advance(95)  # past the 2 June deadline it had: nothing turns red
    cycle.tick()
    assert cycle.get(sid)["colour"] is None
    cycle.settle()
    told = cycle.inbox(f"unit:{EDU}")
    assert not [m for m in told if m["kind"].startswith("deadline.")]
    # The unit was told it no longer handles it.
    (withdrawn,) = [m for m in told if m["kind"] == "assignment.withdrawn"]
    assert "交办已撤回" in withdrawn["subject"] and "来信" in withdrawn["body"]


def test_merged_after_an_automatic_assignment(cycle: Cycle) -> None:
    survivor = cycle.file(cosigner_ids=[])
    merged = cycle.file(lead_deputy_id="D450102-003", cosigner_ids=[])
    cycle.ok(merged, "screen", {"decision": "merge", "into": survivor}, as_=SYSTEM)
    _withdrawn_from_edu(cycle, merged, "merged")
    units = _get(cycle, "/workflow/v1/figures/units?tenant=450102")["items"]
    assert [(u["unit_id"], u["counts"]["assigned"]) for u in units] == [(EDU, 1)]


def test_screened_out_suggestions_leave_the_rates_and_the_best_units(cycle: Cycle) -> None:
    """Three handled and closed, three screened out after assignment: EDU has 3 suggestions
    (ranked), closed 3 of 3, not 3 of 6."""
    handled = [cycle.file(cosigner_ids=[]) for _ in range(3)]
    screened = [cycle.file(cosigner_ids=[]) for _ in range(3)]
    cycle.ok(screened[0], "screen", {"decision": "return", "reason": "属个人诉求"}, as_=SYSTEM)
    cycle.ok(screened[1], "screen", {"decision": "convert", "reason": "作为来信"}, as_=SYSTEM)
    cycle.ok(screened[2], "screen", {"decision": "merge", "into": handled[0]}, as_=SYSTEM)
    for sid in handled:
        cycle.handle_and_reply(sid, EDU, "A")
        cycle.rate(sid, LEAD, "satisfied", "satisfied")

    figures = _get(cycle, "/workflow/v1/figures?tenant=450102&year=2026")
    assert figures["counts"]["assigned"] == 3
    assert figures["rates"]["closure"] == 1.0
    assert figures["rates"]["done"] == 1.0
    assert figures["rates"]["on_time"] == 1.0
    units = _get(cycle, "/workflow/v1/figures/units?year=2026")["items"]
    assert [(u["unit_id"], u["counts"]["assigned"], u["rates"]["closure"]) for u in units] == [
        (EDU, 3, 1.0)
    ]
    best = _get(cycle, "/workflow/v1/figures/best-units?tenant=450102&year=2026")
    assert best["items"] == [{"unit_id": EDU, "score": 1.0}]
