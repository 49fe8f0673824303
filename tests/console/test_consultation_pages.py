"""Consultations on draft laws in the console: the committee plans a draft, the public
page takes an opinion without sign-in or JavaScript, the contact point records a forum,
merges a duplicate and reports, the committee sees the reports side by side and records
what was adopted; the public page then shows the outcome per article."""

from __future__ import annotations

import io
import re
import time
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict
from werkzeug.test import Client

from contracts.zone import SHANGHAI
from runtime.clock import FixedClock
from tests.acceptance.test_consultations import COUNTY, PLAN
from tests.console.conftest import Console, csrf, start_console
from tests.support.cycle import START
from tests.support.handlers import NEIGHBOUR

S1, S2 = "450102001-S1", "450102002-S1"
PHONE = "13812341234"


def _form(client: Client, path: str, data: dict | list, page: str) -> object:
    fields = data if isinstance(data, list) else list(data.items())
    return client.post(path, data=MultiDict([("csrf_token", csrf(client, page)), *fields]))


def _point_account(console: Console) -> str:
    if "xn.s1" not in console.passwords:
        console.system.runtimes[0].directory.accounts.create(
            "xn.s1",
            name="民生街道基层立法联系点",
            password="point-pass-1",
            node_id=S1,
            role="committee",
            subject=None,
        )
        console.passwords["xn.s1"] = "point-pass-1"
    return "xn.s1"


def _today() -> date:
    """The congress's date (Asia/Shanghai), which the console's forms are checked by: from
    16:00 UTC on, the machine's date is still yesterday's there."""
    return datetime.now(SHANGHAI).date()


