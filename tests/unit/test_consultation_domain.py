"""The rules and figures of consultations on draft laws (docs/domain.md §8), without a
framework."""

from __future__ import annotations

from datetime import date

import pytest

from services.workflow.consultations.domain import consultation as rules
from services.workflow.consultations.domain.figures import GatheringFact, OpinionFact, count
from services.workflow.consultations.domain.policy import ConsultationPolicy
from services.workflow.domain.rules import RuleBroken

TODAY = date(2026, 3, 2)


def test_the_comment_period_is_the_tenants() -> None:
    rules.check_plan(TODAY, date(2026, 3, 9), ConsultationPolicy())
    with pytest.raises(RuleBroken, match="2026-03-09 or later") as short:
        rules.check_plan(TODAY, date(2026, 3, 8), ConsultationPolicy())
    assert short.value.field == "deadline"
    rules.check_plan(TODAY, date(2026, 3, 3), ConsultationPolicy(min_comment_days=1))


def test_comments_close_after_the_deadline_day_and_reports_after_the_grace() -> None:
    rules.check_collecting(date(2026, 3, 16), date(2026, 3, 16), reported=False)
    with pytest.raises(RuleBroken, match="closed on 2026-03-16"):
        rules.check_collecting(date(2026, 3, 17), date(2026, 3, 16), reported=False)
    with pytest.raises(RuleBroken, match="submitted its report"):
        rules.check_collecting(TODAY, date(2026, 3, 16), reported=True)
    grace = ConsultationPolicy(report_days_after_deadline=3)
    rules.check_report(date(2026, 3, 19), date(2026, 3, 16), grace, reported=False)
    with pytest.raises(RuleBroken, match="due by 2026-03-19"):
        rules.check_report(date(2026, 3, 20), date(2026, 3, 16), grace, reported=False)


def test_merging_and_answering_take_opinions_in_their_states() -> None:
    rules.check_merge("received", "received", same_point=True)
    with pytest.raises(RuleBroken) as other_point:
        rules.check_merge("received", "received", same_point=False)
    assert other_point.value.field == "into_id"
    with pytest.raises(RuleBroken):
        rules.check_merge("submitted", "received", same_point=True)
    rules.check_answer("submitted")
    with pytest.raises(RuleBroken):
        rules.check_answer("merged")
    with pytest.raises(RuleBroken, match="articles 1 to 3"):
        rules.check_article(4, 3)


def test_policy_values_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown"):
        ConsultationPolicy.with_overrides({"days": 1})
    with pytest.raises(ValueError, match="0 to 365"):
        ConsultationPolicy.with_overrides({"min_comment_days": True})


def test_figures_count_people_once_and_merged_duplicates_not_as_adopted() -> None:
    figures = count(
        [("S1", "S2"), ("S1",)],
        [
            OpinionFact("S1", "public_page", "answered", "fully"),
            OpinionFact("S1", "public_page", "merged", "fully"),
            OpinionFact("S1", "forum", "answered", "partly"),
            OpinionFact("S2", "deputy", "submitted", None),
            OpinionFact("S2", "visit", "received", None),
        ],
        [GatheringFact("S1", "forum", 12), GatheringFact("S2", "visit", 4)],
    )
    total = figures.total
    assert (total.drafts, total.received, total.merged, total.submitted) == (2, 5, 1, 3)
    assert (total.adopted_fully, total.adopted_partly, total.not_adopted) == (1, 1, 0)
    assert (total.forums, total.visits, total.people) == (1, 1, 12 + 4 + 3)
    assert (figures.by_station["S1"].drafts, figures.by_station["S2"].drafts) == (2, 1)
    assert figures.by_station["S2"].people == 4 + 1
