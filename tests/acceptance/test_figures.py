"""The committee's figures against a hand count (docs/domain.md §1: closure, on-time, done,
satisfaction), per tenant, per unit, city-wide, and the year's best units."""

from __future__ import annotations

from datetime import timedelta

from tests.support.cycle import Cycle

LEAD = "D450102-001"
SYSTEM = "county_system_450102"


def _fixture(cycle: Cycle) -> None:
    """Five assigned suggestions and one returned, each with a known outcome."""
    s1 = cycle.file(cosigner_ids=[])  # EDU: A, satisfied → closed and done, on time
    s2 = cycle.file(cosigner_ids=[])  # EDU: B, satisfied → closed, not yet done
    s3 = cycle.file(cosigner_ids=[])  # EDU: C, dissatisfied → second assignment → A, satisfied
    s4 = cycle.file(cosigner_ids=[], category="health")  # HEALTH: late B, basically → meeting
    cycle.file(cosigner_ids=[], category="health")  # HEALTH: still in handling
    s6 = cycle.file(cosigner_ids=[], body="涉及诉讼")  # flagged, then returned
    cycle.ok(s6, "screen", {"decision": "return", "reason": "涉诉"}, as_=SYSTEM)

    for sid, reply_class in ((s1, "A"), (s2, "B"), (s3, "C")):
        cycle.handle_and_reply(sid, "U450102-EDU", reply_class)
    cycle.rate(s1, LEAD, "satisfied", "satisfied")
    cycle.rate(s2, LEAD, "satisfied", "satisfied")
    cycle.rate(s3, LEAD, "dissatisfied", "dissatisfied")
    cycle.ok(s3, "second_assign", {"meeting_note": "面谈"}, as_=SYSTEM)
    cycle.handle_and_reply(s3, "U450102-EDU", "A")
    cycle.rate(s3, LEAD, "satisfied", "satisfied")

    cycle.advance(100)  # past the 2 June deadline
    cycle.handle_and_reply(s4, "U450102-HEALTH", "B")
    cycle.rate(s4, LEAD, "satisfied", "basically_satisfied")


def _get(cycle: Cycle, path: str, key: str = SYSTEM) -> dict:
    answer = cycle.system.client.get(path, headers=cycle.system.headers(key))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_figures_match_a_hand_count(cycle: Cycle) -> None:
    _fixture(cycle)
    figures = _get(cycle, "/workflow/v1/figures?tenant=450102&year=2026")
    assert figures["counts"] == {
        "assigned": 5,
        "closed": 3,
        "replied": 4,
        "replied_on_time": 3,
        "done": 2,
        "evaluated": 4,
        "satisfied": 3,
        "basically_satisfied": 1,
        "second_assignments": 1,
    }
    assert figures["rates"] == {
        "closure": 0.6,
        "on_time": 0.75,
        "done": 0.4,
        "satisfaction": 1.0,
        "strict_satisfaction": 0.75,
    }
    assert figures["by_state"] == {"closed": 3, "awaiting_meeting": 1, "assigned": 1, "returned": 1}
    assert figures["by_class"] == {"A": 2, "B": 2}
    assert figures["by_colour"] == {"white": 1}  # only the one still in handling

    units = {u["unit_id"]: u for u in _get(cycle, "/workflow/v1/figures/units?year=2026")["items"]}
    assert units["U450102-EDU"]["rates"] == {
        "closure": 1.0,
        "on_time": 1.0,
        "done": 0.6667,
        "satisfaction": 1.0,
        "strict_satisfaction": 1.0,
    }
    assert units["U450102-HEALTH"]["counts"]["replied_on_time"] == 0
    assert units["U450102-HEALTH"]["rates"]["closure"] == 0.0

    best = _get(cycle, "/workflow/v1/figures/best-units?tenant=450102&year=2026")
    assert best["items"] == [{"unit_id": "U450102-EDU", "score": 0.9333}]
    assert "at least 3 suggestions" in best["formula"]

    empty = _get(cycle, "/workflow/v1/figures?tenant=450102&year=2025")
    assert empty["counts"]["assigned"] == 0 and empty["rates"]["closure"] is None


