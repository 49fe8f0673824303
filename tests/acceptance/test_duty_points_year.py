"""A year of a township's duty activity (docs/domain.md §4), through intake and the bus:
the office's sheet and a suggestion's credit, checked against a hand count — statements,
the township's quarterly list, the county ranking, flags and the proposed duty stars."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from services.scoring.admin import set_flag_rule, set_points_rules, set_star_rule
from tests.api.helpers import wait_for
from tests.support.cycle import Cycle

TOWNSHIP = "450102001"
SHEET = """deputy_id,activity,occurred_on,duration_hours,organiser,note
D450102-001,session_attendance,2026-01-10,,county,区人代会
D450102-001,station_duty,2026-02-14,3,township,进站接待
D450102-002,absence_without_leave,2026-01-10,,county,
D450102-002,training,2026-05-20,8,county,履职培训
D450102-001,station_duty,2026-07-03,3,township,
D450102-002,station_duty,2026-09-30,3,township,
D450102-003,report_to_constituents,2026-11-11,,township,
D450102-003,opinion_collected,2026-12-31,,township,
"""


def _get(cycle: Cycle, path: str, key: str) -> Any:
    answer = cycle.system.client.get(path, headers=cycle.system.headers(key))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_year_of_a_township_against_the_hand_count(cycle: Cycle) -> None:
    s = cycle.system
    db = s.runtime("scoring").db
    now = datetime.now(UTC)
    # The city raises training to 1.5; the county raises station duty to 3 from Q3.
    set_points_rules(db, "450100", {"training": Decimal("1.5")}, date(2026, 1, 1), now)
    set_points_rules(db, "450102", {"station_duty": Decimal(3)}, date(2026, 7, 1), now)
    set_flag_rule(db, "450102", Decimal(10), ("session_attendance",), now)
    set_star_rule(db, "450102", 1, Decimal(2), now)

    cycle.file()  # D450102-001 leads an accepted suggestion: +2 in Q1
    office = cycle.key("system", node=TOWNSHIP)
    committee = cycle.key("committee")
    body = {"filename": "2026年.csv", "content": base64.b64encode(SHEET.encode()).decode()}
    key = uuid.uuid4().hex
    for _ in range(2):  # the same sheet sent twice (a retry): one filing
        answer = s.client.post(
            "/intake/v1/duty-activities/upload",
            json=body,
            headers=s.headers(office, **{"Idempotency-Key": key}),
        )
        assert answer.status_code == 202, answer.get_json()
        receipt = s.settled_receipt(answer.get_json()["id"], key_name=office)
        assert receipt["status"] == "accepted", receipt
    wait_for(lambda: cycle.points("D450102-001") == 12)

    def total(deputy: str, period: str) -> Any:
        path = f"/scoring/v1/deputies/{deputy}/statement?period={period}"
        return _get(cycle, path, committee)["total"]

    hand = {
        # Q1: session 5, station duty 2 (the Q1 figure), the suggestion 2; Q3: station 3.
        "D450102-001": {"2026-Q1": 9, "2026-Q2": 0, "2026-Q3": 3, "2026-Q4": 0, "2026": 12},
        "D450102-002": {"2026-Q1": -5, "2026-Q2": 1.5, "2026-Q3": 3, "2026-Q4": 0, "2026": -0.5},
        "D450102-003": {"2026-Q1": 0, "2026-Q2": 0, "2026-Q3": 0, "2026-Q4": 4, "2026": 4},
    }
    for deputy, periods in hand.items():
        assert {p: total(deputy, p) for p in periods} == periods, deputy

    q1 = _get(cycle, f"/scoring/v1/rankings?place={TOWNSHIP}&period=2026-Q1", committee)
    assert [(i["rank"], i["deputy_id"], i["total"]) for i in q1["items"]] == [
        (1, "D450102-001", 7),
        (2, "D450102-002", -5),
    ]
    year = _get(cycle, "/scoring/v1/rankings?place=450102&period=2026", committee)
    assert [(i["deputy_id"], i["total"]) for i in year["items"]] == [
        ("D450102-001", 12),
        ("D450102-003", 4),
        ("D450102-002", -0.5),
    ]
    flags = _get(cycle, "/scoring/v1/flags?place=450102&period=2026", committee)["items"]
    assert {f["deputy_id"]: f["reasons"] for f in flags}["D450102-002"] == [
        "points -0.50 below 10.00",
        "no session_attendance",
    ]
    # Everyone of the county's congress but D450102-001 falls behind, whoever had no points.
    roll = {d.id for d in s.runtime("scoring").directory.congress_deputies("450102")}
    assert {f["deputy_id"] for f in flags} == roll - {"D450102-001"}
    stars = _get(cycle, "/scoring/v1/duty-stars/proposal?place=450102&year=2026", committee)
    # 12 with station duty (2 + 3) counted twice: 17.
    assert [(i["deputy_id"], i["score"]) for i in stars["items"]] == [("D450102-001", 17)]

    # After the year, the committee publishes the township's Q1 list: frozen and public.
    cycle.advance(days=310)
    answer = s.client.post(
        "/intake/v1/points-lists",
        json={"place_id": TOWNSHIP, "period": "2026-Q1"},
        headers=s.headers(committee, **{"Idempotency-Key": uuid.uuid4().hex}),
    )
    receipt = s.settled_receipt(answer.get_json()["id"], key_name=committee)
    assert receipt["status"] == "accepted", receipt
    public = s.client.get(receipt["resource"]["href"]).get_json()
    assert [(r["deputy_id"], r["total"]) for r in public["rows"]] == [
        ("D450102-001", 7),
        ("D450102-002", -5),
    ]
