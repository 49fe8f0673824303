"""What each person is told, in their words (docs/domain.md §7)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

COLOUR_NAMES = {"white": "白色（正常）", "yellow": "黄色（临近期限）", "red": "红色（已超期）"}
RATING_NAMES = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
VERDICT_NAMES = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}


KINDS = (
    "assignment.new",
    "assignment.withdrawn",
    "suggestion.second_assignment",
    "suggestion.returned",
    "suggestion.converted",
    "suggestion.merged",
    "suggestion.key",
    "request.adjust",
    "request.extension",
    "deadline.extended",
    "deadline.white",
    "deadline.yellow",
    "deadline.red",
    "evaluation.requested",
    "evaluation.below_satisfied",
    "meeting.required",
    "suggestion.closed",
    "suggestion.done",
    "supervision.opinion",
    "opinion.registered",
    "opinion.escalated",
    "opinion.forwarded",
    "opinion.overdue",
    "constituent.escalated",
    "constituent.adopted",
    "constituent.closed",
    "vote.tallied",
    "duty.interview",
    "consultation.published",
    "consultation.report",
    "consultation.answered",
)
"""Every kind of message to a person; each one's words can be replaced per tenant."""


@dataclass(frozen=True)
class SealedPhone:
    """A constituent's phone as the events carry it: encrypted, opened only at send time
    (ADR 0011), and masked for everyone who reads the delivery log."""

    encrypted: str
    masked: str


@dataclass(frozen=True)
class Message:
    recipient: str
    """`unit:<id>`, `deputy:<id>`, `committee:<tenant>`, `directors:<tenant>`, or
    `constituent:<opinion id>` (reached only by SMS, at `phone`)."""
    kind: str
    subject: str
    body: str
    urgent: bool = False
    """Sent in the recipient's quiet hours too (a red deadline)."""
    phone: SealedPhone | None = None
    """A constituent's only address: they have no contact record or inbox."""


def unit(unit_id: str) -> str:
    return f"unit:{unit_id}"


def deputy(deputy_id: str) -> str:
    return f"deputy:{deputy_id}"


def committee(tenant: str) -> str:
    """The working body that supervises the tenant's suggestions."""
    return f"committee:{tenant}"


def constituent(opinion_id: str) -> str:
    """The person who left an opinion and a phone."""
    return f"constituent:{opinion_id}"


def constituents(tenant: str) -> str:
    """Whose preferences are the quiet hours of every constituent of the tenant."""
    return f"constituents:{tenant}"


def directors(tenant: str) -> str:
    """The director's meeting (主任会议), told of key suggestions turning yellow or red."""
    return f"directors:{tenant}"


def to_all(
    recipients: Iterable[str], kind: str, subject: str, body: str, urgent: bool = False
) -> list[Message]:
    return [Message(r, kind, subject, body, urgent) for r in recipients]


def new_assignment(
    number: str,
    title: str,
    lead_unit_id: str,
    co_unit_ids: list[str],
    deadline: date,
    round_: int = 1,
    proposers: Iterable[str] = (),
    co_input_deadline: date | None = None,
) -> list[Message]:
    """The units learn of a new assignment and its deadline; on a second assignment the
    proposers are told too."""
    again = "二次交办" if round_ > 1 else "新交办建议"
    lead = Message(
        unit(lead_unit_id),
        "assignment.new",
        f"{again} {number}: {title}",
        f"贵单位为主办单位，请于 {deadline.isoformat()} 前办理答复。",
    )
    co = [
        Message(
            unit(unit_id),
            "assignment.new",
            f"{again} {number}: {title}",
            "贵单位为协办单位，请于 "
            f"{(co_input_deadline or deadline).isoformat()} 前向主办单位提交协办意见；"
            f"主办单位办理期限 {deadline.isoformat()}。",
        )
        for unit_id in co_unit_ids
    ]
    told = []
    if round_ > 1:
        told = to_all(
            (deputy(d) for d in proposers),
            "suggestion.second_assignment",
            f"建议 {number} 已二次交办",
            f"承办单位须于 {deadline.isoformat()} 前重新答复。",
        )
    return [lead, *co, *told]


WITHDRAWAL_WORDS = {
    "returned": "建议已退回代表",
    "converted": "建议已转作来信处理",
    "merged": "建议已与同类建议并案办理",
    "reassigned": "建议已改由其他单位承办",
}


def assignment_withdrawn(
    unit_ids: Iterable[str], number: str, title: str, cause: str
) -> list[Message]:
    """The units taken off a suggestion stop handling it; the time it sat with them is not
    held against them."""
    return to_all(
        (unit(u) for u in unit_ids),
        "assignment.withdrawn",
        f"建议 {number} 交办已撤回: {title}",
        f"{WITHDRAWAL_WORDS[cause]}，贵单位无需继续办理，办理期限不再计算。",
    )


