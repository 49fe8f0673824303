"""Offices file deputies' duty activities through intake: one, or a spreadsheet, all or none."""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from tests.api.helpers import assert_problem, bearer, idem, new_key, points, stored, wait_for
from tests.support.system import InProcessSystem

TOWNSHIP = "450102001"
HEADER = "deputy_id,activity,occurred_on,duration_hours,organiser,note\n"


@pytest.fixture(scope="module")
def keys(shared_system: InProcessSystem) -> dict[str, dict[str, str]]:
    s = shared_system
    return {
        "township": bearer(new_key(s, TOWNSHIP, "system")),
        "county": bearer(new_key(s, "450102", "committee")),
    }


def _settled(s: InProcessSystem, answer: Any, headers: dict[str, str]) -> dict[str, Any]:
    assert answer.status_code == 202, answer.get_json()
    return wait_for(
        lambda: (
            (r := s.client.get(answer.get_json()["href"], headers=headers).get_json())["status"]
            != "pending"
            and r
        )
    )


def _post(s: InProcessSystem, headers: dict[str, str], body: dict[str, Any], key: str = "") -> Any:
    return s.client.post(
        "/intake/v1/duty-activities",
        json=body,
        headers={**headers, "Idempotency-Key": key or idem()},
    )


def _upload(s: InProcessSystem, headers: dict[str, str], name: str, data: bytes, key: str = ""):
    return s.client.post(
        "/intake/v1/duty-activities/upload",
        json={"filename": name, "content": base64.b64encode(data).decode()},
        headers={**headers, "Idempotency-Key": key or idem()},
    )


def test_a_township_office_files_one_activity_and_the_deputy_earns_it(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    body = {"deputy_id": "D450102-006", "activity": "station_duty", "occurred_on": "2026-03-02"}
    receipt = _settled(
        s, _post(s, keys["township"], {**body, "duration_hours": "3.5"}), keys["township"]
    )
    assert receipt["status"] == "accepted", receipt
    filing = s.client.get(receipt["resource"]["href"], headers=keys["township"]).get_json()
    (entry,) = filing["entries"]
    assert (entry["points"], entry["office_path"]) == (2, f"/450100/450102/{TOWNSHIP}/")
    assert points(s, "D450102-006").get_json()["total"] == 2


def test_a_county_body_books_its_activity_to_the_deputys_township(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    body = {"deputy_id": "D450102-007", "activity": "inspection", "occurred_on": "2026-03-02"}
    assert_problem(_post(s, keys["county"], body), 422, "office_id")
    answer = _post(s, keys["county"], {**body, "organiser": "county", "office_id": TOWNSHIP})
    receipt = _settled(s, answer, keys["county"])
    (entry,) = s.client.get(receipt["resource"]["href"], headers=keys["county"]).get_json()[
        "entries"
    ]
    assert (entry["organiser"], entry["office_path"]) == ("county", f"/450100/450102/{TOWNSHIP}/")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"activity": "karaoke"}, "activity"),
        ({"activity": "suggestion"}, "activity"),  # credited from events, never filed
        ({"deputy_id": "D450103-001"}, "deputy_id"),
        ({"duration_hours": "-1"}, "duration_hours"),
        ({"office_id": "450102002"}, "office_id"),  # another township's office
    ],
)
def test_a_bad_filing_is_refused_before_any_receipt(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]], change: dict, field: str
) -> None:
    s = shared_system
    before = stored(s)
    body = {"deputy_id": "D450102-006", "activity": "training", "occurred_on": "2026-03-02"}
    assert_problem(_post(s, keys["township"], {**body, **change}), 422, field)
    assert stored(s) == before


