"""The duty points pages: the committee's ranking and flags, a deputy's own statement."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from services.scoring.admin import set_flag_rule
from tests.api.helpers import bearer, idem, new_key, wait_for
from tests.console.conftest import Console
from tests.console.test_console_security import page


def test_the_committee_ranks_and_a_deputy_reads_their_statement(console: Console) -> None:
    s = console.system
    office = bearer(new_key(s, "450102001", "system"))
    answer = s.client.post(
        "/intake/v1/duty-activities",
        json={"deputy_id": "D450102-001", "activity": "inspection", "occurred_on": "2026-02-03"},
        headers={**office, "Idempotency-Key": idem()},
    )
    assert answer.status_code == 202
    receipt = answer.get_json()["href"]
    wait_for(lambda: s.client.get(receipt, headers=office).get_json()["status"] == "accepted")
    set_flag_rule(s.runtime("scoring").db, "450102", Decimal(10), (), datetime.now(UTC))

    committee = console.client("xn.committee")
    status, html = page(committee, "/console/points?place=450102&period=2026-Q1")
    assert status == 200
    name = s.runtime("scoring").directory.deputy("D450102-001").name
    assert f"<td>1</td><td>{name}</td><td>2</td>" in html
    assert "points 2.00 below 2.47" in html  # 10 a year, a quarter's share
    assert "履职积分" in html  # the nav link

    deputy = console.client("xn.d001")
    status, html = page(deputy, "/console/my-points?period=2026")
    assert status == 200 and 'id="statement-total">2<' in html and "视察" in html
    assert page(deputy, "/console/points")[0] == 403
    assert page(committee, "/console/points?place=450102&period=2026-Q9")[0] == 400


def test_the_committee_files_activities_one_or_a_sheet(console: Console) -> None:
    import io

    from tests.console.conftest import csrf

    committee = console.client("xn.committee")
    token = csrf(committee, "/console/activities")
    single = {
        "csrf_token": token,
        "deputy_id": "D450102-002",
        "activity": "survey",
        "occurred_on": "2026-03-04",
        "organiser": "county",
        "office_id": "450102001",
    }
    answer = committee.post("/console/activities", data=single)
    assert answer.status_code == 200 and "已记入积分" in answer.get_data(as_text=True)
    refused = committee.post("/console/activities", data={**single, "duration_hours": "-2"})
    assert refused.status_code == 422 and "duration_hours" in refused.get_data(as_text=True)
    sheet = (
        "deputy_id,activity,occurred_on,organiser,office_id\n"
        "D450102-002,training,2026-03-05,county,450102001\n"
        "D450103-001,training,2026-03-05,county,450102001\n"
    )
    upload = committee.post(
        "/console/activities/upload",
        data={"csrf_token": token, "sheet": (io.BytesIO(sheet.encode()), "三月.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 422
    assert "line 3.deputy_id" in upload.get_data(as_text=True)
    assert console.client("xn.d001").get("/console/activities").status_code == 403


def test_the_committee_publishes_a_list_and_anyone_reads_it(console: Console) -> None:
    from tests.console.conftest import csrf

    s = console.system
    office = bearer(new_key(s, "450102100", "system"))
    answer = s.client.post(
        "/intake/v1/duty-activities",
        json={"deputy_id": "D450102-004", "activity": "training", "occurred_on": "2026-01-09"},
        headers={**office, "Idempotency-Key": idem()},
    )
    receipt = answer.get_json()["href"]
    wait_for(lambda: s.client.get(receipt, headers=office).get_json()["status"] == "accepted")
    committee = console.client("xn.committee")
    path = "/console/points?place=450102100&period=2026-Q1"
    assert 'id="publish"' in page(committee, path)[1]
    form = {"csrf_token": csrf(committee, path), "place": "450102100", "period": "2026-Q1"}
    published = committee.post("/console/points/publish", data=form)
    assert published.status_code == 302
    assert "已发布，公示后不再变动" in page(committee, path)[1]
    again = committee.post("/console/points/publish", data=form)
    assert "未发布" in page(committee, again.headers["Location"])[1]

    anyone = console.client()
    listing = page(anyone, "/console/public/points?place=450102")[1]
    assert "2026-Q1" in listing
    list_id = s.client.get("/scoring/v1/public/points-lists?place=450102100").get_json()["items"][
        0
    ]["id"]
    shown = page(anyone, f"/console/public/points?place=450102&list={list_id}")[1]
    name = s.runtime("scoring").directory.deputy("D450102-004").name
    assert f"<td>1</td><td>{name}</td><td>1</td>" in shown


def test_the_committee_records_an_interview_and_the_deputy_is_told(console: Console) -> None:
    from tests.console.conftest import csrf

    committee = console.client("xn.committee")
    form = {
        "csrf_token": csrf(committee, "/console/interviews"),
        "deputy_id": "D450102-005",
        "period": "2026",
        "reason": "全年未进站履职",
        "decided_on": "2027-01-12",
    }
    refused = committee.post("/console/interviews", data={**form, "period": "2026-Q5"})
    assert refused.status_code == 422 and "period" in refused.get_data(as_text=True)
    answer = committee.post("/console/interviews", data=form)
    assert answer.status_code == 302
    html = page(committee, "/console/interviews")[1]
    assert "约谈决定已记录" in html and "全年未进站履职" in html
    s = console.system
    told = wait_for(
        lambda: s.client.get(
            "/notify/v1/inbox?recipient=deputy:D450102-005", headers=s.headers()
        ).get_json()["items"]
    )
    assert told[0]["subject"] == "履职约谈通知"


def test_a_review_round_is_scored_by_rater_group_and_announced_on_screen(
    console: Console,
) -> None:
    from tests.console.conftest import csrf

    committee = console.client("xn.committee")
    token = csrf(committee, "/console/reviews")
    opening = {
        "csrf_token": token,
        "model": "onsite",
        "subject": "unit",
        "official": "兴宁区教育局",
        "post": "建议督办会",
        "unit_id": "U450102-EDU",
        "groups": "代表 60\n常委会组成人员 40",
    }
    refused = committee.post("/console/reviews", data={**opening, "unit_id": ""})
    assert refused.status_code == 422 and "unit_id" in refused.get_data(as_text=True)
    opened = committee.post("/console/reviews", data=opening)
    assert opened.status_code == 302, opened.get_data(as_text=True)
    round_page = opened.headers["Location"]
    round_id = round_page.rstrip("/").split("/")[-1]
    status, html = page(committee, round_page)
    assert status == 200 and "现场评分录入（按评分组，无记名）" in html
    screen = f"/console/reviews/{round_id}/screen"
    assert 'id="wait"' in page(committee, screen)[1]

    def send(command: str, **fields: str) -> object:
        return committee.post(
            f"/console/reviews/{round_id}/{command}", data={"csrf_token": token, **fields}
        )

    too_high = send("ballots", group="代表", scores="90 101")
    assert too_high.status_code == 422 and "scores" in too_high.get_data(as_text=True)
    assert send("ballots", group="代表", scores="90，80 70").status_code == 302
    assert "已录 3 张" in page(committee, round_page)[1]
    assert send("ballots", group="常委会组成人员", scores="60").status_code == 302
    opinion = committee.post(
        f"/console/reviews/{round_id}/opinion",
        data={"csrf_token": token, "approved_on": "2026-05-28", "sent_to": ["government", "unit"]},
    )
    assert opinion.status_code == 302
    assert "2026-05-28 主任会议通过，送政府、被评议对象所在单位" in page(committee, round_page)[1]
    assert send("announce", opinion_received_on="2026-06-01").status_code == 302
    html = page(committee, screen)[1]
    assert "72 分 · 基本满意" in html and 'id="wait"' not in html  # 80×60% + 60×40%
    assert send("plan_received", received_on="2026-06-20").status_code == 302
    assert "2026-06-20 已报送" in page(committee, round_page)[1]
    assert "兴宁区教育局" in page(committee, "/console/reviews")[1]
    assert page(console.client("xn.d001"), screen)[0] == 403


def test_a_dissatisfied_official_gets_the_admonishing_talk_recorded_before_repeating(
    console: Console,
) -> None:
    from tests.console.conftest import csrf

    committee = console.client("xn.committee")
    token = csrf(committee, "/console/reviews")
    opened = committee.post(
        "/console/reviews",
        data={
            "csrf_token": token,
            "model": "written",
            "subject": "official",
            "official": "陆某",
            "post": "区水利局局长",
        },
    )
    assert opened.status_code == 302, opened.get_data(as_text=True)
    round_page = opened.headers["Location"]
    round_id = round_page.rstrip("/").split("/")[-1]

    def send(command: str, **fields: str) -> object:
        return committee.post(
            f"/console/reviews/{round_id}/{command}", data={"csrf_token": token, **fields}
        )

    assert 'id="form-talk"' not in page(committee, round_page)[1]  # no result yet
    assert send("written", score="55").status_code == 302
    assert send("announce", opinion_received_on="2026-06-01").status_code == 302
    html = page(committee, round_page)[1]
    assert "诫勉谈话、再行报告" in html and 'id="form-talk"' in html
    early = send("talk", held_on="2026-05-20", held_by="区人大常委会副主任 黄某", note="")
    assert early.status_code == 422 and "held_on" in early.get_data(as_text=True)
    held = send("talk", held_on="2026-06-05", held_by="区人大常委会副主任 黄某", note="限期整改")
    assert held.status_code == 302
    html = page(committee, round_page)[1]
    assert "2026-06-05，区人大常委会副主任 黄某：限期整改" in html
    assert 'id="form-talk"' not in html


def test_the_stars_page_proposes_duty_stars_and_the_committee_confirms(
    console: Console,
) -> None:
    from tests.console.conftest import csrf

    s = console.system
    office = bearer(new_key(s, "450102001", "system"))
    answer = s.client.post(
        "/intake/v1/duty-activities",
        json={"deputy_id": "D450102-006", "activity": "station_duty", "occurred_on": "2025-05-06"},
        headers={**office, "Idempotency-Key": idem()},
    )
    receipt = answer.get_json()["href"]
    wait_for(lambda: s.client.get(receipt, headers=office).get_json()["status"] == "accepted")
    committee = console.client("xn.committee")
    status, html = page(committee, "/console/stars?year=2025")
    name = s.runtime("scoring").directory.deputy("D450102-006").name
    assert status == 200 and name in html and 'id="no-rating"' in html
    form = {
        "csrf_token": csrf(committee, "/console/stars?year=2025"),
        "year": "2025",
        "deputy_ids": ["D450102-006"],
    }
    assert committee.post("/console/stars", data=form).status_code == 302
    html = page(committee, "/console/stars?year=2025")[1]
    assert "履职之星已确认" in html and f'id="confirmed">{name}<' in html

    units = [
        {"node_id": "450102001", "kind": "centre", "opinions_handled": 3, "duty_shifts": 9},
        {"node_id": "450102001-S1", "kind": "station", "opinions_handled": 1, "duty_shifts": 2},
    ]
    answer = s.client.post(
        "/intake/v1/station-ratings",
        json={"year": 2025, "units": [{**u, "activities": 1} for u in units]},
        headers={**bearer(new_key(s, "450102", "committee")), "Idempotency-Key": idem()},
    )
    assert answer.status_code == 202, answer.get_json()
    wait_for(lambda: 'id="station-stars"' in page(committee, "/console/stars?year=2025")[1])
    html = page(committee, "/console/stars?year=2025")[1]
    # One unit in each group: no five-star place (round(0.2) = 0), four stars by round(0.5).
    assert html.count("<td>★★★★</td>") == 2 and "中心联络站" in html
