"""The quarterly notice (一季一通报) or half-year report (半年一报告) as a formal notice's
text: the figures, and each unit behind schedule named with its project, its targets and
its progress (通报批评, seeds/002). Notify numbers and archives it (ADR 0015); the key makes
issuing the same congress's period twice one notice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

QUARTERS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度"}
HALVES = {"H1": "上半年", "H2": "下半年"}


def period_words(period: str) -> str:
    """2027-Q2 → 2027年第二季度; 2027-H1 → 2027年上半年."""
    year, part = period.split("-")
    return f"{year}年{QUARTERS.get(part) or HALVES[part]}"


def notice_key(tenant: str, year: int, period: str) -> str:
    """The Idempotency-Key of a congress's notice for a period: the same on every issue."""
    return f"project-report:{tenant}:{year}:{period}"


def report_notice(
    congress: str, year: int, period: str, counts: Mapping[str, int], behind: Sequence[Any]
) -> dict[str, Any]:
    """Title, text and figures of the notice. `behind`: the projects behind schedule, each
    with `title`, `unit_name`, `targets`, `progress_percent` and `deadline`."""
    words = period_words(period)
    kind = "报告" if "-H" in period else "通报"
    title = f"关于{year}年度民生实事项目进展情况的{kind}（{words}）"
    lines = [
        f"{congress}对{year}年度民生实事项目{words}的实施情况进行了督办。"
        f"票决项目{counts['voted']}个，已完成{counts['completed']}个，"
        f"其中按期完成{counts['on_time']}个。",
    ]
    if behind:
        lines.append("以下项目进度滞后，对其责任单位予以通报批评，请限期整改并书面报告整改情况：")
        for n, p in enumerate(behind, start=1):
            lines.append(
                f"{n}. {p['unit_name']}：{p['title']}，目标“{p['targets'] or '（未填写）'}”，"
                f"完成进度{p['progress_percent']}%，完成期限{p['deadline']}。"
            )
    else:
        lines.append("本期没有进度滞后的项目。")
    figures = [
        {"label": "票决项目", "value": str(counts["voted"])},
        {"label": "已完成", "value": str(counts["completed"])},
        {"label": "按期完成", "value": str(counts["on_time"])},
        {"label": "进度滞后", "value": str(len(behind))},
    ]
    return {"title": title, "body": "\n".join(lines), "figures": figures}
