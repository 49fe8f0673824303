"""Formal notices (通报): numbered per tenant and year, told to the bodies they are sent
to (inbox and their channels), and rendered as a printable page (A4, print from a browser)
and as a PDF. Notice-board lists (公示栏) — a title and a table — are numbered, kept and
printed the same way (ADR 0015, notices as PDF)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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
{% if n.recipients %}<p>{{ n.recipients | join("、") }}：</p>{% endif %}
{% for paragraph in n.body.split("\\n") if paragraph.strip() %}<p>{{ paragraph }}</p>
{% endfor %}
{% if n.figures %}<table><tr><th>项目</th><th>数值</th></tr>
{% for f in n.figures %}<tr><td>{{ f.label }}</td><td>{{ f.value }}</td></tr>
{% endfor %}</table>{% endif %}
{% if n.columns %}<table><tr>{% for c in n.columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for row in n.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endif %}
<div class="date">{{ n.issuer }}<br>{{ date }}</div>
</body></html>
"""
)


def render(notice: Notice, local_date: str) -> str:
    """The printable HTML page of a notice or a board (`notice` may be any object with a
    notice's attributes, e.g. the API's answer)."""
    return PAGE.render(n=notice, date=local_date)


def render_pdf(notice: Any, local_date: str, font_path: str | None = None) -> bytes:
    """The notice or board as an A4 PDF, laid out like the printable page."""
    # reportlab (~7 MB resident) is imported by the process that draws a PDF, when it
    # first does: notify's worker issues notices but never draws one.
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Spacer

    from runtime.pdf import Writer, build

    w = Writer(font_path)
    red = colors.HexColor("#cc0000")
    story: list[Any] = [
        w.para(notice.issuer, 24, alignment=TA_CENTER, textColor=red),
        w.para(notice.number, 14, alignment=TA_CENTER),
        HRFlowable(width="100%", thickness=1.5, color=red, spaceAfter=6 * mm),
        w.para(notice.title, 18, alignment=TA_CENTER),
        Spacer(1, 4 * mm),
    ]
    if notice.recipients:
        story.append(w.para("、".join(notice.recipients) + "："))
    story += [w.para(line, firstLineIndent=28) for line in notice.body.split("\n") if line.strip()]
    if notice.figures:
        story += w.table([["项目", "数值"], *[[f["label"], f["value"]] for f in notice.figures]])
    if getattr(notice, "columns", None):
        story += w.table([list(notice.columns), *[list(row) for row in notice.rows or []]])
    story += [
        Spacer(1, 10 * mm),
        w.para(notice.issuer, alignment=TA_RIGHT),
        w.para(local_date, alignment=TA_RIGHT),
    ]
    return build(story, title=f"{notice.number} {notice.title}", author=notice.issuer)


def _numbered(session: Session, tenant: str, year: int, suffix: str, **fields: Any) -> Notice:
    """A new notice or board, the next number of its tenant and year."""
    seq = (
        session.scalar(
            select(func.max(Notice.seq)).where(Notice.tenant == tenant, Notice.year == year)
        )
        or 0
    ) + 1
    notice = Notice(
        id=str(uuid.uuid4()),
        tenant=tenant,
        year=year,
        seq=seq,
        number=f"{tenant}〔{year}〕{seq}号{suffix}",
        **fields,
    )
    session.add(notice)
    return notice


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
    notice = _numbered(
        session,
        tenant,
        year,
        "",
        tenant_path=tenant_path,
        title=title,
        body=body,
        figures=figures,
        recipients=recipient_names,
        issuer=issuer,
        issued_at=now,
    )
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


def post_board(
    session: Session,
    *,
    tenant: str,
    tenant_path: str,
    issuer: str,
    title: str,
    columns: list[str],
    rows: list[list[str]],
    note: str,
    now: datetime,
    year: int,
) -> Notice:
    """A public list for the stations' notice boards (公示栏): a title, a table and a note
    (e.g. the period and where to object), numbered in the tenant's year like the notices
    and kept in their archive. Nobody is told: it is posted, and printed from the archive."""
    return _numbered(
        session,
        tenant,
        year,
        "（公示）",
        tenant_path=tenant_path,
        title=title,
        body=note,
        figures=[],
        recipients=[],
        issuer=issuer,
        issued_at=now,
        kind="board",
        columns=columns,
        rows=rows,
    )