def test_one_bad_row_among_500_refuses_the_sheet_with_its_line(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    lines = [
        f"D450102-008,training,2026-03-{1 + n % 28:02d},2,township,第{n}期\n" for n in range(500)
    ]
    lines[300] = "D450103-001,training,2026-03-05,2,township,邻区代表\n"  # line 302 of the file
    before = stored(s)
    body = assert_problem(
        _upload(s, keys["township"], "三月.csv", ("\ufeff" + HEADER + "".join(lines)).encode()),
        422,
        "line 302.deputy_id",
    )
    assert len(body["errors"]) == 1
    assert stored(s) == before
    assert points(s, "D450102-008").get_json()["total"] == 0


def test_an_xlsx_sheet_is_booked_whole(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    from datetime import date

    s = shared_system
    book = Workbook()
    sheet = book.active
    sheet.append(["deputy_id", "activity", "occurred_on", "duration_hours", "organiser"])
    sheet.append(["D450102-003", "session_attendance", date(2026, 1, 10), None, "county"])
    sheet.append(["D450102-003", "absence_without_leave", date(2026, 1, 11), None, "county"])
    sheet.append(["D450102-003", "survey", date(2026, 2, 1), 4, "township"])
    data = io.BytesIO()
    book.save(data)
    key = idem()
    receipt = _settled(
        s, _upload(s, keys["township"], "一月.xlsx", data.getvalue(), key), keys["township"]
    )
    assert receipt["status"] == "accepted", receipt
    assert points(s, "D450102-003").get_json()["total"] == 5 - 5 + 2
    # The same key with another file is a reuse, not a replay.
    other = _upload(
        s,
        keys["township"],
        "一月.csv",
        (HEADER + "D450102-003,training,2026-01-02,,township,\n").encode(),
        key,
    )
    assert_problem(other, 422, "Idempotency-Key")


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("a.txt", b"x", "upload a .csv"),
        ("a.csv", b"\xff\xfe", "UTF-8"),
        ("a.csv", b"deputy_id,activity\nD1,training\n", "header lacks"),
        ("a.xlsx", b"not a zip", "not an XLSX"),
        ("a.csv", HEADER.encode(), "no rows"),
    ],
)
def test_a_file_that_is_no_sheet_is_refused(
    shared_system: InProcessSystem,
    keys: dict[str, dict[str, str]],
    name: str,
    data: bytes,
    why: str,
) -> None:
    body = assert_problem(_upload(shared_system, keys["township"], name, data), 422, "content")
    assert why in body["detail"]


