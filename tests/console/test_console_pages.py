"""What the pages show each person: exports, adjust requests, a deputy's points."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook

from services.scoring.store import PointsEntry
from tests.console.conftest import Console, csrf
from tests.console.test_console_security import filed, page


def test_lists_export_as_csv_and_xlsx_safe_for_spreadsheets(console: Console) -> None:
    filed(console, title='=HYPERLINK("http://x")关于公式的建议')
    committee = console.client("xn.committee")
    csv_text = committee.get("/console/suggestions.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff编号,标题")
    assert "'=HYPERLINK" in csv_text
    answer = committee.get("/console/suggestions.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "标题")
    assert any(row[1].startswith("'=HYPERLINK") for row in rows[1:])


def test_a_units_adjust_request_reaches_the_committee(console: Console) -> None:
    sid = filed(console, title="应由住建局办理的建议")
    unit = console.client("xn.edu")
    answer = unit.post(
        f"/console/suggestions/{sid}/act/request_adjustment",
        data={
            "csrf_token": csrf(unit, f"/console/suggestions/{sid}"),
            "idempotency_key": uuid.uuid4().hex,
            "reason": "属住建局职责",
        },
    )
    assert answer.status_code == 302
    assert "申请调整：已受理" in page(unit, f"/console/suggestions/{sid}")[1]
    assert "本单位办理状态" in page(unit, "/console/suggestions")[1]
    committee = console.client("xn.committee")
    assert "申请调整" in page(committee, "/console/suggestions")[1]
    detail = page(committee, f"/console/suggestions/{sid}")[1]
    assert "属住建局职责" in detail and 'id="form-assign"' in detail


def test_a_deputy_sees_own_suggestions_and_points(console: Console) -> None:
    filed(console, title="代表本人的建议")
    status, body = page(console.client("xn.d001"), "/console/mine")
    assert status == 200
    assert "代表本人的建议" in body
    assert 'id="points-total"' in body
    assert page(console.client("xn.d001"), "/console/dashboard")[0] == 403


def test_a_long_ledger_shows_its_latest_hundred_entries_and_the_whole_balance(
    console: Console,
) -> None:
    scoring = next(rt for rt in console.system.runtimes if rt.name == "scoring")
    start = datetime(2025, 1, 6, 2, tzinfo=UTC)
    with scoring.db.transaction() as session:
        session.add_all(
            PointsEntry(
                tenant="450102",
                tenant_path="/450100/450102/",
                deputy_id="D450102-002",
                activity="training",
                points=Decimal("0.5"),
                reason=f"学习培训第{n}期",
                source=f"test-ledger:{n}",
                occurred_at=start + timedelta(days=n),
                recorded_at=start + timedelta(days=n),
            )
            for n in range(1, 121)
        )
    body = page(console.client("xn.d002"), "/console/mine")[1]
    assert 'id="points-total">60</span>' in body
    assert "最近 100 条，共 120 条" in body
    assert "学习培训第120期" in body and "学习培训第20期" not in body


def test_the_dashboard_charts_twelve_months_and_lists_the_red_items(console: Console) -> None:
    filed(console, title="图表里数到的建议")
    status, body = page(console.client("xn.committee"), "/console/dashboard")
    assert status == 200
    assert "每月提交（近 12 个月）" in body and "每月办结（近 12 个月）" in body
    assert body.count('class="label">20') >= 24  # a bar per month in each chart
    assert "没有超期的建议" in body
