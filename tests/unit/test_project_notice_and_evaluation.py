"""The pure rules of the quarterly notice's text and of evaluating a completed project."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

import services.workflow as workflow
from services.workflow.domain.rules import RuleBroken
from services.workflow.policy import set_opinion_policy
from services.workflow.projects.domain import evaluation
from services.workflow.projects.domain.notice import notice_key, period_words, report_notice
from services.workflow.projects.domain.rules import VoteRules
from services.workflow.projects.store import ProjectEvaluation, Proposal
from tests.support.handlers import COUNTY, handler_context

COUNTS = {"voted": 3, "completed": 1, "on_time": 1}
LATE = {
    "title": "背街小巷路灯改造",
    "unit_name": "兴宁区住房和城乡建设局",
    "targets": "安装路灯300盏",
    "progress_percent": 10,
    "deadline": "2027-12-31",
}


def test_the_notice_names_each_unit_behind_with_its_project_targets_and_progress() -> None:
    notice = report_notice("兴宁区人大常委会", 2027, "2027-Q2", COUNTS, [LATE])
    assert notice["title"] == "关于2027年度民生实事项目进展情况的通报（2027年第二季度）"
    assert "通报批评" in notice["body"]
    assert (
        "1. 兴宁区住房和城乡建设局：背街小巷路灯改造，目标“安装路灯300盏”，完成进度10%，"
        "完成期限2027-12-31。"
    ) in notice["body"]
    assert notice["figures"][-1] == {"label": "进度滞后", "value": "1"}


def test_a_half_year_report_with_no_unit_behind_criticises_nobody() -> None:
    notice = report_notice("兴宁区人大常委会", 2027, "2027-H1", COUNTS, [])
    assert notice["title"].endswith("的报告（2027年上半年）")
    assert "通报批评" not in notice["body"] and "没有进度滞后" in notice["body"]


def test_the_notice_key_is_the_congress_and_period() -> None:
    assert notice_key("450102", 2027, "2027-Q2") == notice_key("450102", 2027, "2027-Q2")
    assert notice_key("450102", 2027, "2027-Q2") != notice_key("450103", 2027, "2027-Q2")
    assert period_words("2028-Q4") == "2028年第四季度"


def test_a_project_is_evaluated_after_completion_within_the_window() -> None:
    done = date(2027, 6, 30)
    evaluation.check_evaluation(done, date(2027, 8, 29), 60)  # the last day
    with pytest.raises(RuleBroken, match="closed on 2027-08-29") as late:
        evaluation.check_evaluation(done, date(2027, 8, 30), 60)
    assert late.value.field == "project_id"
    with pytest.raises(RuleBroken, match="once it is completed"):
        evaluation.check_evaluation(None, date(2027, 6, 1), 60)
    with pytest.raises(ValueError, match="evaluation_days"):
        VoteRules.with_overrides({"evaluation_days": 0})


def test_evaluations_are_counted_per_grade_per_kind_of_evaluator() -> None:
    counts = evaluation.count(
        [
            ("constituent", "good", "fair"),
            ("constituent", "good", "good"),
            ("deputy", "poor", "good"),
        ]
    )
    assert counts["constituent"]["count"] == 2
    assert counts["constituent"]["quality"] == {"good": 2, "fair": 0, "poor": 0}
    assert counts["constituent"]["effect"] == {"good": 1, "fair": 1, "poor": 0}
    assert counts["deputy"]["quality"]["poor"] == 1
    both = evaluation.add(counts, counts)
    assert both["constituent"]["count"] == 4 and both["deputy"]["effect"]["good"] == 2


def test_a_constituents_contact_left_with_an_evaluation_is_erased_after_the_retention() -> None:
    """ADR 0011: kept encrypted no longer than the tenant's contact_retention_days."""
    with handler_context(workflow.SPEC) as ctx:
        set_opinion_policy(ctx.session, COUNTY, {"contact_retention_days": 30})
        project_id = str(uuid.uuid4())
        ctx.session.add(
            Proposal(
                id=project_id,
                submission_id=str(uuid.uuid4()),
                tenant=COUNTY,
                tenant_path=f"/450100/{COUNTY}/",
                year=2027,
                title="加装电梯",
                description="加装电梯",
                place="兴东街道",
                estimated_cost=1,
                funding_source="区级财政",
                channel="station",
                proposer={"kind": "constituent", "name": "居民"},
                stage="completed",
                proposed_at=ctx.clock.now(),
                completed_on=ctx.clock.now().date(),
            )
        )
        ctx.session.flush()
        evaluation_row = ProjectEvaluation(
            id=str(uuid.uuid4()),
            submission_id=str(uuid.uuid4()),
            proposal_id=project_id,
            evaluator="constituent",
            quality="good",
            effect="good",
            name_encrypted="sealed-name",
            phone_encrypted="sealed-phone",
            phone_masked="138****1234",
            at=ctx.clock.now(),
        )
        ctx.session.add(evaluation_row)
        ctx.clock.advance(timedelta(days=29))
        ctx.tick("workflow.evaluation_contacts")
        assert evaluation_row.phone_encrypted == "sealed-phone"
        ctx.clock.advance(timedelta(days=2))
        ctx.tick("workflow.evaluation_contacts")
        assert (
            evaluation_row.name_encrypted,
            evaluation_row.phone_encrypted,
            evaluation_row.phone_masked,
        ) == (None, None, None)
        assert evaluation_row.quality == "good"
