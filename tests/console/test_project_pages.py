"""The public project pages: a vote's result with its seal, progress, the notice board."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

from renda.demo import deputy_id
from services.workflow.domain.calendar import local_date
from tests.console.conftest import Console, csrf
from tests.support.projects import an_implementing_project

CANDIDATES = [{"id": f"P{n:02d}", "title": f"民生实事项目{n}"} for n in range(1, 4)]


def _post(console: Console, path: str, body: dict, key: str) -> dict:
    answer = console.system.client.post(
        path,
        json=body,
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 202, answer.get_json()
    receipt = answer.get_json()
    return (
        console.system.settled_receipt(receipt["id"], key_name="committee")
        if (receipt["status"] == "pending")
        else receipt
    )


def _form(client, path: str, data: dict) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    answer = client.post(path, data={"csrf_token": csrf(client, "/console/projects"), **data})
    return answer.status_code, answer.headers.get("Location", ""), answer.get_data(as_text=True)


def test_the_public_reads_a_votes_result_and_seal_without_signing_in(console: Console) -> None:
    directory = console.system.runtime("intake").directory
    console.system.keys["committee"] = directory.create_key("450102", "committee")
    terminal = directory.create_key("450102", "system")
    roll = [deputy_id("450102", n) for n in range(1, 11)]
    body = {
        "title": "民生实事项目票决",
        "seats": 1,
        "candidates": CANDIDATES,
        "roll": roll,
        "present": roll,
    }
    committee = console.system.keys["committee"]
    vote_id = _post(console, "/intake/v1/votes", body, committee)["resource"]["id"]
    for _ in range(300):
        if (
            console.system.client.get(
                f"/intake/v1/votes/{vote_id}", headers={"Authorization": f"Bearer {committee}"}
            ).status_code
            == 200
        ):
            break
        time.sleep(0.05)  # the door opens when intake has taken `vote.opened` in
    for n, deputy in enumerate(roll):
        choice = ["P01"] if n < 7 else ["P02"]
        ballot = {"deputy_id": deputy, "choices": choice}
        assert (
            _post(console, f"/intake/v1/votes/{vote_id}/ballots", ballot, terminal)["status"]
            == "accepted"
        )
    assert _post(console, f"/intake/v1/votes/{vote_id}/close", {}, committee)["status"] == (
        "accepted"
    )
    seal = console.system.client.get(f"/workflow/v1/public/votes/{vote_id}").get_json()["seal"]

    page = console.client().get(f"/console/public/votes/{vote_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "实到 10 人，投票 10 张" in text
    assert "<td>民生实事项目1</td><td>7</td>" in text and "当选" in text
    assert seal in text and "全部 10 张选票" in text
    for deputy in roll:
        assert deputy not in text

    listing = console.client().get("/console/public/projects?tenant=450102")
    assert listing.status_code == 200 and "民生实事项目进度公开" in listing.get_data(as_text=True)
    assert console.client().get("/console/public/votes/no-such-vote").status_code == 404


def test_a_projects_trail_group_progress_and_problems_from_the_pages(console: Console) -> None:
    today = local_date(console.system.runtime("workflow").clock.now())
    project_id = an_implementing_project(
        console.system,
        supervision={deputy_id("450102", 1): "跟踪招标与施工"},
        planned_on=today - timedelta(days=200),  # two thirds of the time gone, nothing done
        deadline=today + timedelta(days=100),
    )
    committee = console.client("xn.committee")
    listing = committee.get("/console/projects?year=2027").get_data(as_text=True)
    assert f"/console/projects/{project_id}" in listing and "进度滞后" in listing
    page = committee.get(f"/console/projects/{project_id}").get_data(as_text=True)
    assert "代表监督小组" in page and "跟踪招标与施工" in page

    path = f"/console/projects/{project_id}"
    status, location, _ = _form(
        committee, f"{path}/report_problem", {"reporter": "居民代表李某", "text": "夜间施工扰民"}
    )
    assert status == 302 and location.endswith(path)
    page = committee.get(path).get_data(as_text=True)
    assert "问题已登记" in page and "夜间施工扰民" in page and "应于" in page
    problem_id = re.search(r'name="problem_id" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    waiting = committee.get("/console/projects/problems?unanswered=true").get_data(as_text=True)
    assert "夜间施工扰民" in waiting
    _form(
        committee, f"{path}/answer_problem", {"problem_id": problem_id, "answer": "已调整施工时间"}
    )
    page = committee.get(path).get_data(as_text=True)
    assert "答复：已调整施工时间" in page
    waiting = committee.get("/console/projects/problems?unanswered=true").get_data(as_text=True)
    assert "夜间施工扰民" not in waiting

    _form(committee, f"{path}/progress", {"period": "2027-13", "percent": "30"})
    assert "未能提交" in committee.get(path).get_data(as_text=True)  # intake named the period
    unit = console.client("xn.housing")
    assert f"/console/projects/{project_id}" in unit.get("/console/projects").get_data(as_text=True)
    _form(unit, f"{path}/progress", {"period": "2027-Q2", "percent": "30", "note": "主体完工"})
    page = unit.get(path).get_data(as_text=True)
    assert "进度已报送" in page and "2027-Q2：30%" in page
    assert _form(unit, f"{path}/report_problem", {"reporter": "x", "text": "y"})[0] == 404

    raters = [deputy_id("450102", n) for n in range(1, 4)]
    status, location, _ = _form(
        committee,
        f"{path}/score",
        {"month": "2027-05", "roll": "\n".join(raters), "present": "\n".join(raters)},
    )
    assert status == 302 and "/console/votes/" in location, location
    score_vote = location.rsplit("/", 1)[1]
    for _ in range(200):  # the door opens when intake has taken `vote.opened` in
        door = committee.get(f"/console/votes/{score_vote}/terminal")
        if door.status_code == 200:
            break
        time.sleep(0.05)
    assert "10 分" in door.get_data(as_text=True) and "1 分" in door.get_data(as_text=True)
    refused = _form(committee, f"{path}/score", {"month": "2027-5", "roll": raters[0]})[1]
    assert "未能开始评议" in committee.get(refused).get_data(as_text=True)

    tasks = console.client("xn.d001").get("/console/projects/tasks").get_data(as_text=True)
    assert "老旧小区加装电梯" in tasks and "跟踪招标与施工" in tasks and "进度 30%" in tasks
    none = console.client("xn.d002").get("/console/projects/tasks").get_data(as_text=True)
    assert "您目前没有监督任务" in none
    deputy = console.client("xn.d001")
    assert "完成督办任务" in tasks

    def finish(action: str, report: str) -> tuple[int, str]:
        token = csrf(deputy, "/console/projects/tasks")
        answer = deputy.post(f"{path}/{action}", data={"csrf_token": token, "report": report})
        return answer.status_code, answer.headers.get("Location", "")

    assert finish("task_done", "")[1].endswith("/console/projects/tasks")
    assert "未能提交" in deputy.get("/console/projects/tasks").get_data(as_text=True)
    assert finish("task_done", "招标合规，施工质量抽查合格") == (302, "/console/projects/tasks")
    done = deputy.get("/console/projects/tasks").get_data(as_text=True)
    assert "督办任务已完成" in done and "招标合规，施工质量抽查合格" in done
    assert '<h3 class="h4">完成督办任务</h3>' not in done
    assert finish("progress", "x")[0] == 404  # a deputy's page posts only their own task

    public = console.client()
    report = public.get("/console/public/projects/report?tenant=450102&year=2027&period=2027-Q2")
    text = report.get_data(as_text=True)
    assert report.status_code == 200 and "季度通报" in text and "通报批评" in text
    assert re.search(r"<td>老旧小区加装电梯</td><td>[^<]*住房和城乡建设局</td><td>30%</td>", text)
    assert "共反映 1 件，已答复 1 件" in text
    best = public.get("/console/public/projects/best-units?tenant=450102&year=2027")
    assert best.status_code == 200 and "没有符合条件的单位" in best.get_data(as_text=True)
    css = public.get("/console/static/console.css").get_data(as_text=True)
    assert "@media print" in css  # the boards' copies print without the navigation


def test_the_committee_issues_the_quarters_notice_once_naming_the_units_behind(
    console: Console,
) -> None:
    """The quarterly notice as a formal notice (通报批评): numbered and archived by notify,
    each unit behind schedule named with its project, targets and progress; the same
    period issued again is the same notice."""
    today = local_date(console.system.runtime("workflow").clock.now())
    an_implementing_project(
        console.system,
        title="背街小巷路灯改造",
        targets="安装路灯300盏",
        progress_percent=10,
        planned_on=today - timedelta(days=200),
        deadline=today + timedelta(days=100),
    )
    committee = console.client("xn.committee")
    assert "印发季度通报" in committee.get("/console/projects").get_data(as_text=True)
    period = {"year": "2027", "period": "2027-Q3"}
    status, location, _ = _form(committee, "/console/projects/report/notice", period)
    assert status == 302 and "/console/notices" in location, location
    archive = committee.get(location).get_data(as_text=True)
    number = re.search(r"通报 (\S+号) 已印发", archive).group(1)  # type: ignore[union-attr]
    notices = console.system.client.get(
        "/notify/v1/notices?q=民生实事项目进展情况",
        headers=console.system.headers("county_system_450102"),
    ).get_json()["items"]
    (issued,) = [n for n in notices if "第三季度" in n["title"]]
    assert issued["number"] == number and issued["kind"] == "notice"
    assert "通报批评" in issued["body"]
    assert "住房和城乡建设局：背街小巷路灯改造，目标“安装路灯300盏”，完成进度10%" in issued["body"]
    assert any(r.endswith("住房和城乡建设局") for r in issued["recipients"])
    pdf = committee.get(f"/console/notices/{issued['id']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"

    status, location, _ = _form(committee, "/console/projects/report/notice", period)
    again = committee.get(location).get_data(as_text=True)
    assert f"本期通报已印发：{number}" in again
    notices = console.system.client.get(
        "/notify/v1/notices?q=第三季度", headers=console.system.headers("county_system_450102")
    ).get_json()["items"]
    assert [n["number"] for n in notices] == [number]

    bad = _form(committee, "/console/projects/report/notice", {"year": "2027", "period": "2027-Q5"})
    assert bad[0] == 400 and "查询条件有误" in bad[2]
    assert _form(console.client("xn.housing"), "/console/projects/report/notice", period)[0] == 403


def test_constituents_evaluate_a_completed_project_on_its_public_page(console: Console) -> None:
    """After completion (seeds/000): the public page shows the counts per grade and kind
    of evaluator and takes a constituent's evaluation without an account; the committee's
    page shows the counts and the comments, the phone only masked."""
    directory = console.system.runtime("intake").directory
    key = console.system.keys.setdefault("committee", directory.create_key("450102", "committee"))
    done = an_implementing_project(console.system, title="社区卫生服务站改造")
    waiting = an_implementing_project(console.system, title="农贸市场提升改造")
    progress = {"period": "2027-Q2", "percent": 100}
    assert _post(console, f"/intake/v1/projects/{done}/progress", progress, key)["status"] == (
        "accepted"
    )
    page_of = f"/console/public/projects/{done}/evaluate"
    public = console.client()

    def evaluate(path: str, data: dict, address: str = "10.0.3.1") -> tuple[int, str, str]:
        answer = public.post(
            path,
            data={"csrf_token": csrf(public, path), **data},
            environ_overrides={"REMOTE_ADDR": address},
        )
        return answer.status_code, answer.headers.get("Location", ""), answer.get_data(True)

    mine = {"quality": "good", "effect": "fair", "comment": "诊室宽敞了", "phone": "13812341234"}
    for _ in range(200):  # the form takes evaluations once intake has heard of completion
        status, location, _ = evaluate(page_of, mine)
        if status == 303:
            break
        time.sleep(0.05)
    assert status == 303 and location.endswith(page_of), status
    page = public.get(page_of).get_data(as_text=True)
    assert "感谢您的评价" in page and "社区卫生服务站改造" in page
    counted = r"<td>群众</td><td>1</td>\s*<td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>"
    for _ in range(100):  # counted once workflow has recorded it
        if re.search(counted, page):
            break
        time.sleep(0.05)
        page = public.get(page_of).get_data(as_text=True)
    assert re.search(counted, page), page
    assert "评价截止日期" in page

    status, _, text = evaluate(page_of, {"quality": "good"}, "10.0.3.2")
    assert status == 422 and 'id="effect-error"' in text
    status, _, text = evaluate(f"/console/public/projects/{waiting}/evaluate", mine)
    assert status == 422 and "项目完成后方可评价" in text
    listing = public.get("/console/public/projects?tenant=450102").get_data(as_text=True)
    assert f"/console/public/projects/{done}/evaluate" in listing
    assert f"/console/public/projects/{waiting}/evaluate" not in listing

    committee = console.client("xn.committee").get(f"/console/projects/{done}")
    text = committee.get_data(as_text=True)
    assert "完成后评价" in text and "诊室宽敞了" in text and "138****1234" in text
    assert "13812341234" not in text
