"""A contact point's numbered report to the legislature as an A4 PDF, laid out like the
console's printable page (runtime/pdf.py, ADR 0015): the number, the draft and its issuing
body, the contact point, the participation figures, the summary, and the opinions grouped
by article, each with the duplicates merged into it counted."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer

from runtime.pdf import Writer, build

CHANNEL_NAMES = {
    "public_page": "网上留言",
    "forum": "座谈会",
    "visit": "走访",
    "deputy": "代表意见",
}
ADOPTION_NAMES = {"fully": "采纳", "partly": "部分采纳", "not": "未采纳"}


def report_pdf(report: dict[str, Any], day: date, font_path: str | None = None) -> bytes:
    """`report` is the JSON report (queries.report_view, or the API's answer);
    `day` the local date it was submitted (printed under the signature)."""
    w = Writer(font_path)
    story: list[Flowable] = [
        w.para(report["station_name"], 20, alignment=TA_CENTER),
        w.para(f"报告编号 {report['number']}", 12, alignment=TA_CENTER),
        HRFlowable(width="100%", thickness=1.2, spaceAfter=6 * mm),
        w.para(f"关于《{report['title']}》的意见报告", 18, alignment=TA_CENTER),
        Spacer(1, 4 * mm),
    ]
    if report.get("issuing_body"):
        story.append(w.para(f"{report['issuing_body']}："))
    story.append(
        w.para(
            f"我联系点就《{report['title']}》（{report['consultation_number']}）征求意见，"
            f"收集意见 {report['opinions']} 条（合并重复 {report['merged']} 条）；"
            f"召开座谈会 {report['forums']} 场、走访 {report['visits']} 次，"
            f"参与 {report['participants']} 人。",
            firstLineIndent=28,
        )
    )
    story.append(w.para("综述", 15))
    story += [
        w.para(line, firstLineIndent=28) for line in report["summary"].split("\n") if line.strip()
    ]
    for group in report["by_article"]:
        article = group["article"]
        story.append(w.para(f"第{article}条" if article is not None else "草案总体", 15))
        rows: list[list[object]] = [["序号", "意见", "来源", "编号", "合并重复"]]
        for n, o in enumerate(group["opinions"], start=1):
            text = o["text"]
            if o.get("adoption"):
                text += f" （{ADOPTION_NAMES[o['adoption']]}：{o.get('reason') or ''}）"
            rows.append(
                [
                    n,
                    text,
                    CHANNEL_NAMES.get(o["channel"], o["channel"]),
                    o["public_code"],
                    f"{len(o['duplicates'])} 条" if o["duplicates"] else "",
                ]
            )
        story += w.table(rows, 10, widths=(12 * mm, 66 * mm, 20 * mm, 36 * mm, 24 * mm))
    story += [
        Spacer(1, 10 * mm),
        w.para(report["station_name"], alignment=TA_RIGHT),
        w.para(f"{day.year}年{day.month}月{day.day}日", alignment=TA_RIGHT),
    ]
    return build(
        story, title=f"{report['number']} {report['title']}", author=report["station_name"]
    )
