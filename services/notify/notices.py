"""Formal notices (通报): numbered per tenant and year, told to the bodies they are sent
to (inbox and their channels), and rendered as a printable page (A4, print from a browser)."""

from __future__ import annotations

import uuid
from datetime import datetime

from jinja2 import Environment
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.directory import Directory
from services.notify.domain.messages import Message
from services.notify.planning import Source, tell
from services.notify.store import Notice

PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ n.number }} {{ n.title }}</title>
<style>
@page { size: A4; margin: 28mm 26mm; }
body { font-family: "FangSong", "STFangsong", "仿宋", serif; font-size: 16pt; line-height: 1.8; }
.issuer { text-align: center; color: #c00; font-size: 26pt; letter-spacing: .2em; }
.number { text-align: center; border-bottom: 2px solid #c00; padding-bottom: .4em; }
h1 { text-align: center; font-family: "SimHei", "黑体", sans-serif; font-size: 20pt; }
table { border-collapse: collapse; margin: 1em auto; }
td, th { border: 1px solid #000; padding: .2em .8em; }
.date { text-align: right; margin-top: 2em; }
</style></head><body>
<div class="issuer">{{ n.issuer }}</div>
<div class="number">{{ n.number }}</div>
<h1>{{ n.title }}</h1>
<p>{{ n.recipients | join("、") }}：</p>
{% for paragraph in n.body.split("\\n") if paragraph.strip() %}<p>{{ paragraph }}</p>
{% endfor %}
{% if n.figures %}<table><tr><th>项目</th><th>数值</th></tr>
{% for f in n.figures %}<tr><td>{{ f.label }}</td><td>{{ f.value }}</td></tr>
{% endfor %}</table>{% endif %}
<div class="date">{{ n.issuer }}<br>{{ date }}</div>
</body></html>
"""
)


def render(notice: Notice, local_date: str) -> str:
    return PAGE.render(n=notice, date=local_date)


def issue(
    session: Session,
    directory: Directory,
    *,
    tenant: str,
    tenant_path: str,
    issuer: str,
    title: str,
    body: str,
    figures: list[dict[str, str]],
    recipients: list[str],
    recipient_names: list[str],
    now: datetime,
    year: int,
) -> Notice:
    """Number the notice (the next of its tenant and year) and tell each recipient."""
    seq = (
        session.scalar(
            select(func.max(Notice.seq)).where(Notice.tenant == tenant, Notice.year == year)
        )
        or 0
    ) + 1
    notice = Notice(
        id=str(uuid.uuid4()),
        tenant=tenant,
        tenant_path=tenant_path,
        year=year,
        seq=seq,
        number=f"{tenant}〔{year}〕{seq}号",
        title=title,
        body=body,
        figures=figures,
        recipients=recipient_names,
        issuer=issuer,
        issued_at=now,
    )
    session.add(notice)
    source = Source(notice.id, "notify.notice", now, tenant)
    words = f"{notice.number}《{title}》已印发，请登录平台查阅、打印。"
    tell(
        session,
        directory,
        source,
        [Message(r, "notice.issued", f"通报 {notice.number}: {title}", words) for r in recipients],
        now,
    )
    return notice
