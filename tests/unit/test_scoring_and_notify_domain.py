"""Duty points (docs/domain.md §4) and what people are told (§7): the pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from services.notify.domain.messages import (
    colour_changed,
    deputy,
    new_assignment,
    reply_awaiting_evaluation,
    suggestion_returned,
    unit,
)
from services.scoring.domain.points import DEFAULT_RULES, Entry, balance, points_for


def test_default_rules_cover_the_domain_activities() -> None:
    assert DEFAULT_RULES["suggestion"] == 2
    assert DEFAULT_RULES["key_suggestion"] > DEFAULT_RULES["suggestion"]
    assert DEFAULT_RULES["absence_without_leave"] < 0
    for activity in (
        "session_attendance",
        "station_duty",
        "inspection",
        "report_to_constituents",
        "training",
        "opinion_collected",
    ):
        assert DEFAULT_RULES[activity] > 0


def test_points_use_the_default_when_the_tenant_set_none() -> None:
    assert points_for("suggestion", {}) == 2
    assert points_for("absence_without_leave", {"suggestion": 9}) == -5


def test_the_tenant_figure_wins_even_when_it_is_zero() -> None:
    assert points_for("suggestion", {"suggestion": 3}) == 3
    assert points_for("suggestion", {"suggestion": 0}) == 0


def test_a_tenant_may_score_an_activity_the_defaults_lack() -> None:
    assert points_for("photo_report", {"photo_report": 1}) == 1


def test_an_activity_nobody_scores_is_an_error() -> None:
    with pytest.raises(KeyError):
        points_for("dancing", {})


def test_balance_is_the_sum_of_the_ledger_corrections_included() -> None:
    assert balance([]) == 0
    ledger = [
        Entry("suggestion", 2),
        Entry("session_attendance", 5),
        Entry("session_attendance", -5, reverses=2),
        Entry("absence_without_leave", -5),
    ]
    assert balance(ledger) == -3
    assert balance(iter(ledger)) == -3


DEADLINE = date(2026, 10, 8)


def test_the_lead_unit_is_told_of_the_assignment_and_its_deadline() -> None:
    [message] = new_assignment("450102-2026-0001", "关于学位的建议", "U450102-EDU", [], DEADLINE)
    assert message.recipient == "unit:U450102-EDU"
    assert message.kind == "assignment.new"
    assert "450102-2026-0001" in message.subject
    assert "关于学位的建议" in message.subject
    assert "主办" in message.body
    assert "2026-10-08" in message.body


def test_every_co_handling_unit_gets_its_own_message() -> None:
    messages = new_assignment(
        "450102-2026-0002",
        "关于道路的建议",
        "U450102-HOUSING",
        ["U450102-TRANSPORT", "U450102-ECO"],
        DEADLINE,
    )
    assert [m.recipient for m in messages] == [
        "unit:U450102-HOUSING",
        "unit:U450102-TRANSPORT",
        "unit:U450102-ECO",
    ]
    lead, *co = messages
    assert "主办" in lead.body
    for message in co:
        assert message.kind == "assignment.new"
        assert "协办" in message.body
        assert "2026-10-08" in message.body
        assert "450102-2026-0002" in message.subject


def test_the_deputy_is_told_why_a_suggestion_was_returned() -> None:
    message = suggestion_returned(
        "D450102-001", "450102-2026-0003", "关于案件的建议", "matches the negative list: 诉讼"
    )
    assert message.recipient == "deputy:D450102-001"
    assert message.kind == "suggestion.returned"
    assert "450102-2026-0003" in message.subject
    assert "关于案件的建议" in message.subject
    assert "诉讼" in message.body


def test_recipient_names() -> None:
    assert unit("U1") == "unit:U1"
    assert deputy("D1") == "deputy:D1"


def test_a_second_assignment_tells_the_units_and_every_proposer() -> None:
    messages = new_assignment(
        "450102-2026-0001",
        "关于学位的建议",
        "U450102-EDU",
        [],
        DEADLINE,
        2,
        ["D450102-001", "D450102-002"],
    )
    assert [m.recipient for m in messages] == [
        "unit:U450102-EDU",
        "deputy:D450102-001",
        "deputy:D450102-002",
    ]
    assert messages[0].subject.startswith("二次交办")
    assert all("2026-10-08" in m.body for m in messages)


def test_a_first_assignment_tells_no_deputy() -> None:
    messages = new_assignment(
        "450102-2026-0001", "t", "U450102-EDU", [], DEADLINE, 1, ["D450102-001"]
    )
    assert [m.recipient for m in messages] == ["unit:U450102-EDU"]


def test_every_proposer_is_asked_to_evaluate_by_the_closing_date() -> None:
    messages = reply_awaiting_evaluation(
        ["D450102-001", "D450102-002"], "450102-2026-0001", "B", date(2026, 11, 7)
    )
    assert [m.recipient for m in messages] == ["deputy:D450102-001", "deputy:D450102-002"]
    assert all(m.kind == "evaluation.requested" for m in messages)
    assert all("2026-11-07" in m.body and "B" in m.subject for m in messages)


def test_a_red_key_suggestion_reaches_the_directors_meeting() -> None:
    args = ("450102", "U450102-EDU", "450102-2026-0001", "t", "red", DEADLINE)
    assert [m.recipient for m in colour_changed(*args, True)] == [
        "unit:U450102-EDU",
        "committee:450102",
        "directors:450102",
    ]
    assert [m.recipient for m in colour_changed(*args, False)] == [
        "unit:U450102-EDU",
        "committee:450102",
    ]
    assert all(m.kind == "deadline.red" for m in colour_changed(*args, True))
