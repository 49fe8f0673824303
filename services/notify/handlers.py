"""Who hears what (DOMAIN.md §7): one handler per event, each naming its recipients and
words; planning turns them into inbox messages and deliveries on each person's channels.
Webhook endpoints get every event they asked for, receipts' outcomes included."""

from __future__ import annotations

from collections.abc import Callable

from contracts import Event
from runtime.work import WorkContext
from services.notify.config import NotifySettings
from services.notify.domain import consultation_messages as cm
from services.notify.domain import messages as m
from services.notify.domain import opinion_messages as om
from services.notify.domain.messages import Message
from services.notify.notices import issue
from services.notify.planning import plan_webhooks, record


def _proposers(d: dict) -> list[str]:
    return [d["lead_deputy_id"], *d.get("cosigner_ids", [])]


def on_suggestion_assigned(d: dict) -> list[Message]:
    return m.new_assignment(
        d["number"],
        d["title"],
        d["lead_unit_id"],
        d["co_unit_ids"],
        d["deadline"],
        d["round"],
        _proposers(d) if d["lead_deputy_id"] else [],
        d["co_input_deadline"],
    )


def on_suggestion_assignment_withdrawn(d: dict) -> list[Message]:
    return m.assignment_withdrawn(
        dict.fromkeys(u["unit_id"] for u in d["units"]), d["number"], d["title"], d["cause"]
    )


def on_suggestion_returned(d: dict) -> list[Message]:
    return [m.suggestion_returned(d["lead_deputy_id"], d["number"], d["title"], d["reason"])]


def on_suggestion_converted(d: dict) -> list[Message]:
    return [m.screened_out(d["lead_deputy_id"], d["number"], "converted", d["reason"])]


def on_suggestion_merged(d: dict) -> list[Message]:
    return [m.screened_out(d["lead_deputy_id"], d["number"], "merged", d["reason"])]


def on_suggestion_marked_key(d: dict) -> list[Message]:
    return m.marked_key(_proposers(d), d["number"], d["leading_official"])


def on_suggestion_adjust_requested(d: dict) -> list[Message]:
    return [m.unit_request(d["tenant"], d["unit_id"], d["number"], "adjust", d["reason"])]


def on_suggestion_extension_requested(d: dict) -> list[Message]:
    return [m.unit_request(d["tenant"], d["unit_id"], d["number"], "extension", d["reason"])]


def on_suggestion_extended(d: dict) -> list[Message]:
    return [m.extended(d["lead_unit_id"], d["number"], d["deadline"])]


def on_suggestion_replied(d: dict) -> list[Message]:
    return m.reply_awaiting_evaluation(
        _proposers(d), d["number"], d["reply_class"], d["evaluation_closes"]
    )


def on_suggestion_evaluated(d: dict) -> list[Message]:
    if d["attitude"] == d["result"] == "satisfied":
        return []
    return [
        m.dissatisfied_evaluation(
            d["tenant"], d["number"], d["deputy_id"], d["attitude"], d["result"]
        )
    ]


def on_suggestion_awaiting_meeting(d: dict) -> list[Message]:
    return m.awaiting_meeting(d["tenant"], d["lead_unit_id"], d["number"])


def on_suggestion_closed(d: dict) -> list[Message]:
    return m.closed(_proposers(d), d["number"], d["reply_class"], d["done"])


def on_suggestion_done(d: dict) -> list[Message]:
    return m.done(_proposers(d), d["number"])


def on_assignment_colour_changed(d: dict) -> list[Message]:
    return m.colour_changed(
        d["tenant"], d["unit_id"], d["number"], d["title"], d["colour"], d["deadline"], d["is_key"]
    )


def on_suggestion_follow_up_colour_changed(d: dict) -> list[Message]:
    return m.colour_changed(
        d["tenant"],
        d["lead_unit_id"],
        d["number"],
        f"{d['title']}（B类答复跟踪落实）",
        d["colour"],
        d["deadline"],
        d["is_key"],
    )


def on_supervision_opinion_recorded(d: dict) -> list[Message]:
    return [m.supervision_opinion(d["unit_id"], d["number"], d["text"])]


def on_opinion_registered(d: dict) -> list[Message]:
    return [om.registered(d["holder_node_id"], d["public_code"], d["urgency"], d["deadline"])]


def on_opinion_escalated(d: dict) -> list[Message]:
    return [om.escalated(d), *om.to_constituent(d, "escalated")]