def plan_in_console(console: Console) -> tuple[Client, str]:
    committee = console.client("xn.committee")
    deadline = (_today() + timedelta(days=10)).isoformat()
    answer = _form(
        committee,
        "/console/consultations",
        [
            ("title", "南宁市养犬管理条例（草案）"),
            ("issuing_body", "南宁市人大常委会法制工作委员会"),
            (
                "articles",
                "为了规范养犬行为，制定本条例。\n\n养犬人应当为犬只办理登记。\n\n禁止在公共场所遛犬不牵绳。",
            ),
            ("deadline", deadline),
            ("station_id", S1),
            ("deputies_450102001-S1", "D450102001-001"),
            ("station_id", S2),
            ("questions", "登记费用是否合理？"),
        ],
        "/console/consultations",
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    cid = answer.headers["Location"].rsplit("/", 1)[1]
    return committee, cid


def test_a_draft_through_the_console(console: Console) -> None:
    committee, cid = plan_in_console(console)
    public = console.client()
    page = public.get(f"/console/c/{cid}").get_data(as_text=True)
    assert "养犬人应当为犬只办理登记" in page and "<h3>第3条</h3>" in page
    assert "登记费用是否合理" in page and 'name="phone"' in page

    # Hostile input is refused on the page, naming the field.
    bad = _form(
        public,
        f"/console/c/{cid}",
        {"station_id": S1, "text": "x", "phone": "12345"},
        f"/console/c/{cid}",
    )
    assert bad.status_code == 422 and "11 digits" in bad.get_data(as_text=True)

    codes = []
    for text in ("登记应当免费", "登记不应收费"):
        left = _form(
            public,
            f"/console/c/{cid}",
            {"station_id": S1, "article": "2", "text": text, "phone": PHONE},
            f"/console/c/{cid}",
        )
        assert left.status_code == 303, left.get_data(as_text=True)
        codes.append(left.headers["Location"].rsplit("/", 1)[1])

    point = console.client(_point_account(console))
    detail = f"/console/consultations/{cid}"
    deadline = time.monotonic() + 10
    while "登记不应收费" not in (shown := point.get(detail).get_data(as_text=True)):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert "138****1234" in shown and PHONE not in shown
    assert (
        _form(
            point,
            f"{detail}/record-gathering",
            {
                "kind": "forum",
                "held_on": _today().isoformat(),
                "participants": "9",
                "opinions": "3：遛犬必须牵绳\n总体赞同",
            },
            detail,
        ).status_code
        == 303
    )
    deputy = _form(
        point,
        f"{detail}/record-opinion",
        {"deputy_id": "D450102001-001", "article": "1", "text": "代表建议明确立法目的"},
        detail,
    )
    assert deputy.status_code == 303, deputy.get_data(as_text=True)
    ids = dict(
        re.findall(
            r'<option value="([0-9a-f-]{36})">(\w{10}) ', point.get(detail).get_data(as_text=True)
        )
    )
    by_code = {code: oid for oid, code in ids.items()}
    merged = _form(
        point,
        f"{detail}/merge",
        {"opinion_id": by_code[codes[1]], "into_id": by_code[codes[0]]},
        detail,
    )
    assert merged.status_code == 303
    reported = _form(point, f"{detail}/report", {"summary": "群众关注登记收费。"}, detail)
    assert reported.status_code == 303
    # Another district's committee cannot read it.
    assert console.client("qx.committee").get(detail).status_code == 404

    side = committee.get(detail).get_data(as_text=True)
    assert "-R1" in side and "群众关注登记收费" in side
    report_link = re.search(rf'href="(/console/consultations/{cid}/reports/[^"]+)"', side).group(1)
    printable = committee.get(report_link).get_data(as_text=True)
    assert "意见报告" in printable and "合并 1 条相同意见" in printable and PHONE not in printable
    _the_report_as_pdf(console, committee, cid, report_link, printable, codes)

    submitted = re.findall(r'name="opinion_id" value="([0-9a-f-]{36})"', side)
    assert len(submitted) == 4
    first = by_code[codes[0]]
    answer = _form(
        committee,
        f"{detail}/answer",
        [
            ("opinion_id", first),
            (f"adoption_{first}", "partly"),
            (f"reason_{first}", "首次登记免费"),
        ],
        detail,
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    shown = public.get(f"/console/c/{cid}").get_data(as_text=True)
    assert "部分采纳 1 条" in shown and "首次登记免费" in shown
    status = public.get(f"/console/c/status/{codes[1]}").get_data(as_text=True)
    assert "已合并：部分采纳" in status and PHONE not in status


def _the_report_as_pdf(
    console: Console, committee: Client, cid: str, report_link: str, printable: str, codes: list
) -> None:
    """The report page links its PDF; the PDF (the console's and the API's alike) carries
    the number, the draft and its issuing body, the participation and the opinions by
    article with the merged duplicates counted; another district gets 404 for both."""
    number = re.search(r'id="report-number">([^<]+)<', printable).group(1)
    pdf_link = re.search(r'id="report-pdf" href="([^"]+)"', printable).group(1)
    answer = committee.get(pdf_link)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
    flat = re.sub(r"\s+", "", text)
    for shown in (
        number,
        "关于《南宁市养犬管理条例（草案）》的意见报告",
        "南宁市人大常委会法制工作委员会",
        "民生街道",
        "座谈会1场",
        "群众关注登记收费",
        "第2条",
        "登记应当免费",
        f"{codes[0]}1条",  # the kept opinion's code, then its one merged duplicate counted
    ):
        assert shown in flat, (shown, text)
    assert PHONE not in text
    assert console.client("qx.committee").get(pdf_link).status_code == 404

    report_id = report_link.rsplit("/", 1)[1]
    api_path = f"/workflow/v1/consultations/{cid}/reports/{report_id}.pdf"
    workflow = console.system.runtime("workflow").directory
    own = {"Authorization": f"Bearer {workflow.create_key(COUNTY, 'committee', label='pdf')}"}
    from_api = console.system.client.get(api_path, headers=own)
    assert from_api.status_code == 200 and from_api.mimetype == "application/pdf"
    assert number in PdfReader(io.BytesIO(from_api.data)).pages[0].extract_text()
    other = {"Authorization": f"Bearer {workflow.create_key(NEIGHBOUR, 'committee', label='x')}"}
    refused = console.system.client.get(api_path, headers=other)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"


def test_after_the_deadline_the_page_says_so_and_takes_nothing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    clock = FixedClock(START)
    started = start_console(tmp_path_factory.mktemp("closing"), clock=clock)
    try:
        committee = started.system.runtimes[0].directory.create_key(COUNTY, "committee")
        answer = started.system.client.post(
            "/intake/v1/consultations",
            json=PLAN,
            headers={"Authorization": f"Bearer {committee}", "Idempotency-Key": "plan-1"},
        )
        started.system.keys["closing"] = committee
        cid = started.system.settled_receipt(answer.get_json()["id"], "closing")["resource"]["id"]
        point = started.client()
        path = f"/console/c/{cid}"
        deadline = time.monotonic() + 10
        while (
            _form(point, path, {"station_id": S1, "article": "1", "text": "赞同"}, path).status_code
            != 303
        ):
            assert time.monotonic() < deadline  # until intake heard of the draft
            time.sleep(0.1)
        clock.advance(timedelta(days=15))  # the day after the deadline
        page = point.get(path).get_data(as_text=True)
        assert "征求意见已于 2026-03-16 截止，不再接收意见。" in page and "<textarea" not in page
        # A page opened before the deadline, posted after it (the token from any page).
        refused = _form(
            point, path, {"station_id": S1, "article": "1", "text": "补充"}, "/console/sign-in"
        )
        assert refused.status_code == 422
        assert "征求意见已截止，不再接收意见。" in refused.get_data(as_text=True)
    finally:
        started.system.stop()
