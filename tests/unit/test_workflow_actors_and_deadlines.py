"""Who may act, which units may handle, and which deadlines an assignment gets."""

from __future__ import annotations

from datetime import date

import pytest

from services.workflow.domain.actors import (
    Actor,
    acting_deputy,
    acting_unit,
    check_units_of,
    require_committee,
)
from services.workflow.domain.deadlines import DeadlinePolicy, assignment_deadlines
from services.workflow.domain.rules import RuleBroken
from services.workflow.working_days import is_working_day


def actor(role: str, subject: str | None = None) -> Actor:
    return Actor("k1", role, subject, "450102", "/450100/450102/")


def test_the_committee_and_its_county_system_may_screen_a_unit_may_not() -> None:
    require_committee(actor("committee"))
    require_committee(actor("system"))
    with pytest.raises(RuleBroken, match="only the committee"):
        require_committee(actor("unit", "U1"))


def test_a_unit_acts_with_its_own_key_or_is_named_by_the_county_system() -> None:
    assert acting_unit(actor("unit", "U1"), {"unit_id": "U2"}) == "U1"
    assert acting_unit(actor("system"), {"unit_id": "U2"}) == "U2"
    with pytest.raises(RuleBroken) as refused:
        acting_unit(actor("system"), {})
    assert refused.value.field == "unit_id"
    with pytest.raises(RuleBroken):
        acting_unit(actor("deputy", "D1"), {"unit_id": "U2"})


def test_a_deputy_rates_with_their_own_key_or_relayed_by_the_county_system() -> None:
    assert acting_deputy(actor("deputy", "D1"), {}) == "D1"
    assert acting_deputy(actor("system"), {"deputy_id": "D2"}) == "D2"
    with pytest.raises(RuleBroken):  # not the committee: evaluation is back to back
        acting_deputy(actor("committee"), {"deputy_id": "D2"})


def test_only_units_of_the_same_congress_handle_a_suggestion() -> None:
    check_units_of("450102", {"U450102-EDU": "450102"}, "lead_unit_id")
    with pytest.raises(RuleBroken, match="U450103-EDU is not a handling unit of 450102"):
        check_units_of("450102", {"U450103-EDU": "450103"}, "lead_unit_id")
    with pytest.raises(RuleBroken):
        check_units_of("450102", {"U-missing": None}, "co_unit_ids")


@pytest.mark.parametrize(
    ("today", "urgent", "round_", "lead", "co"),
    [
        (date(2026, 3, 2), False, 1, date(2026, 6, 2), date(2026, 4, 2)),
        (date(2026, 3, 2), True, 1, date(2026, 3, 23), date(2026, 3, 23)),  # co never later
        (date(2026, 3, 9), False, 2, date(2026, 4, 9), date(2026, 4, 9)),
    ],
)
def test_assignment_deadlines(today: date, urgent: bool, round_: int, lead: date, co: date) -> None:
    assert assignment_deadlines(
        today, urgent=urgent, round_=round_, policy=DeadlinePolicy(), is_working_day=is_working_day
    ) == (lead, co)
