"""What the offices and the constituent are told about an opinion (docs/domain.md §2).

The constituent is addressed as `constituent:<public code>`: no name, no phone. Their
messages go to notify's inbox under that code (what the status page shows); an SMS to
the phone they left is not sent yet (ADR 0011).
"""

from __future__ import annotations

from datetime import date

from services.notify.domain.messages import Message, committee, unit

LEVEL_NAMES = {
    "station": "联络站",
    "township": "乡镇（街道）",
    "county": "县（区）人大常委会",
    "department": "职能部门",
}
OUTCOME_NAMES = {
    "resolved": "已办结",
    "forwarded": "已由职能部门办理",
    "suggestion_closed": "已作为代表建议办理并办结",
}


def constituent(public_code: str) -> str:
    return f"constituent:{public_code}"


def registered(holder: str, code: str, urgency: str, deadline: date) -> Message:
    urgent = "（小急难事）" if urgency == "urgent" else ""
    return Message(
        committee(holder),
        "opinion.registered",
        f"新的群众意见{urgent} {code}",
        f"收到群众意见 {code}{urgent}，请于 {deadline.isoformat()} 前答复、转办或上交。",
        urgent=urgency == "urgent",
    )


def escalated(d: dict) -> list[Message]:
    how = "因逾期未办自动上交" if d["automatic"] else "上交"
    messages = [
        Message(
            committee(d["holder_node_id"]),
            "opinion.escalated",
            f"群众意见 {d['public_code']} {how}至本级",
            f"{LEVEL_NAMES[d['from_level']]}{how}群众意见 {d['public_code']}：{d['reason']}。"
            f"请于 {d['deadline'].isoformat()} 前处理。",
        )
    ]
    if d["has_contact"]:
        messages.append(
            Message(
                constituent(d["public_code"]),
                "opinion.progress",
                "您的意见已转上一级办理",
                f"您反映的意见（查询码 {d['public_code']}）已转{LEVEL_NAMES[d['level']]}办理。",
            )
        )
    return messages


def forwarded(d: dict) -> Message:
    return Message(
        unit(d["unit_id"]),
        "opinion.forwarded",
        f"转办群众意见 {d['public_code']}",
        f"请于 {d['deadline'].isoformat()} 前办理群众意见 {d['public_code']} 并反馈结果。",
    )


def adopted(d: dict) -> list[Message]:
    if not d["has_contact"]:
        return []
    return [
        Message(
            constituent(d["public_code"]),
            "opinion.progress",
            "您的意见已被代表采纳为建议",
            f"您反映的意见（查询码 {d['public_code']}）已被人大代表采纳，作为代表建议提交办理。",
        )
    ]


def closed(d: dict) -> list[Message]:
    if not d["has_contact"]:
        return []
    return [
        Message(
            constituent(d["public_code"]),
            "opinion.outcome",
            f"您的意见{OUTCOME_NAMES[d['outcome']]}",
            f"您反映的意见（查询码 {d['public_code']}）{OUTCOME_NAMES[d['outcome']]}：{d['reply']}",
        )
    ]


def overdue(d: dict) -> Message:
    return Message(
        committee(d["holder_node_id"]),
        "opinion.overdue",
        f"群众意见 {d['public_code']} 已超期",
        f"群众意见 {d['public_code']} 已超过 {d['deadline'].isoformat()} 的答复期限。",
        urgent=True,
    )
