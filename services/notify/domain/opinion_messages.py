"""What the offices are told about an opinion (docs/domain.md §2): the contact point of
a new one, the level it is sent up to, the department it is forwarded to, the county when
its last deadline passes; and the constituent, by SMS to the phone they left, when it is
sent up, adopted by a deputy, and closed with its reply (ADR 0011: the phone travels
encrypted and is opened only at send time). The constituent also follows it on the public
status page by its code."""

from __future__ import annotations

from datetime import date

from services.notify.domain.messages import Message, SealedPhone, committee, constituent, unit

LEVEL_NAMES = {
    "station": "联络站",
    "township": "乡镇（街道）",
    "county": "县（区）人大常委会",
    "department": "职能部门",
}


def registered(holder: str, code: str, urgency: str, deadline: date) -> Message:
    urgent = "（小急难事）" if urgency == "urgent" else ""
    return Message(
        committee(holder),
        "opinion.registered",
        f"新的群众意见{urgent} {code}",
        f"收到群众意见 {code}{urgent}，请于 {deadline.isoformat()} 前答复、转办或上交。",
        urgent=urgency == "urgent",
    )


def escalated(d: dict) -> Message:
    how = "因逾期未办自动上交" if d["automatic"] else "上交"
    return Message(
        committee(d["holder_node_id"]),
        "opinion.escalated",
        f"群众意见 {d['public_code']} {how}至本级",
        f"{LEVEL_NAMES[d['from_level']]}{how}群众意见 {d['public_code']}：{d['reason']}。"
        f"请于 {d['deadline'].isoformat()} 前处理。",
    )


def forwarded(d: dict) -> Message:
    return Message(
        unit(d["unit_id"]),
        "opinion.forwarded",
        f"转办群众意见 {d['public_code']}",
        f"请于 {d['deadline'].isoformat()} 前办理群众意见 {d['public_code']} 并反馈结果。",
    )


def overdue(d: dict) -> Message:
    return Message(
        committee(d["holder_node_id"]),
        "opinion.overdue",
        f"群众意见 {d['public_code']} 已超期",
        f"群众意见 {d['public_code']} 已超过 {d['deadline'].isoformat()} 的答复期限。",
        urgent=True,
    )


OUTCOME_NAMES = {
    "resolved": "已办结",
    "forwarded": "已由职能部门办结",
    "suggestion_closed": "已随代表建议办结",
}


def to_constituent(d: dict, what: str) -> list[Message]:
    """The constituent's SMS on escalation, adoption and closing; none without a phone."""
    if not d.get("phone_encrypted"):
        return []
    code = d["public_code"]
    if what == "escalated":
        subject = f"您反映的意见（查询码 {code}）已转{LEVEL_NAMES[d['level']]}办理"
        body = "可凭查询码查看办理进度。"
    elif what == "adopted":
        subject = f"您反映的意见（查询码 {code}）已被人大代表采纳为代表建议"
        body = "将随代表建议一并办理。"
    else:
        subject = f"您反映的意见（查询码 {code}）{OUTCOME_NAMES[d['outcome']]}"
        body = d["reply"]
    return [
        Message(
            constituent(d["opinion_id"]),
            f"constituent.{what}",
            subject,
            body,
            phone=SealedPhone(d["phone_encrypted"], d.get("phone_masked") or "***"),
        )
    ]
