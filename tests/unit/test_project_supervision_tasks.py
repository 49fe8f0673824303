"""A supervision group deputy marks their task on a livelihood project done (督办任务),
through workflow's project action handler; scoring books the duty points once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

import services.scoring as scoring
import services.workflow as workflow
from services.scoring.store import PointsEntry
from services.workflow.projects.store import Proposal
from tests.support.handlers import COUNTY, HandlerContext, handler_context

TASKS = {"D450102-001": "跟踪招标与施工质量", "D450102-002": "走访受益群众"}


@pytest.fixture
def ctx() -> Iterator[HandlerContext]:
    with handler_context(workflow.SPEC) as context:
        yield context


def _project(ctx: HandlerContext, stage: str = "implementing") -> str:
    proposal_id = str(uuid.uuid4())
    ctx.session.add(
        Proposal(
            id=proposal_id,
            submission_id=str(uuid.uuid4()),
            tenant=COUNTY,
            tenant_path=f"/450100/{COUNTY}/",
            year=2027,
            title="兴东街道老旧小区加装电梯",
            description="加装电梯 12 部",
            place="兴东街道",
            estimated_cost=3_000_000,
            funding_source="县财政",
            channel="station",
            proposer={"kind": "station", "name": "兴东街道代表联络站", "deputy_id": None},
            stage=stage,
            consulted_unit_ids=[],
            proposed_at=ctx.clock.now(),
            milestones=[],
            supervision=dict(TASKS),
            progress_percent=40,
        )
    )
    ctx.session.flush()
    return proposal_id


def _done(
    ctx: HandlerContext, project_id: str, role: str, subject: str | None, **args: Any
) -> list[Any]:
    return ctx.handle(
        "project.action_requested",
        {
            "submission_id": str(uuid.uuid4()),
            "submitted_at": ctx.clock.now(),
            "project_id": project_id,
            "action": "task_done",
            "actor": {"role": role, "subject": subject, "node_path": f"/450100/{COUNTY}/"},
            "args": args,
        },
    )


def _outcome(emitted: list[Any]) -> tuple[str, str | None]:
    last = emitted[-1]
    return last.name, last.data.get("field")


def test_a_deputy_marks_their_task_done_once_with_a_report(ctx: HandlerContext) -> None:
    project_id = _project(ctx)
    emitted = _done(
        ctx, project_id, "deputy", "D450102-001", deputy_id="D450102-001", report="已督办，质量合格"
    )
    assert [e.name for e in emitted] == ["project.task_done", "submission.accepted"]
    done = emitted[0].data
    assert (done["deputy_id"], done["task"], done["report"], done["done_by"]) == (
        "D450102-001",
        TASKS["D450102-001"],
        "已督办，质量合格",
        "deputy:D450102-001",
    )
    again = _done(ctx, project_id, "committee", None, deputy_id="D450102-001", report="再报")
    assert _outcome(again) == ("submission.rejected", "deputy_id")
    assert again[-1].data["reason"] == "deputy D450102-001's task is done already"
    # The committee may mark another member's task done for them.
    other = _done(ctx, project_id, "committee", None, deputy_id="D450102-002", report="已走访")
    assert [e.name for e in other] == ["project.task_done", "submission.accepted"]


@pytest.mark.parametrize(
    ("role", "subject", "args", "field"),
    [
        ("committee", None, {"report": "无人"}, "deputy_id"),
        ("committee", None, {"deputy_id": "D450102-003", "report": "不在小组"}, "deputy_id"),
        ("deputy", "D450102-002", {"deputy_id": "D450102-001", "report": "代人"}, "deputy_id"),
    ],
)
def test_a_task_done_is_refused_with_the_field(
    ctx: HandlerContext, role: str, subject: str | None, args: dict[str, str], field: str
) -> None:
    emitted = _done(ctx, _project(ctx), role, subject, **args)
    assert [e.name for e in emitted] == ["submission.rejected"]
    assert emitted[0].data["field"] == field


def test_no_task_is_done_before_the_project_is_implemented(ctx: HandlerContext) -> None:
    emitted = _done(
        ctx,
        _project(ctx, stage="elected"),
        "committee",
        None,
        **{"deputy_id": "D450102-001", "report": "太早"},
    )
    assert [e.name for e in emitted] == ["submission.rejected"]


def test_scoring_books_the_task_once_per_project_and_deputy() -> None:
    with handler_context(scoring.SPEC) as ctx:
        done = {
            "project_id": "P-1",
            "tenant": COUNTY,
            "tenant_path": f"/450100/{COUNTY}/",
            "title": "老旧小区加装电梯",
            "deputy_id": "D450102-001",
            "task": "跟踪招标",
            "report": "已督办",
            "done_by": "deputy:D450102-001",
            "done_at": ctx.clock.now(),
        }
        ctx.handle("project.task_done", done)
        ctx.handle("project.task_done", done)  # a redelivery under a new event id
        ctx.handle("project.task_done", {**done, "project_id": "P-2"})
        entries = ctx.session.scalars(
            select(PointsEntry).where(PointsEntry.activity == "supervision_task")
        ).all()
    assert sorted((e.source, e.points) for e in entries) == [
        ("supervision_task:P-1:D450102-001", Decimal(2)),
        ("supervision_task:P-2:D450102-001", Decimal(2)),
    ]