def on_opinion_adopted(d: dict) -> list[Message]:
    return om.to_constituent(d, "adopted")


def on_opinion_closed(d: dict) -> list[Message]:
    return om.to_constituent(d, "closed")


def on_opinion_forwarded(d: dict) -> list[Message]:
    return [om.forwarded(d)]


def on_opinion_overdue(d: dict) -> list[Message]:
    return [om.overdue(d)]


def on_vote_tallied(d: dict) -> list[Message]:
    """The committee hears that a vote's result is published, to pledge it publicly."""
    return [
        m.vote_tallied(
            d["tenant"],
            d["vote_id"],
            d["title"],
            len(d["elected"]),
            len(d["runoff_candidates"]),
            d["verdict"],
            d["seal"],
        )
    ]


def on_duty_interview_recorded(d: dict) -> list[Message]:
    """The deputy hears of the interview the working body decided (约谈)."""
    return [
        Message(
            m.deputy(d["deputy_id"]),
            "duty.interview",
            "履职约谈通知",
            f"根据{d['period']}履职情况，常委会工作机构决定于{d['decided_on']}对您进行约谈。"
            f"事由: {d['reason']}",
        )
    ]


REVIEW_NEXT = {
    "rectify": "请按评议意见整改：收到意见后1个月内报送整改方案，3个月内报告整改情况。",
    "repeat": "评议结果为不满意：请安排诫勉谈话，并责成再行报告。",
    "refer": "再次评议仍不满意：请提请同级党委按有关规定处理。",
}
REVIEW_RESULTS = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
}


def _reviewed(d: dict) -> list[str]:
    """The committee's working body follows every round up; a unit hears its own."""
    return [m.committee(d["tenant"]), *([m.unit(d["unit_id"])] if d["unit_id"] else [])]


def on_review_result_announced(d: dict) -> list[Message]:
    words = (
        f"{d['official']}（{d['post']}）评议得分{d['score']}，"
        f"结果: {REVIEW_RESULTS[d['result']]}。{REVIEW_NEXT[d['next_step']]}"
    )
    return m.to_all(
        _reviewed(d), "review.result", "评议结果", words, urgent=d["next_step"] != "rectify"
    )


def on_review_deadline(d: dict) -> list[Message]:
    item = {"plan": "整改方案", "report": "整改情况报告"}[d["item"]]
    if d["overdue"]:
        subject, words = (
            f"{item}已逾期",
            f"{d['official']}（{d['post']}）的{item}已于{d['due']}到期，尚未报送。",
        )
    else:
        subject, words = (
            f"{item}即将到期",
            f"{d['official']}（{d['post']}）的{item}须于{d['due']}前报送。",
        )
    return m.to_all(_reviewed(d), "review.deadline", subject, words, urgent=d["overdue"])


def on_submission_settled(d: dict) -> list[Message]:
    """A receipt's outcome concerns the county system that filed it: webhooks only."""
    return []


COMPOSERS: dict[str, Callable[[dict], list[Message]]] = {
    "suggestion.assigned": on_suggestion_assigned,
    "suggestion.assignment_withdrawn": on_suggestion_assignment_withdrawn,
    "suggestion.returned": on_suggestion_returned,
    "suggestion.converted": on_suggestion_converted,
    "suggestion.merged": on_suggestion_merged,
    "suggestion.marked_key": on_suggestion_marked_key,
    "suggestion.adjust_requested": on_suggestion_adjust_requested,
    "suggestion.extension_requested": on_suggestion_extension_requested,
    "suggestion.extended": on_suggestion_extended,
    "suggestion.replied": on_suggestion_replied,
    "suggestion.evaluated": on_suggestion_evaluated,
    "suggestion.awaiting_meeting": on_suggestion_awaiting_meeting,
    "suggestion.closed": on_suggestion_closed,
    "suggestion.done": on_suggestion_done,
    "assignment.colour_changed": on_assignment_colour_changed,
    "suggestion.follow_up_colour_changed": on_suggestion_follow_up_colour_changed,
    "supervision.opinion_recorded": on_supervision_opinion_recorded,
    "opinion.registered": on_opinion_registered,
    "opinion.escalated": on_opinion_escalated,
    "opinion.forwarded": on_opinion_forwarded,
    "opinion.adopted": on_opinion_adopted,
    "opinion.closed": on_opinion_closed,
    "opinion.overdue": on_opinion_overdue,
    "vote.tallied": on_vote_tallied,
    "submission.accepted": on_submission_settled,
    "submission.rejected": on_submission_settled,
    "duty_interview.recorded": on_duty_interview_recorded,
    "consultation.published": cm.published,
    "consultation.report_submitted": cm.report_submitted,
    "consultation.opinion_answered": cm.answered,
    "review.result_announced": on_review_result_announced,
    "review.deadline": on_review_deadline,
}
"""The routing table: each event type's recipients and words. A new event adds a row here
(and its type to notify's subscriptions in contracts/topology.py)."""


