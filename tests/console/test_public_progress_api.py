"""GET /workflow/v1/public/progress: what the console's public pages are built on."""

from __future__ import annotations

from tests.console.conftest import Console
from tests.console.test_console_security import filed


def test_progress_is_public_filterable_and_impersonal(console: Console) -> None:
    filed(console, title="关于公交线路延伸的建议", category="transport")
    client = console.system.client
    answer = client.get("/workflow/v1/public/progress?tenant=450102&category=transport&q=公交")
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    assert [i["title"] for i in items] == ["关于公交线路延伸的建议"]
    item = items[0]
    assert item["state"] == "assigned" and item["lead_unit"] == "兴宁区交通运输局"
    assert not {"lead_deputy_id", "cosigner_ids", "body", "id"} & set(item)
    none = client.get("/workflow/v1/public/progress?tenant=450103&category=transport&q=公交")
    assert none.get_json()["total"] == 0


def test_progress_refuses_a_bad_filter_with_a_problem(console: Console) -> None:
    answer = console.system.client.get("/workflow/v1/public/progress?state=returned")
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["field"].endswith("state")