def test_the_committee_reverses_an_entry_with_its_reason(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    body = {"deputy_id": "D450102-004", "activity": "inspection", "occurred_on": "2026-03-02"}
    receipt = _settled(s, _post(s, keys["township"], body), keys["township"])
    filing = s.client.get(receipt["resource"]["href"], headers=keys["township"]).get_json()
    entry_id = filing["entries"][0]["id"]
    ask = {"entry_id": entry_id, "reason": "重复录入"}
    assert_problem(
        s.client.post(
            "/intake/v1/points-corrections",
            json=ask,
            headers={**keys["township"], "Idempotency-Key": idem()},
        ),
        403,
    )
    answer = s.client.post(
        "/intake/v1/points-corrections",
        json=ask,
        headers={**keys["county"], "Idempotency-Key": idem()},
    )
    settled = _settled(s, answer, keys["county"])
    assert settled["status"] == "accepted"
    reversed_entry = s.client.get(settled["resource"]["href"], headers=keys["county"])
    assert reversed_entry.get_json()["id"] == entry_id
    assert s.client.get("/scoring/v1/entries/x1", headers=keys["county"]).status_code == 404
    ledger = points(s, "D450102-004").get_json()
    assert ledger["total"] == 0
    assert ledger["entries"][1]["reason"] == "correction: 重复录入"
    assert ledger["entries"][1]["reverses_id"] == entry_id


def test_statements_and_rankings_for_any_period_and_as_csv(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    office = bearer(new_key(s, "450102002", "system"))
    county = keys["county"]  # a deputy's statement is read at their congress, or by them
    filed = [
        ("D450102-005", "station_duty", "2026-03-31"),
        ("D450102-005", "station_duty", "2026-04-01"),
        ("D450102-002", "report_to_constituents", "2026-03-15"),
        ("D450102-001", "training", "2026-02-01"),
        ("D450102-001", "training", "2026-02-02"),
    ]
    sheet = HEADER + "".join(f"{d},{a},{on},,township,\n" for d, a, on in filed)
    receipt = _settled(s, _upload(s, office, "a.csv", sheet.encode()), office)
    assert receipt["status"] == "accepted", receipt

    def total(period: str) -> Any:
        answer = s.client.get(
            "/scoring/v1/deputies/D450102-005/statement", query_string=period, headers=county
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["total"]

    assert [total("period=2026-Q1"), total("period=2026-Q2"), total("period=2026")] == [2, 2, 4]
    assert [total("period=2026-03"), total("from=2026-04-01&to=2026-04-01")] == [2, 2]
    quarter = s.client.get(
        "/scoring/v1/deputies/D450102-005/statement?period=2026-Q1", headers=county
    ).get_json()
    assert quarter["by_activity"] == [{"activity": "station_duty", "count": 1, "points": 2}]
    exported = s.client.get(
        "/scoring/v1/deputies/D450102-005/statement.csv?period=2026", headers=county
    )
    text = exported.get_data().decode("utf-8")
    assert exported.mimetype == "text/csv" and text.startswith("\ufeff日期,活动,积分,说明")
    assert "进站履职" in text and "合计,,4.00" in text

    ranked = s.client.get(
        "/scoring/v1/rankings?place=450102002&period=2026-Q1", headers=office
    ).get_json()
    assert ranked["items"] == [
        {"rank": 1, "deputy_id": "D450102-002", "total": 3},
        {"rank": 2, "deputy_id": "D450102-001", "total": 2},
        {"rank": 2, "deputy_id": "D450102-005", "total": 2},
    ]
    csv_text = (
        s.client.get("/scoring/v1/rankings.csv?place=450102002&period=2026-Q1", headers=office)
        .get_data()
        .decode("utf-8")
    )
    assert csv_text.splitlines()[0] == "\ufeff名次,代表,积分"
    # Another township's office, another county, a bad period: refused clearly.
    elsewhere = s.client.get(f"/scoring/v1/rankings?place={TOWNSHIP}&period=2026", headers=office)
    assert_problem(elsewhere, 404)
    assert_problem(
        s.client.get("/scoring/v1/rankings?place=450103&period=2026", headers=keys["county"]), 404
    )
    for bad in ("period=2026-Q5", "period=2026&from=2026-01-01", "from=2026-01-01"):
        assert_problem(
            s.client.get(f"/scoring/v1/deputies/D450102-005/statement?{bad}", headers=county), 422
        )


def test_a_published_list_is_read_by_anyone_and_frozen(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    office = bearer(new_key(s, "450102100", "system"))
    sheet = (
        HEADER
        + "D450102-001,survey,2026-01-05,,township,\nD450102-002,survey,2026-01-06,,township,\n"
    )
    assert _settled(s, _upload(s, office, "q1.csv", sheet.encode()), office)["status"] == "accepted"
    ask = {"place_id": "450102100", "period": "2026-Q1"}
    assert_problem(
        s.client.post(
            "/intake/v1/points-lists", json=ask, headers={**office, "Idempotency-Key": idem()}
        ),
        403,
    )
    for bad, field in (({"period": "2026-03"}, "period"), ({"place_id": "450103"}, "place_id")):
        answer = s.client.post(
            "/intake/v1/points-lists",
            json={**ask, **bad},
            headers={**keys["county"], "Idempotency-Key": idem()},
        )
        assert_problem(answer, 422, field)
    answer = s.client.post(
        "/intake/v1/points-lists", json=ask, headers={**keys["county"], "Idempotency-Key": idem()}
    )
    receipt = _settled(s, answer, keys["county"])
    assert receipt["status"] == "accepted", receipt
    published = s.client.get(receipt["resource"]["href"])  # no key
    assert published.status_code == 200
    names = [s.runtime("scoring").directory.deputy(f"D450102-00{n}").name for n in (1, 2)]
    assert [(r["rank"], r["deputy_name"], r["total"]) for r in published.get_json()["rows"]] == [
        (1, names[0], 2),
        (1, names[1], 2),
    ]
    listed = s.client.get("/scoring/v1/public/points-lists?place=450102").get_json()["items"]
    assert [(i["place_id"], i["period"]) for i in listed] == [("450102100", "2026-Q1")]
    exported = s.client.get(receipt["resource"]["href"] + ".csv").get_data().decode("utf-8")
    assert exported.startswith("\ufeff名次,代表,积分")
    second = s.client.post(
        "/intake/v1/points-lists", json=ask, headers={**keys["county"], "Idempotency-Key": idem()}
    )
    refused = _settled(s, second, keys["county"])
    assert (refused["status"], refused["reason"]) == (
        "rejected",
        "already published; a published list is frozen",
    )


def test_the_committee_reads_who_falls_behind(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from services.scoring.admin import set_flag_rule

    s = shared_system
    url = "/scoring/v1/flags?place=450102&period=2026-Q1"
    assert s.client.get(url, headers=keys["county"]).get_json()["items"] == []
    set_flag_rule(
        s.runtime("scoring").db,
        "450102",
        Decimal(20),
        ("session_attendance",),
        datetime.now(UTC),
    )
    items = {
        i["deputy_id"]: i for i in s.client.get(url, headers=keys["county"]).get_json()["items"]
    }
    assert items["D450102-008"]["reasons"] == ["points 0.00 below 4.93", "no session_attendance"]
    exported = s.client.get(url.replace("flags", "flags.csv"), headers=keys["county"])
    assert exported.get_data().decode("utf-8").startswith("\ufeff代表,积分,原因")
    deputy = bearer(new_key(s, "450102", "deputy", subject="D450102-008"))
    assert_problem(s.client.get(url, headers=deputy), 404)
    assert_problem(s.client.get(url.replace("450102", "450102001"), headers=keys["county"]), 404)


def test_an_interview_is_recorded_and_reaches_the_deputys_inbox(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    from tests.api.helpers import inbox

    s = shared_system
    body = {
        "deputy_id": "D450102-008",
        "period": "2026-Q1",
        "reason": "未参加会议",
        "decided_on": "2026-04-10",
    }
    assert_problem(
        s.client.post(
            "/intake/v1/interviews",
            json={**body, "deputy_id": "D450103-001"},
            headers={**keys["county"], "Idempotency-Key": idem()},
        ),
        422,
        "deputy_id",
    )
    answer = s.client.post(
        "/intake/v1/interviews", json=body, headers={**keys["county"], "Idempotency-Key": idem()}
    )
    receipt = _settled(s, answer, keys["county"])
    assert receipt["status"] == "accepted", receipt
    found = s.client.get(receipt["resource"]["href"], headers=keys["county"]).get_json()
    assert (found["deputy_id"], found["reason"]) == ("D450102-008", "未参加会议")
    listed = s.client.get("/scoring/v1/interviews?place=450102", headers=keys["county"])
    assert [i["id"] for i in listed.get_json()["items"]] == [found["id"]]
    told = wait_for(lambda: inbox(s, "deputy:D450102-008").get_json()["items"])
    assert told[0]["subject"] == "履职约谈通知"
    other = bearer(new_key(s, "450102", "deputy", subject="D450102-001"))
    assert_problem(s.client.get(receipt["resource"]["href"], headers=other), 404)


def test_the_committee_confirms_the_proposed_duty_stars(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    body = {"deputy_id": "D450102-007", "activity": "station_duty", "occurred_on": "2026-05-02"}
    assert _settled(s, _post(s, keys["township"], body), keys["township"])["status"] == "accepted"
    proposal = s.client.get(
        "/scoring/v1/duty-stars/proposal?place=450102&year=2026", headers=keys["county"]
    ).get_json()
    named = [item["deputy_id"] for item in proposal["items"]]
    assert "D450102-007" in named and proposal["items"][0]["rank"] == 1
    ask = {"place_id": "450102", "year": 2026, "deputy_ids": named[:2]}
    answer = s.client.post(
        "/intake/v1/duty-stars", json=ask, headers={**keys["county"], "Idempotency-Key": idem()}
    )
    receipt = _settled(s, answer, keys["county"])
    assert receipt["status"] == "accepted", receipt
    stars = s.client.get(receipt["resource"]["href"], headers=keys["county"]).get_json()
    assert [i["deputy_id"] for i in stars["items"]] == sorted(named[:2])
    assert_problem(s.client.get("/scoring/v1/duty-stars/450102-2025", headers=keys["county"]), 404)
    exported = s.client.get(
        "/scoring/v1/duty-stars/proposal.csv?place=450102&year=2026", headers=keys["county"]
    )
    assert exported.get_data().decode("utf-8").startswith("\ufeff名次,代表,加权得分,积分")
    bad_year = "/scoring/v1/duty-stars/proposal.csv?place=450102&year=20x6"
    assert_problem(s.client.get(bad_year, headers=keys["county"]), 422, "year")
    assert_problem(
        s.client.post(
            "/intake/v1/duty-stars",
            json={**ask, "place_id": "450103"},
            headers={**keys["county"], "Idempotency-Key": idem()},
        ),
        422,
        "place_id",
    )


def test_the_committee_rates_its_centres_and_stations(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    townships = ("450102001", "450102002", "450102100")
    units = [
        {"node_id": t, "kind": "centre", "opinions_handled": n, "duty_shifts": 5, "activities": 1}
        for n, t in enumerate(townships)
    ] + [
        {
            "node_id": f"{t}-S1",
            "kind": "station",
            "opinions_handled": 2,
            "duty_shifts": n,
            "activities": 0,
        }
        for n, t in enumerate(townships)
    ]
    for bad, field in (
        ({"year": 2026, "units": [{**units[0], "duty_shifts": -1}]}, "units.0.duty_shifts"),
        ({"year": 2026, "units": []}, "units"),
    ):
        answer = s.client.post(
            "/intake/v1/station-ratings",
            json=bad,
            headers={**keys["county"], "Idempotency-Key": idem()},
        )
        assert_problem(answer, 422, field)
    answer = s.client.post(
        "/intake/v1/station-ratings",
        json={"year": 2026, "units": units},
        headers={**keys["county"], "Idempotency-Key": idem()},
    )
    receipt = _settled(s, answer, keys["county"])
    assert receipt["status"] == "accepted", receipt
    rated = s.client.get(receipt["resource"]["href"], headers=keys["county"]).get_json()["items"]
    # 3 per group: 5★ round(0.6) = 1, 4★ to round(1.5) = 2, 3★ to round(2.4) = 2.
    assert [(r["node_id"], r["stars"], r["model"]) for r in rated] == [
        ("450102100", 5, True),
        ("450102002", 4, False),
        ("450102001", 0, False),
        ("450102100-S1", 5, True),
        ("450102002-S1", 4, False),
        ("450102001-S1", 0, False),
    ]
    exported = s.client.get(receipt["resource"]["href"] + ".csv", headers=keys["county"])
    lines = exported.get_data().decode("utf-8").splitlines()
    assert lines[0] == "\ufeff站点,类别,处理意见,值班,活动,得分,星级,示范站点"
    assert lines[1].split(",")[1:] == ["中心联络站", "2", "5", "1", "13.00", "5", "是"]
    neighbour = bearer(new_key(s, "450103", "committee"))
    assert_problem(s.client.get(receipt["resource"]["href"] + ".csv", headers=neighbour), 404)


def test_coverage_of_a_term_is_read_by_the_committee(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    url = "/scoring/v1/coverage?place=450102&from=2022-01-01&to=2026-12-31"
    figures = s.client.get(url, headers=keys["county"]).get_json()
    # Every deputy of the county's congress in the demo city, whoever else a test added.
    roll = len(s.runtime("scoring").directory.congress_deputies("450102"))
    assert figures["deputies"] == roll and 0 <= figures["took_part"] <= roll
    assert figures["took_part_share"] == float(
        (Decimal(100 * figures["took_part"]) / roll).quantize(Decimal("0.01"))
    )
    assert_problem(s.client.get(url, headers=bearer(new_key(s, "450103", "committee"))), 404)


def test_the_end_of_term_report_lists_every_deputy_and_is_scoped(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    term = "from=2022-01-01&to=2026-12-31"
    report = s.client.get(f"/scoring/v1/term-reports?place=450102&{term}", headers=keys["county"])
    assert report.status_code == 200, report.get_json()
    found = report.get_json()
    roll = s.runtime("scoring").directory.congress_deputies("450102")
    assert sorted(i["deputy_id"] for i in found["items"]) == sorted(d.id for d in roll)
    assert [i["total"] for i in found["items"]] == sorted(
        (i["total"] for i in found["items"]), reverse=True
    )
    assert found["coverage"]["deputies"] == len(roll)
    assert found["coverage"]["took_part"] == sum(i["took_part"] for i in found["items"])

    own = bearer(new_key(s, "450102", "deputy", subject="D450102-005"))
    mine = s.client.get(f"/scoring/v1/deputies/D450102-005/term-report?{term}", headers=own)
    assert mine.get_json() == next(i for i in found["items"] if i["deputy_id"] == "D450102-005")
    other = s.client.get(f"/scoring/v1/deputies/D450102-006/term-report?{term}", headers=own)
    assert_problem(other, 404)
    assert_problem(s.client.get(f"/scoring/v1/term-reports?place=450102&{term}", headers=own), 404)

    exported = s.client.get(
        f"/scoring/v1/term-reports.csv?place=450102&{term}", headers=keys["county"]
    )
    text = exported.get_data().decode("utf-8")
    assert exported.mimetype == "text/csv" and text.startswith("\ufeff名次,代表,选举单位,积分")
    assert f"进站履职代表,{found['coverage']['station_duty']}/{len(roll)}" in text

    neighbour = bearer(new_key(s, "450103", "committee"))
    url = f"/scoring/v1/term-reports?place=450102&{term}"
    assert_problem(s.client.get(url, headers=neighbour), 404)
    bad = "/scoring/v1/term-reports?place=450102&from=2026-12-31&to=2022-01-01"
    assert_problem(s.client.get(bad, headers=keys["county"]), 422, "period")
    assert_problem(
        s.client.get(f"/scoring/v1/term-reports?{term}", headers=keys["county"]), 422, "place"
    )


def test_a_deputys_points_are_reported_to_the_electing_unit_as_a_formal_notice(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    from tests.api.helpers import inbox

    s = shared_system
    county = keys["county"]

    def ask(body: dict[str, Any]) -> Any:
        return s.client.post(
            "/intake/v1/duty-reports", json=body, headers={**county, "Idempotency-Key": idem()}
        )

    body = {"deputy_id": "D450102-031", "period": "2025", "note": "请选举单位督促。"}
    # The directory knows no electing unit yet: refused at the door, nothing stored.
    before = stored(s)
    assert "electing unit" in assert_problem(ask(body), 422, "deputy_id")["detail"]
    assert_problem(ask({**body, "deputy_id": "D450103-001"}), 422, "deputy_id")
    assert_problem(ask({**body, "first_day": "2025-01-01"}), 422, "period")
    assert_problem(ask({"deputy_id": "D450102-031", "first_day": "2025-01-01"}), 422, "first_day")
    bad_span = {"deputy_id": "D450102-031", "first_day": "2025-02-01", "last_day": "2025-01-01"}
    assert_problem(ask(bad_span), 422, "last_day")
    assert_problem(ask({**body, "period": "2025-Q5"}), 422, "period")
    assert_problem(ask({**body, "colour": "red"}), 422, "colour")
    assert stored(s) == before

    s.runtime("scoring").directory.set_electing_unit("D450102-031", TOWNSHIP)
    filed = {"deputy_id": "D450102-031", "activity": "station_duty", "occurred_on": "2025-06-02"}
    assert _settled(s, _post(s, keys["township"], filed), keys["township"])["status"] == "accepted"
    receipt = _settled(s, ask(body), county)
    assert receipt["status"] == "accepted", receipt
    report = s.client.get(receipt["resource"]["href"], headers=county).get_json()
    assert (report["electing_node_id"], report["period"], report["total"]) == (TOWNSHIP, "2025", 2)
    assert report["figures"] == [
        {"activity": "station_duty", "label": "进站履职", "count": 1, "points": 2}
    ]
    listed = s.client.get("/scoring/v1/duty-reports?place=450102", headers=county).get_json()
    assert report["id"] in [r["id"] for r in listed["items"]]
    exported = s.client.get("/scoring/v1/duty-reports.csv?place=450102", headers=county)
    assert exported.get_data().decode("utf-8").startswith("\ufeff代表,选举单位,期间,积分")

    # notify numbers it as the county's notice and tells the township.
    search = "/notify/v1/notices?q=履职情况的通报"
    notices = wait_for(lambda: s.client.get(search, headers=county).get_json()["items"])
    notice = next(n for n in notices if "2025" in n["title"])
    assert notice["number"].startswith("450102〔") and "合计积分" in [
        f["label"] for f in notice["figures"]
    ]
    assert "请选举单位督促。" in notice["body"]
    told = wait_for(lambda: inbox(s, f"committee:{TOWNSHIP}").get_json()["items"])
    assert any(notice["number"] in m["subject"] for m in told)

    other = bearer(new_key(s, "450102", "deputy", subject="D450102-001"))
    assert_problem(s.client.get(receipt["resource"]["href"], headers=other), 404)
    own = bearer(new_key(s, "450102", "deputy", subject="D450102-031"))
    assert s.client.get(receipt["resource"]["href"], headers=own).status_code == 200


def test_the_ledger_comes_in_pages_beside_the_balance_of_all_of_it(
    shared_system: InProcessSystem, keys: dict[str, dict[str, str]]
) -> None:
    s = shared_system
    s.runtimes[0].directory.add_deputy("D450102-P01", "450102", "代表页", "county")
    sheet = HEADER + "".join(
        f"D450102-P01,training,2026-04-{day:02d},,township,第{day}期\n" for day in range(1, 8)
    )
    receipt = _settled(
        s, _upload(s, keys["township"], "四月.csv", sheet.encode()), keys["township"]
    )
    assert receipt["status"] == "accepted", receipt

    def ledger(**query: Any) -> dict[str, Any]:
        answer = s.client.get(
            "/scoring/v1/deputies/D450102-P01/points",
            query_string=query,
            headers=keys["county"],
        )
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    whole = ledger()
    assert whole["count"] == 7 and len(whole["entries"]) == 7
    per_entry = whole["entries"][0]["points"]
    first = ledger(limit=3)
    assert [e["reason"] for e in first["entries"]] == [e["reason"] for e in whole["entries"][:3]]
    assert (first["count"], first["total"]) == (7, whole["total"]) == (7, 7 * per_entry)
    rest = ledger(limit=3, offset=6)["entries"]
    assert [e["id"] for e in rest] == [whole["entries"][6]["id"]]
    newest = ledger(limit=2, newest_first="true")["entries"]
    assert [e["occurred_at"][:10] for e in newest] == ["2026-04-07", "2026-04-06"]
    for query, field in (
        ({"limit": 1001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": 10**30}, "offset"),
        ({"offset": -1}, "offset"),
        ({"newest_first": "maybe"}, "newest_first"),
    ):
        assert_problem(
            s.client.get(
                "/scoring/v1/deputies/D450102-P01/points",
                query_string=query,
                headers=keys["county"],
            ),
            422,
            field,
        )