def _handler(compose: Callable[[dict], list[Message]]) -> Callable[[Event, WorkContext], None]:
    def handle(event: Event, ctx: WorkContext) -> None:
        record(ctx, event, compose(event.data))

    return handle


def on_duty_report_issued(event: Event, ctx: WorkContext) -> None:
    """A deputy's performance and points go to their electing unit (选举单位) as a numbered
    formal notice of their congress, told to that unit's inbox and printable."""
    d = event.data
    recipient = f"committee:{d['electing_node_id']}"
    figures = [
        {"label": f"{a['label']}（{a['count']}次）", "value": f"{a['points']}分"}
        for a in d["by_activity"]
    ]
    figures.append({"label": "合计积分", "value": f"{d['total']}分"})
    figures.append({"label": "在本级代表中排名", "value": f"{d['rank']}/{d['deputies']}"})
    lines = [
        f"现将{d['deputy_name']}代表{d['period']}履职情况及积分通报如下。",
        *(f"提示: {flag}" for flag in d["flags"]),
        d["note"],
    ]
    issue(
        ctx.session,
        ctx.directory,
        tenant=d["tenant"],
        tenant_path=d["tenant_path"],
        issuer=d["congress_name"],
        title=f"关于{d['deputy_name']}代表履职情况的通报（{d['period']}）",
        body="\n".join(line for line in lines if line),
        figures=figures,
        recipients=[recipient],
        recipient_names=[d["electing_unit_name"]],
        now=ctx.clock.now(),
        year=d["issued_at"].astimezone(NotifySettings.from_env().zone).year,
    )
    plan_webhooks(ctx, event, ctx.clock.now())


OPINION_BODIES = {
    "government": "人民政府",
    "organisation": "党委组织部门",
    "discipline": "纪检监察机关",
}
"""How a review opinion's notice names the bodies it goes to; `unit` is the official's own."""


def on_review_opinion_issued(event: Event, ctx: WorkContext) -> None:
    """The written review opinion (评议意见), approved by the director's meeting, becomes a
    numbered formal notice of the congress addressed to the bodies it is sent to; the
    committee's working body and the unit reviewed (if it has an inbox) are told."""
    d = event.data
    unit = d["unit_name"] or f"{d['official']}所在单位"
    names = [unit if body == "unit" else OPINION_BODIES[body] for body in d["sent_to"]]
    figures = [{"label": "主任会议通过", "value": d["approved_on"].isoformat()}]
    if d["result"] is not None:
        figures.append({"label": "评议得分", "value": f"{d['score']}分"})
        figures.append({"label": "评议结果", "value": REVIEW_RESULTS[d["result"]]})
    words = f"{d['official']}（{d['post']}）"
    again = "再次" if d["attempt"] > 1 else ""
    body = (
        f"本会对{words}{again}进行了评议，评议意见经主任会议审议通过，现予印发。"
        "请被评议对象自收到之日起一个月内报送整改方案，三个月内报告整改情况。"
    )
    issue(
        ctx.session,
        ctx.directory,
        tenant=d["tenant"],
        tenant_path=d["tenant_path"],
        issuer=d["congress_name"],
        title=f"关于对{words}的评议意见",
        body=body,
        figures=figures,
        recipients=[
            m.committee(d["tenant"]),
            *([m.unit(d["unit_id"])] if d["unit_id"] and "unit" in d["sent_to"] else []),
        ],
        recipient_names=names,
        now=ctx.clock.now(),
        year=d["issued_at"].astimezone(NotifySettings.from_env().zone).year,
    )
    plan_webhooks(ctx, event, ctx.clock.now())


HANDLERS: dict[str, Callable[[Event, WorkContext], None]] = {
    **{name: _handler(compose) for name, compose in COMPOSERS.items()},
    "duty_report.issued": on_duty_report_issued,
    "review.opinion_issued": on_review_opinion_issued,
}
