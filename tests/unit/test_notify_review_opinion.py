"""The written review opinion, once approved, becomes a numbered formal notice addressed
to the bodies it is sent to (docs/domain.md §5)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

import services.notify as notify
from services.notify.store import Notice
from tests.support.handlers import COUNTY, handler_context


def _opinion(**changes: Any) -> dict[str, Any]:
    return {
        "round_id": "R-1",
        "tenant": COUNTY,
        "tenant_path": f"/450100/{COUNTY}/",
        "subject": "official",
        "official": "李某",
        "post": "教育局局长",
        "unit_id": "U450102-EDU",
        "congress_name": "兴宁区人大常委会",
        "unit_name": "兴宁区教育局",
        "attempt": 1,
        "approved_on": date(2026, 6, 10),
        "sent_to": ["government", "organisation", "discipline", "unit"],
        "score": Decimal("55.00"),
        "result": "dissatisfied",
        "issued_at": datetime.fromisoformat("2026-06-10T02:00:00+00:00"),
        **changes,
    }


def test_the_opinion_is_numbered_archived_and_addressed() -> None:
    with handler_context(notify.SPEC) as ctx:
        ctx.handle("review.opinion_issued", _opinion())
        ctx.handle(
            "review.opinion_issued",
            _opinion(
                round_id="R-2",
                unit_name=None,
                **{"sent_to": ["unit"], "score": None, "result": None},
            ),
        )
        first, second = ctx.session.scalars(select(Notice).order_by(Notice.seq)).all()
    assert (first.number, second.number) == (f"{COUNTY}〔2026〕1号", f"{COUNTY}〔2026〕2号")
    assert first.title == "关于对李某（教育局局长）的评议意见"
    assert first.issuer == "兴宁区人大常委会"
    assert first.recipients == ["人民政府", "党委组织部门", "纪检监察机关", "兴宁区教育局"]
    assert {"label": "评议结果", "value": "不满意"} in first.figures
    # Not graded yet, its unit unknown to the directory: the official's unit by name.
    assert second.recipients == ["李某所在单位"]
    assert [f["label"] for f in second.figures] == ["主任会议通过"]
