"""Screening, routing and who may file (docs/domain.md §1 rules 1 and 2)."""

from __future__ import annotations

import pytest

from services.workflow.suggestions.domain.routing import Route, route
from services.workflow.suggestions.domain.screening import TopicLists, screen
from services.workflow.suggestions.domain.suggestion import (
    FilingRefused,
    Proposer,
    check_proposers,
    suggestion_number,
)

LISTS = TopicLists(
    negative=("诉讼", "个人私事", "涉法涉诉"),
    positive=("民生", "教育", "就业"),
    negative_categories=("public_safety",),
)


def test_a_negative_keyword_in_the_body_flags_a_likely_return_with_the_reason() -> None:
    result = screen("关于某案件的建议", "该案诉讼尚未判决，请求督促法院。", "other", LISTS)
    assert result.likely_return is True
    assert len(result.flags) == 1
    assert "诉讼" in result.flags[0]


def test_a_negative_keyword_in_the_title_is_flagged_too() -> None:
    result = screen("关于个人私事的请求", "请帮忙。", "other", LISTS)
    assert result.likely_return is True
    assert any("个人私事" in flag for flag in result.flags)


def test_every_negative_keyword_hit_is_flagged_in_list_order() -> None:
    result = screen("涉法涉诉问题", "诉讼与个人私事", "other", LISTS)
    assert [flag.rsplit(" ", 1)[-1] for flag in result.flags] == ["诉讼", "个人私事", "涉法涉诉"]


def test_a_category_on_the_negative_list_is_flagged() -> None:
    result = screen("关于治安的建议", "加强巡逻。", "public_safety", LISTS)
    assert result.likely_return is True
    assert any("public_safety" in flag for flag in result.flags)


def test_positive_keywords_are_recorded_and_flag_nothing() -> None:
    result = screen("关于教育的建议", "民生实事：新建学校，促进就业。", "education", LISTS)
    assert result.likely_return is False
    assert result.flags == ()
    assert result.fitting_topics == ("民生", "教育", "就业")


def test_a_positive_keyword_does_not_hide_a_negative_one() -> None:
    result = screen("民生问题", "一起诉讼案件", "other", LISTS)
    assert result.likely_return is True
    assert result.fitting_topics == ("民生",)


def test_without_lists_nothing_is_flagged_or_recorded() -> None:
    result = screen("任何标题", "任何内容", "other", TopicLists())
    assert result.likely_return is False
    assert result.fitting_topics == ()


RULES = {
    "education": Route("U450102-EDU"),
    "urban_construction": Route("U450102-HOUSING", ("U450102-TRANSPORT",)),
}


def test_route_gives_the_tenant_rule_for_the_category() -> None:
    assert route("education", RULES) == Route("U450102-EDU", ())
    decided = route("urban_construction", RULES)
    assert decided is not None
    assert decided.lead_unit_id == "U450102-HOUSING"
    assert decided.co_unit_ids == ("U450102-TRANSPORT",)


def test_a_category_without_a_rule_is_left_for_the_committee() -> None:
    assert route("health", RULES) is None
    assert route("education", {}) is None


TENANT = "450102"


def p(deputy_id: str, congress: str | None = TENANT) -> Proposer:
    return Proposer(deputy_id, congress)


def test_deputies_of_the_filing_congress_may_file() -> None:
    check_proposers(TENANT, p("D450102-001"), [p("D450102-002"), p("D450102-003")])
    check_proposers(TENANT, p("D450102-001"), [])


@pytest.mark.parametrize(
    ("lead", "cosigners", "field", "names"),
    [
        (p("D450103-001", "450103"), [], "lead_deputy_id", "D450103-001"),
        (p("D999", None), [], "lead_deputy_id", "D999"),
        (p("D450102001-001", "450102001"), [], "lead_deputy_id", "D450102001-001"),
        (p("D450102-001"), [p("D450103-002", "450103")], "cosigner_ids", "D450103-002"),
        (p("D450102-001"), [p("D999", None)], "cosigner_ids", "D999"),
        (p("D450102-001"), [p("D450102-002"), p("D450102-002")], "cosigner_ids", "D450102-002"),
        (p("D450102-001"), [p("D450102-001")], "cosigner_ids", "D450102-001"),
    ],
    ids=[
        "lead of another congress",
        "unknown lead",
        "lead of a township below",
        "co-signer of another congress",
        "unknown co-signer",
        "co-signer twice",
        "lead signs again as co-signer",
    ],
)
def test_filing_is_refused_naming_the_field_and_the_deputy(
    lead: Proposer, cosigners: list[Proposer], field: str, names: str
) -> None:
    with pytest.raises(FilingRefused) as refused:
        check_proposers(TENANT, lead, cosigners)
    assert refused.value.field == field
    assert names in refused.value.reason
    assert str(refused.value) == refused.value.reason


def test_a_duplicate_signer_is_told_so() -> None:
    with pytest.raises(FilingRefused, match="signs twice"):
        check_proposers(TENANT, p("D450102-001"), [p("D450102-002"), p("D450102-002")])


@pytest.mark.parametrize(
    ("tenant", "year", "sequence", "number"),
    [
        ("450102", 2026, 42, "450102-2026-0042"),
        ("450102", 2026, 1, "450102-2026-0001"),
        ("450103", 2027, 9999, "450103-2027-9999"),
        ("450102001", 2026, 7, "450102001-2026-0007"),
        ("450102", 2026, 12345, "450102-2026-12345"),
    ],
)
def test_suggestion_number_is_tenant_year_and_four_digit_sequence(
    tenant: str, year: int, sequence: int, number: str
) -> None:
    assert suggestion_number(tenant, year, sequence) == number
