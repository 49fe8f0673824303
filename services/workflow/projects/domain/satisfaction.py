"""The deputies' satisfaction vote on a project (满意度测评), tallied by the congress's rule:
more than the share *satisfied* → satisfied; more than the share satisfied and basically
satisfied together → basically satisfied; else dissatisfied. The share is of all ballots
cast (a blank ballot is not satisfied); by default one half."""

from __future__ import annotations

from collections.abc import Mapping

from services.workflow.projects.domain.rules import VoteRules

OPTIONS = (
    {"id": "satisfied", "title": "满意"},
    {"id": "basically", "title": "基本满意"},
    {"id": "dissatisfied", "title": "不满意"},
)


def verdict(rules: VoteRules, votes: Mapping[str, int], ballots: int) -> str:
    def more_than_share(count: int) -> bool:
        return count * rules.satisfaction_denominator > ballots * rules.satisfaction_numerator

    if more_than_share(votes.get("satisfied", 0)):
        return "satisfied"
    if more_than_share(votes.get("satisfied", 0) + votes.get("basically", 0)):
        return "basically"
    return "dissatisfied"