def test_figures_are_scoped_to_the_key(cycle: Cycle) -> None:
    _fixture(cycle)
    city = _get(cycle, "/workflow/v1/figures", key="city_reader")
    assert city["counts"]["assigned"] == 5
    neighbour = cycle.key("system", node="450103")
    own = _get(cycle, "/workflow/v1/figures", key=neighbour)
    assert own["counts"]["assigned"] == 0
    answer = cycle.system.client.get(
        "/workflow/v1/figures?tenant=450102", headers=cycle.system.headers(neighbour)
    )
    assert answer.status_code == 404


def test_a_city_id_counts_its_whole_tree(cycle: Cycle) -> None:
    _fixture(cycle)
    reader = "city_reader"
    city = _get(cycle, "/workflow/v1/figures?tenant=450100&year=2026", key=reader)
    assert city == _get(cycle, "/workflow/v1/figures?year=2026", key=reader)
    assert city == _get(cycle, "/workflow/v1/figures?tenant=450102&year=2026", key=reader)
    assert city["counts"]["assigned"] == 5 and city["rates"]["closure"] == 0.6

    by_city = _get(cycle, "/workflow/v1/figures/units?tenant=450100", key=reader)["items"]
    by_county = _get(cycle, "/workflow/v1/figures/units?tenant=450102", key=reader)["items"]
    assert by_city == by_county and len(by_city) == 2
    best = _get(cycle, "/workflow/v1/figures/best-units?tenant=450100&year=2026", key=reader)
    assert best["items"] == [{"unit_id": "U450102-EDU", "score": 0.9333}]

    township = _get(cycle, "/workflow/v1/figures?tenant=450102001", key=reader)
    assert township["counts"]["assigned"] == 0  # suggestions belong to the county itself

    county_key = cycle.system.client.get(
        "/workflow/v1/figures?tenant=450100", headers=cycle.system.headers(SYSTEM)
    )
    assert county_key.status_code == 404  # the city is beyond a county's reach


def test_the_public_feed_of_a_city_shows_its_counties(cycle: Cycle) -> None:
    _fixture(cycle)
    client = cycle.system.client
    county = client.get("/workflow/v1/public/suggestions?tenant=450102").get_json()
    city = client.get("/workflow/v1/public/suggestions?tenant=450100").get_json()
    assert county["total"] == 3
    assert city == county
    neighbour = client.get("/workflow/v1/public/suggestions?tenant=450103").get_json()
    assert neighbour == {"total": 0, "items": []}
    nowhere = client.get("/workflow/v1/public/suggestions?tenant=999999").get_json()
    assert nowhere == {"total": 0, "items": []}


def test_the_monthly_trend_counts_every_suggestion_of_the_scope(cycle: Cycle) -> None:
    _fixture(cycle)  # all filed in March 2026; three closed in March; the clock is now in June
    months = _get(cycle, "/workflow/v1/figures/by-month?tenant=450102&year=2026")["items"]
    assert (months[0]["month"], months[-1]["month"], len(months)) == ("2025-07", "2026-06", 12)
    assert {m["month"]: (m["filed"], m["closed"]) for m in months if m["filed"] or m["closed"]} == {
        "2026-03": (6, 3)
    }
    three = _get(cycle, "/workflow/v1/figures/by-month?months=3")["items"]
    assert [m["month"] for m in three] == ["2026-04", "2026-05", "2026-06"]


def test_a_month_is_a_month_in_china_not_in_utc(cycle: Cycle) -> None:
    cycle.clock.advance(timedelta(days=29, hours=16, minutes=30))  # 31 March 2026, 18:30 UTC
    cycle.file(cosigner_ids=[])  # 1 April 02:30 in Nanning
    months = _get(cycle, "/workflow/v1/figures/by-month?months=2")["items"]
    assert months == [
        {"month": "2026-03", "filed": 0, "closed": 0},
        {"month": "2026-04", "filed": 1, "closed": 0},
    ]


def test_the_red_list_is_asked_for_by_colour(cycle: Cycle) -> None:
    late = cycle.file(cosigner_ids=[])
    cycle.file(cosigner_ids=[])
    cycle.advance(100)  # both past their deadline, unanswered
    cycle.tick()
    red = _get(cycle, "/workflow/v1/suggestions?state=assigned&colour=red")
    assert red["total"] == 2 and late in {s["id"] for s in red["items"]}
    assert _get(cycle, "/workflow/v1/suggestions?colour=white")["total"] == 0
    answer = cycle.system.client.get(
        "/workflow/v1/suggestions?colour=purple", headers=cycle.system.headers(SYSTEM)
    )
    assert answer.status_code == 422 and "colour" in str(answer.get_json())
