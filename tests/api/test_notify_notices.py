"""Formal notices (通报) and notice-board lists (公示栏): numbered, told to their
recipients, printable as HTML and PDF, searchable."""

from __future__ import annotations

import io
import uuid
from datetime import datetime

import pytest
from pypdf import PdfReader

from contracts.zone import SHANGHAI
from tests.support.system import InProcessSystem

NOTICE = {
    "title": "关于2026年代表建议办理情况的通报",
    "body": "现将今年代表建议办理情况通报如下。\n请各单位认真落实。",
    "figures": [{"label": "建议总数", "value": "128"}, {"label": "满意率", "value": "96.1%"}],
    "recipients": ["unit:U450102-EDU", "directors:450102"],
}


def _committee(system: InProcessSystem) -> dict[str, str]:
    key = system.runtime("notify").directory.create_key("450102", "committee", label="t")
    return {"Authorization": f"Bearer {key}"}


def test_a_notice_is_numbered_told_printed_and_found(shared_api: InProcessSystem) -> None:
    system = shared_api
    committee = _committee(system)
    first = system.client.post("/notify/v1/notices", json=NOTICE, headers=committee)
    assert first.status_code == 201, first.get_json()
    second = system.client.post("/notify/v1/notices", json=NOTICE, headers=committee)
    one, two = first.get_json(), second.get_json()
    assert one["number"].endswith("〔2026〕1号") and two["number"].endswith("〔2026〕2号")
    assert one["recipients"] == ["兴宁区教育局", "兴宁区人大常委会主任会议"]

    page = system.client.get(one["href"], headers=committee)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for text in (one["number"], "关于2026年代表建议办理情况的通报", "满意率", "96.1%", "@page"):
        assert text in html

    unit = system.headers("unit_450102_EDU")
    inbox = system.client.get("/notify/v1/inbox?recipient=unit:U450102-EDU", headers=unit)
    assert [m["kind"] for m in inbox.get_json()["items"]][:2] == ["notice.issued"] * 2

    found = system.client.get("/notify/v1/notices?q=办理情况", headers=committee).get_json()
    assert {n["id"] for n in found["items"]} >= {one["id"], two["id"]}
    reader = system.headers("city_reader")
    assert system.client.get(f"/notify/v1/notices/{one['id']}", headers=reader).status_code == 200
    none = system.client.get("/notify/v1/notices?q=没有这个词", headers=committee).get_json()
    assert none["items"] == []


def test_a_notice_to_no_such_recipient_names_the_field(shared_api: InProcessSystem) -> None:
    system = shared_api
    body = {**NOTICE, "recipients": ["unit:U450102-EDU", "unit:NOPE"]}
    answer = system.client.post("/notify/v1/notices", json=body, headers=_committee(system))
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == [
        {"field": "recipients.1", "reason": "No recipient unit:NOPE."}
    ]
    by_unit = system.client.post(
        "/notify/v1/notices", json=NOTICE, headers=system.headers("unit_450102_EDU")
    )
    assert by_unit.status_code == 403


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_notice_prints_as_a_pdf_in_chinese(shared_api: InProcessSystem) -> None:
    system = shared_api
    committee = _committee(system)
    notice = system.client.post("/notify/v1/notices", json=NOTICE, headers=committee).get_json()
    pdf = system.client.get(notice["pdf"], headers=committee)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    for words in (notice["number"], "关于2026年代表建议办理情况的通报", "兴宁区教育局", "96.1%"):
        assert words in text
    elsewhere = system.runtime("notify").directory.create_key("450103", "committee", label="t")
    other = {"Authorization": f"Bearer {elsewhere}"}
    assert system.client.get(notice["pdf"], headers=other).status_code == 404


BOARD = {
    "title": "2026年第一季度代表履职积分公示",
    "columns": ["代表", "所在单位", "积分"],
    "rows": [["张三", "民生街道", "12"], ["李四", "新竹街道", "9"]],
    "note": "公示期5个工作日，如有异议请向区人大常委会选联工委反映。",
}


