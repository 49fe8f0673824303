"""What each person is told, in their words (DOMAIN.md §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Message:
    recipient: str
    """`unit:<id>` or `deputy:<id>`."""
    kind: str
    subject: str
    body: str


def unit(unit_id: str) -> str:
    return f"unit:{unit_id}"


def deputy(deputy_id: str) -> str:
    return f"deputy:{deputy_id}"


def new_assignment(
    number: str, title: str, lead_unit_id: str, co_unit_ids: list[str], deadline: date
) -> list[Message]:
    """The lead unit and every co-handling unit learn of a new assignment and its deadline."""
    lead = Message(
        unit(lead_unit_id),
        "assignment.new",
        f"新交办建议 {number}: {title}",
        f"贵单位为主办单位，请于 {deadline.isoformat()} 前办理答复。",
    )
    co = [
        Message(
            unit(unit_id),
            "assignment.new",
            f"新交办建议 {number}: {title}",
            "贵单位为协办单位，请在一个月内向主办单位提交协办意见；"
            f"办理期限 {deadline.isoformat()}。",
        )
        for unit_id in co_unit_ids
    ]
    return [lead, *co]


def suggestion_returned(deputy_id: str, number: str, title: str, reason: str) -> Message:
    return Message(
        deputy(deputy_id),
        "suggestion.returned",
        f"建议 {number} 已退回: {title}",
        f"退回理由: {reason}",
    )
