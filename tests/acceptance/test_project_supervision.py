"""Supervising an elected project (docs/domain.md §3): constituents' representatives report
problems on the works to the township, which answers within the congress's working days."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import select

from renda.demo import deputy_id, member_id
from services.scoring.store import PointsEntry
from services.workflow import working_days
from services.workflow.domain.calendar import add_working_days, local_date
from services.workflow.projects.store import Proposal, VoteRuleSet
from tests.support.cycle import Cycle
from tests.support.projects import an_implementing_project as implementing


def an_implementing_project(cycle: Cycle, **changes: Any) -> str:
    return implementing(cycle.system, **changes)


def post(cycle: Cycle, path: str, body: Any, as_: str) -> Any:
    return cycle.system.client.post(
        path, json=body, headers=cycle.system.headers(as_, **{"Idempotency-Key": uuid.uuid4().hex})
    )


def act(cycle: Cycle, project_id: str, action: str, body: dict, as_: str) -> dict:
    answer = post(cycle, f"/intake/v1/projects/{project_id}/{action}", body, as_)
    assert answer.status_code == 202, answer.get_json()
    return cycle.system.settled_receipt(answer.get_json()["id"], key_name=as_)


def get(cycle: Cycle, path: str, as_: str) -> Any:
    answer = cycle.system.client.get(path, headers=cycle.system.headers(as_))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_problem_report_is_answered_by_the_township_within_its_working_days(
    cycle: Cycle,
) -> None:
    with cycle.system.runtime("workflow").db.transaction() as session:
        session.add(VoteRuleSet(tenant="450102", settings={"problem_answer_working_days": 3}))
    project_id = an_implementing_project(cycle)
    committee = cycle.key("committee", node="450102")
    report = {"reporter": "居民代表王某", "text": "施工围挡占用消防通道"}
    assert act(cycle, project_id, "report_problem", report, committee)["status"] == "accepted"

    (problem,) = get(cycle, "/workflow/v1/projects/problems?unanswered=true", committee)["items"]
    today = local_date(cycle.clock.now())
    assert problem["due"] == add_working_days(today, 3, working_days.is_working_day).isoformat()
    assert (problem["reporter"], problem["text"]) == (report["reporter"], report["text"])
    assert problem["project_title"] == "老旧小区加装电梯" and not problem["overdue"]
    neighbour = cycle.key("committee", node="450103")
    assert get(cycle, "/workflow/v1/projects/problems", neighbour)["items"] == []

    cycle.advance(10)  # ten calendar days hold more than three working days
    (late,) = get(cycle, "/workflow/v1/projects/problems", committee)["items"]
    assert late["overdue"]

    stranger = {"problem_id": str(uuid.uuid4()), "answer": "已处理"}
    refused = act(cycle, project_id, "answer_problem", stranger, committee)
    assert refused["status"] == "rejected" and refused["field"] == "problem_id"
    answer = {"problem_id": problem["id"], "answer": "已督促施工单位当日移除围挡"}
    assert act(cycle, project_id, "answer_problem", answer, committee)["status"] == "accepted"
    twice = act(cycle, project_id, "answer_problem", answer, committee)
    assert twice["status"] == "rejected" and "answered already" in twice["reason"]

    assert get(cycle, "/workflow/v1/projects/problems?unanswered=true", committee)["items"] == []
    detail = get(cycle, f"/workflow/v1/projects/{project_id}", committee)
    (answered,) = detail["problems"]
    assert answered["answer"] == answer["answer"] and not answered["overdue"]
    assert [t["kind"] for t in detail["trail"]][-2:] == ["problem", "answer"]


def test_problem_reports_and_answers_refuse_hostile_input_naming_the_field(cycle: Cycle) -> None:
    project_id = an_implementing_project(cycle)
    committee = cycle.key("committee", node="450102")
    path = f"/intake/v1/projects/{project_id}"
    cases: list[tuple[str, Any, set[str]]] = [
        ("report_problem", {}, {"reporter", "text"}),
        ("report_problem", {"reporter": "", "text": "x"}, {"reporter"}),
        ("report_problem", {"reporter": "王", "text": "x" * 5001}, {"text"}),
        ("report_problem", {"reporter": "王", "text": "x", "deputy_id": "D1"}, {"deputy_id"}),
        ("report_problem", {"reporter": ["王"], "text": 7}, {"reporter", "text"}),
        ("report_problem", ["not", "an", "object"], {"body"}),
        ("answer_problem", {"answer": "done"}, {"problem_id"}),
        ("answer_problem", {"problem_id": "p" * 37, "answer": "done"}, {"problem_id"}),
        ("answer_problem", {"problem_id": "p", "answer": None}, {"answer"}),
    ]
    for action, body, named in cases:
        answer = post(cycle, f"{path}/{action}", body, committee)
        assert answer.status_code == 422, (action, body, answer.get_json())
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        fields = {e["field"] for e in answer.get_json()["errors"]}
        assert named <= fields, (action, body, fields)
    deputy = cycle.key("deputy", "D450102-001")
    not_theirs = post(cycle, f"{path}/report_problem", {"reporter": "王", "text": "x"}, deputy)
    assert not_theirs.status_code == 403
    bad_query = cycle.system.client.get(
        "/workflow/v1/projects/problems?unanswered=maybe", headers=cycle.system.headers(committee)
    )
    assert bad_query.status_code == 422
    assert [e["field"] for e in bad_query.get_json()["errors"]] == ["unanswered"]
    too_long = cycle.system.client.get(
        f"/workflow/v1/projects?supervisor={'D' * 33}", headers=cycle.system.headers(committee)
    )
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.get_json()["errors"]] == ["supervisor"]


def test_a_problem_is_reported_only_on_a_project_under_way(cycle: Cycle) -> None:
    project_id = an_implementing_project(cycle)
    with cycle.system.runtime("workflow").db.transaction() as session:
        session.get(Proposal, project_id).stage = "elected"  # type: ignore[union-attr]
    committee = cycle.key("committee", node="450102")
    early = act(cycle, project_id, "report_problem", {"reporter": "王", "text": "x"}, committee)
    assert early["status"] == "rejected" and "implementing or completed" in early["reason"]


def test_the_quarterly_notice_names_the_units_behind_and_the_best_units_are_ranked(
    cycle: Cycle,
) -> None:
    late = an_implementing_project(cycle)
    today = local_date(cycle.clock.now())
    an_implementing_project(
        cycle, unit="EDU", stage="completed", progress_percent=100, completed_on=today
    )
    committee = cycle.key("committee", node="450102")
    report_problem = {"reporter": "居民代表", "text": "进度缓慢"}
    assert act(cycle, late, "report_problem", report_problem, committee)["status"] == "accepted"
    cycle.advance(120)  # a third of the plan's time gone, nothing done

    for node in ("450102", "450100"):  # the county, and the city above it
        answer = cycle.system.client.get(
            f"/workflow/v1/public/projects/report?tenant={node}&year=2027&period=2027-Q2"
        )
        assert answer.status_code == 200, answer.get_json()
        report = answer.get_json()
        assert report["kind"] == "quarterly notice" and report["period"] == "2027-Q2"
        assert [(b["id"], b["unit_id"]) for b in report["behind"]] == [(late, "U450102-HOUSING")]
        assert report["behind"][0]["unit_name"].endswith("住房和城乡建设局")
        assert report["counts"]["voted"] == 2 and report["counts"]["on_time"] == 1
        assert report["problems"] == {"reported": 1, "answered": 0, "overdue": 1}
        notice = report["notice"]  # the text the committee issues as a formal notice
        assert notice["title"] == "关于2027年度民生实事项目进展情况的通报（2027年第二季度）"
        assert (
            "住房和城乡建设局：老旧小区加装电梯，目标“完成12部电梯”，完成进度0%" in notice["body"]
        )
        assert {"label": "进度滞后", "value": "1"} in notice["figures"]
        assert notice["idempotency_key"] == f"project-report:{node}:2027:2027-Q2"
    half = cycle.system.client.get(
        "/workflow/v1/public/projects/report?tenant=450102&year=2027&period=2027-H1"
    )
    assert half.get_json()["kind"] == "half-year report"

    best = cycle.system.client.get(
        "/workflow/v1/public/projects/best-units?tenant=450102&year=2027"
    )
    assert [u["unit_id"] for u in best.get_json()["items"]] == ["U450102-EDU"]

    hostile = {
        "/workflow/v1/public/projects/report?tenant=450102&year=2027&period=2027-Q5": "period",
        "/workflow/v1/public/projects/report?tenant=450102&period=2027-Q1": "year",
        "/workflow/v1/public/projects/report?tenant=450102&year=1066&period=2027-Q1": "year",
        "/workflow/v1/public/projects/best-units?tenant=450102&year=x": "year",
        "/workflow/v1/public/projects/best-units?year=2027": "tenant",
    }
    for path, field in hostile.items():
        answer = cycle.system.client.get(path)
        assert answer.status_code == 422, (path, answer.get_json())
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.get_json()["errors"]] == [field], path
    unknown = cycle.system.client.get(
        "/workflow/v1/public/projects/report?tenant=999999&year=2027&period=2027-Q1"
    )
    assert unknown.status_code == 404


def test_the_monthly_anonymous_score_of_a_project_is_reported_as_its_mean(cycle: Cycle) -> None:
    """Committee, working-committee members and deputies on the roll score a project under
    way each month, secretly (the door, pool and register of every vote); the month's
    figure is the mean of the scores given."""
    project_id = an_implementing_project(cycle)
    committee = cycle.key("committee", node="450102")
    members = [member_id("450102", n) for n in (1, 2, 3)]  # two 常委会委员 and a 工委 member
    roll = members + [deputy_id("450102", n) for n in range(1, 10)]
    opening = {"month": "2027-05", "roll": roll, "present": roll[:10]}
    answer = post(cycle, f"/intake/v1/votes/score/{project_id}", opening, committee)
    opened = cycle.system.settled_receipt(answer.get_json()["id"], key_name=committee)
    assert opened["status"] == "accepted", opened
    vote_id = opened["resource"]["id"]
    terminal = cycle.key("system", node="450102")
    for _ in range(300):  # the door opens when intake has taken `vote.opened` in
        if (
            cycle.system.client.get(
                f"/intake/v1/votes/{vote_id}", headers=cycle.system.headers(terminal)
            ).status_code
            == 200
        ):
            break
        cycle.system.settled_receipt(opened["id"], key_name=committee, timeout=0.05)
    scores = [["9"], ["8"], ["8"], ["10"], ["7"], ["9"], ["6"], ["9"], [], ["8"]]
    for deputy, choices in zip(roll, scores, strict=False):
        ballot = {"deputy_id": deputy, "choices": choices}
        cast = post(cycle, f"/intake/v1/votes/{vote_id}/ballots", ballot, terminal)
        assert cast.status_code == 202, cast.get_json()
    refused = post(
        cycle,
        f"/intake/v1/votes/{vote_id}/ballots",
        {"deputy_id": roll[0], "choices": ["11"]},
        terminal,
    )
    assert refused.status_code == 409  # the first member has scored already
    closing = post(cycle, f"/intake/v1/votes/{vote_id}/close", {}, committee)
    closed = cycle.system.settled_receipt(closing.get_json()["id"], key_name=committee)
    assert closed["status"] == "accepted", closed

    told: list[dict] = []
    for _ in range(100):  # notify hears of the tally on its own queue
        told = [m for m in cycle.inbox("committee:450102") if m["kind"] == "vote.tallied"]
        if told:
            break
        time.sleep(0.05)
    assert told and "测评结果：平均 8.2 分" in told[0]["body"]

    def booked() -> list[str]:
        with cycle.system.runtime("scoring").db.session() as session:
            return sorted(
                session.scalars(
                    select(PointsEntry.deputy_id).where(PointsEntry.source.like(f"%{vote_id}%"))
                )
            )

    for _ in range(100):  # scoring hears `vote.voted` for everyone on the register, in id
        if len(booked()) >= 7:  # order: the deputies' (D…) before the members' (M…)
            break
        time.sleep(0.05)
    time.sleep(0.5)  # time for the members' three to be booked, were they
    assert booked() == roll[3:10]  # the seven deputies who scored; no member
    vote = cycle.system.client.get(f"/workflow/v1/public/votes/{vote_id}").get_json()
    assert vote["kind"] == "score" and vote["month"] == "2027-05"
    assert vote["result"]["score"] == 8.2 and vote["result"]["elected"] == []
    figure = cycle.system.client.get(f"/workflow/v1/public/projects/{project_id}/scores")
    assert figure.get_json()["items"] == [
        {"month": "2027-05", "score": 8.2, "ballots": 10, "blank": 1, "vote_id": vote_id}
    ]
    board = cycle.system.client.get(f"/workflow/v1/public/votes/{vote_id}/board").get_json()
    assert sorted(b["choices"] for b in board["ballots"]) == sorted(scores)

    hostile = [
        ({**opening, "roll": [*roll, member_id("450103", 1)]}, "roll"),  # another county's
        ({**opening, "roll": [*roll, "M-nobody"]}, "roll"),
        ({**opening, "month": "2027-13"}, "month"),
        ({"roll": roll, "present": roll}, "month"),
        ({**opening, "month": 202705}, "month"),
    ]
    for body, field in hostile:
        answer = post(cycle, f"/intake/v1/votes/score/{project_id}", body, committee)
        assert answer.status_code == 422, answer.get_json()
        assert [e["field"] for e in answer.get_json()["errors"]] == [field]
    election = {
        "title": "票决",
        "seats": 1,
        "candidates": [{"id": "a", "title": "甲"}, {"id": "b", "title": "乙"}],
        "roll": roll,
        "present": roll,
    }
    members_elect_nothing = post(cycle, "/intake/v1/votes", election, committee)
    assert members_elect_nothing.status_code == 422, members_elect_nothing.get_json()
    assert members[0] in members_elect_nothing.get_json()["detail"]
    elsewhere = post(cycle, f"/intake/v1/votes/score/{uuid.uuid4()}", opening, committee)
    not_a_project = cycle.system.settled_receipt(elsewhere.get_json()["id"], key_name=committee)
    assert not_a_project["status"] == "rejected" and not_a_project["field"] == "project_id"
    missing = cycle.system.client.get(f"/workflow/v1/public/projects/{uuid.uuid4()}/scores")
    assert missing.status_code == 404