def test_a_notice_board_list_is_numbered_archived_and_printed(
    shared_api: InProcessSystem,
) -> None:
    system = shared_api
    committee = _committee(system)
    answer = system.client.post("/notify/v1/notices/boards", json=BOARD, headers=committee)
    assert answer.status_code == 201, answer.get_json()
    board = answer.get_json()
    assert board["kind"] == "board" and board["number"].endswith("号（公示）")
    assert board["recipients"] == [] and board["rows"] == BOARD["rows"]

    html = system.client.get(board["href"], headers=committee).get_data(as_text=True)
    for words in ("积分公示", "所在单位", "李四", "公示期5个工作日"):
        assert words in html
    text = _pdf_text(system.client.get(board["pdf"], headers=committee).data)
    for words in ("积分公示", "所在单位", "李四", "新竹街道"):
        assert words in text

    boards = system.client.get("/notify/v1/notices?kind=board", headers=committee).get_json()
    assert [b["id"] for b in boards["items"]] == [board["id"]]
    by_number = system.client.get(
        "/notify/v1/notices", query_string={"q": board["number"]}, headers=committee
    ).get_json()
    assert [b["id"] for b in by_number["items"]] == [board["id"]]
    # The archive's dates are the congress's (Asia/Shanghai): from 16:00 UTC on, that is
    # already tomorrow's date.
    today = datetime.fromisoformat(board["issued_at"]).astimezone(SHANGHAI).date()
    dated = system.client.get(
        f"/notify/v1/notices?kind=board&issued_from={today}&issued_to={today}", headers=committee
    ).get_json()
    assert [b["id"] for b in dated["items"]] == [board["id"]]
    later = system.client.get(
        "/notify/v1/notices?issued_from=2099-01-01", headers=committee
    ).get_json()
    assert later["items"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rows": [["张三", "12"]]}, "rows.0"),
        ({"columns": []}, "columns"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_board_gets_a_problem_naming_the_field(
    shared_api: InProcessSystem, change: dict, field: str
) -> None:
    answer = shared_api.client.post(
        "/notify/v1/notices/boards", json={**BOARD, **change}, headers=_committee(shared_api)
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["field"] == field


def test_a_backwards_date_range_names_the_field(shared_api: InProcessSystem) -> None:
    answer = shared_api.client.get(
        "/notify/v1/notices?issued_from=2026-03-02&issued_to=2026-03-01",
        headers=_committee(shared_api),
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["field"] == "issued_from"


def test_a_notice_sent_again_with_its_idempotency_key_is_the_same_notice(
    shared_api: InProcessSystem,
) -> None:
    system = shared_api
    keyed = {**_committee(system), "Idempotency-Key": str(uuid.uuid4())}
    body = {**NOTICE, "title": "关于重复提交的通报", "recipients": ["unit:U450102-EDU"]}
    first = system.client.post("/notify/v1/notices", json=body, headers=keyed)
    again = system.client.post("/notify/v1/notices", json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201), again.get_json()
    assert again.get_json()["number"] == first.get_json()["number"]
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers

    unit = system.headers("unit_450102_EDU")
    inbox = system.client.get("/notify/v1/inbox?recipient=unit:U450102-EDU", headers=unit)
    told = [m for m in inbox.get_json()["items"] if first.get_json()["number"] in m["subject"]]
    assert len(told) == 1

    other = system.client.post(
        "/notify/v1/notices", json={**body, "title": "另一份通报"}, headers=keyed
    )
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    as_board = system.client.post("/notify/v1/notices/boards", json=BOARD, headers=keyed)
    assert as_board.status_code == 422
    assert as_board.get_json()["errors"][0]["field"] == "Idempotency-Key"
    archived = system.client.get(
        "/notify/v1/notices", query_string={"q": "重复提交"}, headers=keyed
    ).get_json()
    assert [n["id"] for n in archived["items"]] == [first.get_json()["id"]]


def test_a_board_sent_again_with_its_idempotency_key_is_the_same_board(
    shared_api: InProcessSystem,
) -> None:
    system = shared_api
    committee = _committee(system)
    keyed = {**committee, "Idempotency-Key": str(uuid.uuid4())}
    first = system.client.post("/notify/v1/notices/boards", json=BOARD, headers=keyed)
    again = system.client.post("/notify/v1/notices/boards", json=BOARD, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201), again.get_json()
    assert again.get_json()["number"] == first.get_json()["number"]
    other = system.client.post(
        "/notify/v1/notices/boards", json={**BOARD, "note": "另一个说明"}, headers=keyed
    )
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    # The key is the issuing node's: another county's committee may use the same one.
    elsewhere = system.runtime("notify").directory.create_key("450103", "committee", label="t")
    theirs = system.client.post(
        "/notify/v1/notices/boards",
        json=BOARD,
        headers={
            "Authorization": f"Bearer {elsewhere}",
            "Idempotency-Key": keyed["Idempotency-Key"],
        },
    )
    assert theirs.status_code == 201 and theirs.get_json()["id"] != first.get_json()["id"]


def test_the_notify_document_shows_the_optional_idempotency_key(
    shared_api: InProcessSystem,
) -> None:
    doc = shared_api.client.get("/notify/v1/openapi.json").get_json()
    for path in ("/notify/v1/notices", "/notify/v1/notices/boards"):
        post = doc["paths"][path]["post"]
        (key,) = [p for p in post["parameters"] if p["name"] == "Idempotency-Key"]
        assert key["in"] == "header" and not key.get("required")
        assert {"201", "422"} <= set(post["responses"])