def suggestion_returned(deputy_id: str, number: str, title: str, reason: str) -> Message:
    return Message(
        deputy(deputy_id),
        "suggestion.returned",
        f"建议 {number} 已退回: {title}",
        f"退回理由: {reason}",
    )


def screened_out(deputy_id: str, number: str, how: str, reason: str | None) -> Message:
    words = {"converted": "已转作来信处理", "merged": "已与同类建议并案办理"}[how]
    return Message(
        deputy(deputy_id),
        f"suggestion.{how}",
        f"建议 {number} {words}",
        reason or "并案后由主建议的承办单位统一答复，您可对答复进行评价。",
    )


def colour_changed(
    tenant: str, unit_id: str, number: str, title: str, colour: str, deadline: date, is_key: bool
) -> list[Message]:
    """The unit and the supervising body; a yellow or red key suggestion reaches the
    director's meeting too. Red is urgent: it goes out in quiet hours."""
    subject = f"建议 {number} 办理期限提示: {COLOUR_NAMES[colour]}"
    body = f"{title}。办理期限 {deadline.isoformat()}。"
    recipients = [unit(unit_id), committee(tenant)]
    if colour in ("yellow", "red") and is_key:
        recipients.append(directors(tenant))
    return to_all(recipients, f"deadline.{colour}", subject, body, urgent=colour == "red")


def reply_awaiting_evaluation(
    proposers: Iterable[str], number: str, reply_class: str, closes: date
) -> list[Message]:
    return to_all(
        (deputy(d) for d in proposers),
        "evaluation.requested",
        f"建议 {number} 已答复（{reply_class}类），请评价",
        f"请于 {closes.isoformat()} 前对办理态度和办理结果进行评价（背靠背，直接提交）。",
    )


def dissatisfied_evaluation(
    tenant: str, number: str, deputy_id: str, attitude: str, result: str
) -> Message:
    return Message(
        committee(tenant),
        "evaluation.below_satisfied",
        f"建议 {number} 评价未达满意",
        f"代表 {deputy_id}: 办理态度 {RATING_NAMES[attitude]}，办理结果 {RATING_NAMES[result]}。",
    )


def awaiting_meeting(tenant: str, lead_unit_id: str, number: str) -> list[Message]:
    return to_all(
        [committee(tenant), unit(lead_unit_id)],
        "meeting.required",
        f"建议 {number} 需召开知情议政会",
        "评价未达满意：请组织面对面沟通后二次交办。",
    )


def unit_request(tenant: str, unit_id: str, number: str, what: str, reason: str) -> Message:
    words = {"adjust": "申请调整承办单位", "extension": "申请延期办理"}[what]
    return Message(
        committee(tenant), f"request.{what}", f"建议 {number}: {unit_id} {words}", reason
    )


def extended(lead_unit_id: str, number: str, deadline: date) -> Message:
    return Message(
        unit(lead_unit_id),
        "deadline.extended",
        f"建议 {number} 延期已批准",
        f"新的办理期限为 {deadline.isoformat()}。",
    )


def closed(proposers: Iterable[str], number: str, reply_class: str, done: bool) -> list[Message]:
    state = "已办结" + ("并办成" if done else "，将跟踪落实" if reply_class == "B" else "")
    return to_all((deputy(d) for d in proposers), "suggestion.closed", f"建议 {number} {state}", "")


def done(proposers: Iterable[str], number: str) -> list[Message]:
    return to_all(
        (deputy(d) for d in proposers), "suggestion.done", f"建议 {number} 所提事项已办成", ""
    )


def marked_key(proposers: Iterable[str], number: str, leading_official: str) -> list[Message]:
    return to_all(
        (deputy(d) for d in proposers),
        "suggestion.key",
        f"建议 {number} 列为重点建议",
        f"由{leading_official}领办督办。",
    )


def vote_tallied(
    tenant: str, vote_id: str, title: str, elected: int, runoff: int, verdict: str | None, seal: str
) -> Message:
    if verdict is not None:
        outcome = f"测评结果：{VERDICT_NAMES.get(verdict, verdict)}"
    else:
        outcome = f"当选 {elected} 项" + (f"，{runoff} 项并列需再次投票" if runoff else "")
    return Message(
        committee(tenant),
        "vote.tallied",
        f"票决结果已公布：{title}",
        f"{outcome}。结果与公示板见 /workflow/v1/public/votes/{vote_id}，封签 {seal}。",
    )


def supervision_opinion(unit_id: str, number: str, text: str) -> Message:
    return Message(unit(unit_id), "supervision.opinion", f"建议 {number} 督办意见", text)
