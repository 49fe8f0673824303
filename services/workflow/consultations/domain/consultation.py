"""A consultation's five steps (docs/domain.md §8): plan → publicise → collect → sort and
submit → report back. What may happen when, as plain functions of dates and states.

An opinion is `received`, then `merged` (a duplicate, into the opinion it repeats) or
`submitted` (in its contact point's report), then `answered` with the legislature's
adoption (fully, partly, not). Comments close at the end of the deadline day (local
time); a contact point submits one report, by the deadline plus the tenant's grace days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum

from services.workflow.consultations.domain.policy import ConsultationPolicy
from services.workflow.domain.rules import require


class OpinionState(StrEnum):
    RECEIVED = "received"
    MERGED = "merged"
    SUBMITTED = "submitted"
    ANSWERED = "answered"


def check_plan(today: date, deadline: date, policy: ConsultationPolicy) -> None:
    earliest = today + timedelta(days=policy.min_comment_days)
    require(
        deadline >= earliest,
        f"the comment deadline must leave at least {policy.min_comment_days} days: "
        f"{earliest.isoformat()} or later",
        "deadline",
    )


def check_stations(station_ids: Iterable[str]) -> None:
    ids = list(station_ids)
    require(len(ids) == len(set(ids)), "a contact point is named twice", "contact_points")


def is_open(today: date, deadline: date) -> bool:
    return today <= deadline


def check_collecting(today: date, deadline: date, reported: bool) -> None:
    require(
        is_open(today, deadline),
        f"comments on this draft closed on {deadline.isoformat()}",
        "deadline",
    )
    require(not reported, "this contact point has submitted its report already", "station_id")


def check_article(article: int | None, articles: int) -> None:
    require(
        article is None or 1 <= article <= articles,
        f"the draft has articles 1 to {articles}",
        "article",
    )


def check_merge(duplicate_state: str, into_state: str, same_point: bool) -> None:
    require(
        duplicate_state == OpinionState.RECEIVED, f"that opinion is {duplicate_state}", "opinion_id"
    )
    require(
        into_state == OpinionState.RECEIVED, f"the opinion to merge into is {into_state}", "into_id"
    )
    require(same_point, "both opinions must be at the same contact point", "into_id")


def report_closes(deadline: date, policy: ConsultationPolicy) -> date:
    return deadline + timedelta(days=policy.report_days_after_deadline)


def check_report(today: date, deadline: date, policy: ConsultationPolicy, reported: bool) -> None:
    require(not reported, "this contact point has submitted its report already", "station_id")
    closes = report_closes(deadline, policy)
    require(today <= closes, f"reports were due by {closes.isoformat()}", "station_id")


def check_answer(state: str) -> None:
    require(
        state == OpinionState.SUBMITTED,
        f"only an opinion in a submitted report is answered; this one is {state}",
        "outcomes",
    )


def report_number(consultation_number: str, sequence: int) -> str:
    return f"{consultation_number}-R{sequence}"


def consultation_number(tenant: str, year: int, sequence: int) -> str:
    return f"{tenant}-{year}-{sequence:02d}"
