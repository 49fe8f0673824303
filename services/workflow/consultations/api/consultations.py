"""GET /workflow/v1/consultations/…: consultations on draft laws within the key's reach,
each with its opinions, forums and visits; the contact points' reports side by side (JSON,
CSV for the legislature's tools, and PDF to file); an opinion's handling record; the figures."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from runtime.http import node_in_reach, not_found, principal, service
from services.workflow.consultations.api.schemas import (
    ConsultationDetailOut,
    ConsultationFiguresOut,
    ConsultationFiguresQuery,
    ConsultationList,
    ConsultationListQuery,
    ConsultationReportList,
    ConsultationReportOut,
    DraftOpinionOut,
)
from services.workflow.consultations.queries import (
    consultation_view,
    figures_under,
    gatherings_of,
    handles,
    may_read,
    opinion_view,
    opinions_of,
    readable,
    report_view,
    reports_of,
)
from services.workflow.consultations.store import Consultation, ConsultationOpinion, Report
from services.workflow.domain.calendar import local_date

blp = Blueprint(
    "consultations",
    __name__,
    url_prefix="/consultations",
    description="Consultations on draft laws (基层立法联系点)",
)


def _today() -> date:
    return local_date(service("workflow").clock.now())


def _readable(session: Any, consultation_id: str) -> Consultation:
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or not may_read(principal(), consultation):
        raise not_found("consultation")
    return consultation


@blp.route("")
@blp.arguments(ConsultationListQuery, location="query")
@blp.response(200, ConsultationList)
def list_consultations(query: dict[str, Any]) -> dict[str, Any]:
    """Consultations the key may read, newest first: its congress's and those below, or
    those its contact point takes part in."""
    with service("workflow").db.session() as session:
        rows = readable(session, principal(), query.get("year"))
        return {"items": [consultation_view(c, _today()) for c in rows]}


@blp.route("/figures")
@blp.arguments(ConsultationFiguresQuery, location="query")
@blp.response(200, ConsultationFiguresOut)
def consultation_figures(query: dict[str, Any]) -> dict[str, Any]:
    """Drafts consulted, opinions received and submitted, adopted fully and partly, and
    participation (people, forums, visits): in total, per county and per contact point."""
    who = principal()
    rt = service("workflow")
    node_id, path = who.node_id, who.node_path
    if "node" in query:
        node = node_in_reach("workflow", query["node"], "node")
        node_id, path = node.id, node.path
    with rt.db.session() as session:
        return {"node": node_id, **figures_under(session, path, query["year"])}


@blp.route("/<consultation_id>")
@blp.response(200, ConsultationDetailOut)
def get_consultation(consultation_id: str) -> dict[str, Any]:
    """The plan, its draft article by article, and what was collected (a contact point
    sees its own opinions; phones masked)."""
    who = principal()
    with service("workflow").db.session() as session:
        consultation = _readable(session, consultation_id)
        mine = None if who.can_see(consultation.tenant_path) else _own_stations(consultation)
        opinions = [
            opinion_view(o)
            for o in opinions_of(session, consultation.id)
            if mine is None or o.station_id in mine
        ]
        gatherings = [
            {c.key: getattr(g, c.key) for c in g.__table__.columns}
            for g in gatherings_of(session, consultation.id)
            if mine is None or g.station_id in mine
        ]
        return {
            **consultation_view(consultation, _today()),
            "opinions": opinions,
            "gatherings": gatherings,
        }


def _own_stations(consultation: Consultation) -> set[str]:
    who = principal()
    return {p["station_id"] for p in consultation.contact_points if who.can_see(p["station_path"])}


@blp.route("/<consultation_id>/opinions/<opinion_id>")
@blp.response(200, DraftOpinionOut)
def get_opinion(consultation_id: str, opinion_id: str) -> dict[str, Any]:
    """An opinion's handling record: with the contributor's name and phone in clear for
    its contact point's own key only."""
    who = principal()
    rt = service("workflow")
    with rt.db.session() as session:
        consultation = _readable(session, consultation_id)
        opinion = session.get(ConsultationOpinion, opinion_id)
        if opinion is None or opinion.consultation_id != consultation.id:
            raise not_found("opinion")
        if not who.can_see(consultation.tenant_path) and opinion.station_id not in _own_stations(
            consultation
        ):
            raise not_found("opinion")
        return opinion_view(opinion, rt.settings.contact_keys, in_clear=handles(who, opinion))


@blp.route("/<consultation_id>/reports")
@blp.response(200, ConsultationReportList)
def list_reports(consultation_id: str) -> dict[str, Any]:
    """The contact points' reports side by side: each with its opinions grouped by
    article (duplicates merged), its forums and visits, and its summary."""
    with service("workflow").db.session() as session:
        consultation = _readable(session, consultation_id)
        mine = (
            None if principal().can_see(consultation.tenant_path) else _own_stations(consultation)
        )
        items = reports_of(session, consultation)
        return {"items": [r for r in items if mine is None or r["station_id"] in mine]}


def _report(session: Any, consultation_id: str, report_id: str) -> dict[str, Any]:
    consultation = _readable(session, consultation_id)
    report = session.get(Report, report_id)
    if report is None or report.consultation_id != consultation.id:
        raise not_found("report")
    if not principal().can_see(consultation.tenant_path) and report.station_id not in (
        _own_stations(consultation)
    ):
        raise not_found("report")
    return report_view(session, consultation, report)


@blp.route("/<consultation_id>/reports/<report_id>")
@blp.response(200, ConsultationReportOut)
def get_report(consultation_id: str, report_id: str) -> dict[str, Any]:
    """One contact point's numbered report, the structured export (JSON)."""
    with service("workflow").db.session() as session:
        return _report(session, consultation_id, report_id)


@blp.route("/<consultation_id>/reports/<report_id>.csv")
@blp.doc(
    responses={
        "200": {
            "description": "one row per opinion: article, code, channel, text, duplicates",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
)
def get_report_csv(consultation_id: str, report_id: str) -> Response:
    """The report as CSV (UTF-8 with BOM, so spreadsheets read the Chinese text)."""
    with service("workflow").db.session() as session:
        report = _report(session, consultation_id, report_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["report", "article", "public_code", "channel", "text", "duplicates", "adoption", "reason"]
    )
    for group in report["by_article"]:
        for o in group["opinions"]:
            writer.writerow(
                [
                    report["number"],
                    group["article"] if group["article"] is not None else "",
                    o["public_code"],
                    o["channel"],
                    o["text"],
                    " ".join(o["duplicates"]),
                    o["adoption"] or "",
                    o["reason"] or "",
                ]
            )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{report["number"]}.csv"'},
    )


@blp.route("/<consultation_id>/reports/<report_id>.pdf")
@blp.doc(
    responses={
        "200": {
            "description": "the report as an A4 PDF (number, draft and issuing body, contact "
            "point, participation, summary, opinions by article with duplicates counted)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
def get_report_pdf(consultation_id: str, report_id: str) -> Response:
    """The report as a PDF, to file with the legislature as it is (ADR 0015's font:
    the standard Chinese CID font, or RENDA_NOTICE_FONT embedded)."""
    # reportlab (~7 MB resident) is imported when the first PDF is asked for, not by
    # every workflow process.
    from runtime.pdf import font_path_from_env
    from services.workflow.consultations.printing import report_pdf

    with service("workflow").db.session() as session:
        report = _report(session, consultation_id, report_id)
    pdf = report_pdf(report, local_date(report["submitted_at"]), font_path_from_env())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{report["number"]}.pdf"'},
    )
