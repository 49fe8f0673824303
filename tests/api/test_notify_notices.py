"""Formal notices (通报): numbered, told to their recipients, printable, searchable."""

from __future__ import annotations

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
