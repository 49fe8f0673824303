"""What is told about a consultation on a draft (docs/domain.md §8): the contact points'
deputies and offices when it is published, the committee when a report comes in, and
each contributor who left a phone when the legislature answered their opinion."""

from __future__ import annotations

from services.notify.domain.messages import Message, SealedPhone, committee, constituent, deputy

ADOPTION_NAMES = {"fully": "已采纳", "partly": "部分采纳", "not": "未采纳"}


def published(d: dict) -> list[Message]:
    subject = f"征求意见：{d['title']}"
    body = (
        f"《{d['title']}》（{d['number']}）正在征求意见，截止 {d['deadline'].isoformat()}。"
        "请组织联系点群众座谈、走访，并提出您的意见。"
    )
    return [
        *(Message(deputy(i), "consultation.published", subject, body) for i in d["deputy_ids"]),
        *(Message(committee(s), "consultation.published", subject, body) for s in d["station_ids"]),
    ]


def report_submitted(d: dict) -> list[Message]:
    return [
        Message(
            committee(d["tenant"]),
            "consultation.report",
            f"联系点意见报告 {d['report_number']}",
            f"《{d['title']}》收到联系点 {d['station_id']} 的意见报告 {d['report_number']}，"
            f"共 {d['opinions']} 条意见。",
        )
    ]


def answered(d: dict) -> list[Message]:
    if not d["phone_encrypted"]:
        return []
    where = f"第{d['article']}条" if d["article"] else "总体"
    return [
        Message(
            constituent(d["opinion_id"]),
            "consultation.answered",
            f"您对《{d['title']}》的意见{ADOPTION_NAMES[d['adoption']]}",
            f"您对{where}的意见（{d['public_code']}）{ADOPTION_NAMES[d['adoption']]}：{d['reason']}",
            phone=SealedPhone(d["phone_encrypted"], d.get("phone_masked") or "***"),
        )
    ]
