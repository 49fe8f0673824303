"""GET /workflow/v1/public/…: a vote's result and its anonymous board, the projects and
their progress, an elected project's notice board, the quarterly report, the monthly
scores and a completed project's evaluations — for everyone.

No key is needed: the result names projects, never deputies; the board holds ballots
under random ids only; proposals are shown without who proposed them; evaluations are
counts, never who gave which nor their comments.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select

from runtime.http import not_found, service
from runtime.openapi import ProblemSchema
from runtime.problems import PROBLEM_TYPE
from services.workflow.domain.calendar import local_date
from services.workflow.policy import vote_rules_for
from services.workflow.projects.api.schemas import (
    BestProjectUnitsOut,
    BestProjectUnitsQuery,
    BoardOut,
    MonthlyScoresOut,
    NoticeOut,
    ProjectEvaluationsOut,
    ProjectFiguresOut,
    ProjectFiguresQuery,
    ProjectReportOut,
    ProjectReportQuery,
    ProposalList,
    PublicProposalQuery,
    VoteOut,
)
from services.workflow.projects.domain import evaluation
from services.workflow.projects.domain.figures import ProjectCounts
from services.workflow.projects.domain.notice import notice_key, report_notice
from services.workflow.projects.queries import (
    best_units_under,
    board_of,
    evaluations_of,
    evaluations_under,
    figures_under,
    problem_counts_under,
    project_views,
    proposals_under,
)
from services.workflow.projects.store import Proposal, Vote

blp = Blueprint("public_votes", __name__, url_prefix="/public", description="Project votes (票决)")

NOT_FOUND = blp.alt_response(
    404,
    schema=ProblemSchema,
    content_type=PROBLEM_TYPE,
    description="Not found (problem details)",
)


@blp.route("/votes/<vote_id>")
@blp.response(200, VoteOut)
@NOT_FOUND
@blp.doc(security=[])
def public_vote(vote_id: str) -> dict[str, Any]:
    """A vote: its candidates and, once tallied, the votes per candidate and the elected."""
    with service("workflow").db.session() as session:
        vote = session.get(Vote, vote_id)
        if vote is None:
            raise not_found("vote")
        votes = (vote.result or {}).get("votes", {})
        return {
            "id": vote.id,
            "tenant": vote.tenant,
            "title": vote.title,
            "seats": vote.seats,
            "state": vote.state,
            "runoff_of": vote.runoff_of,
            "kind": vote.kind,
            "project_id": vote.project_id,
            "month": vote.month,
            "rules": vote.rules,
            "candidates": [{**c, "votes": votes.get(c["id"])} for c in vote.candidates],
            "result": vote.result,
            "seal": vote.seal,
            "opened_at": vote.opened_at,
            "closed_at": vote.closed_at,
        }


@blp.route("/votes/<vote_id>/board")
@blp.response(200, BoardOut)
@NOT_FOUND
@blp.doc(security=[])
def public_board(vote_id: str) -> dict[str, Any]:
    """Every ballot of a tallied vote, by random id, and the seal to check them against."""
    with service("workflow").db.session() as session:
        vote = session.get(Vote, vote_id)
        if vote is None or vote.state != "tallied":
            raise not_found("tallied vote")
        return {"vote_id": vote.id, "seal": vote.seal, "ballots": board_of(session, vote.id)}


@blp.route("/projects")
@blp.arguments(PublicProposalQuery, location="query")
@blp.response(200, ProposalList)
@blp.doc(security=[])
def public_projects(query: dict[str, Any]) -> dict[str, Any]:
    """A congress's proposals and where each stands; no proposer, nothing personal."""
    rt = service("workflow")
    node = rt.directory.node(query["tenant"])
    if node is None:
        return {"items": []}
    with rt.db.session() as session:
        rows = proposals_under(session, node.path, year=query.get("year"))
        return {"items": project_views(session, rows, local_date(rt.clock.now()))}


@blp.route("/projects/<project_id>/notice")
@blp.response(200, NoticeOut)
@NOT_FOUND
@blp.doc(security=[])
def public_notice(project_id: str) -> dict[str, Any]:
    """An elected project's notice board (公示牌): reason, content, investment, source of
    funds, the responsible unit and the deadline — once the government has planned it."""
    rt = service("workflow")
    with rt.db.session() as session:
        p = session.get(Proposal, project_id)
        if p is None or p.unit_id is None or p.deadline is None:
            raise not_found("planned project")
        unit = rt.directory.unit(p.unit_id)
        return {
            "title": p.title,
            "place": p.place,
            "reason": p.description,
            "content": p.targets,
            "investment": p.budget,
            "funding_source": p.plan_funding_source,
            "responsible_unit": unit.name if unit else p.unit_id,
            "deadline": p.deadline,
            "milestones": p.milestones,
        }


@blp.route("/projects/figures")
@blp.arguments(ProjectFiguresQuery, location="query")
@blp.response(200, ProjectFiguresOut)
@blp.doc(security=[])
def public_project_figures(query: dict[str, Any]) -> dict[str, Any]:
    """Projects voted, completed, completed on time, the satisfaction votes' verdicts and
    the completed projects' evaluations (per grade, per kind of evaluator), for each
    congress under `tenant` and in total."""
    rt = service("workflow")
    node = rt.directory.node(query["tenant"])
    per_congress = {}
    evaluations: dict[str, dict] = {}
    if node is not None:
        with rt.db.session() as session:
            per_congress = figures_under(session, node.path, query.get("year"))
            evaluations = evaluations_under(session, node.path, query.get("year"))
    total: dict[str, Any] = {
        name: sum(getattr(c, name) for c in per_congress.values())
        for name in ProjectCounts().as_dict()
    }
    total["evaluations"] = evaluation.empty()
    for counts in evaluations.values():
        total["evaluations"] = evaluation.add(total["evaluations"], counts)
    return {
        "total": total,
        "congresses": [
            {"tenant": t, **c.as_dict(), "evaluations": evaluations.get(t, evaluation.empty())}
            for t, c in per_congress.items()
        ],
    }


@blp.route("/projects/report")
@blp.arguments(ProjectReportQuery, location="query")
@blp.response(200, ProjectReportOut)
@NOT_FOUND
@blp.doc(security=[])
def public_report(query: dict[str, Any]) -> dict[str, Any]:
    """The quarterly notice (一季一通报) or half-year report (半年一报告) on a year's voted
    projects under a node, as they stand today: the figures, the projects behind schedule
    with their responsible units named (通报批评), the problem reports and their answers."""
    rt = service("workflow")
    node = rt.directory.node(query["tenant"])
    if node is None:
        raise not_found("congress")
    today = local_date(rt.clock.now())
    with rt.db.session() as session:
        proposals = proposals_under(session, node.path, year=query["year"], limit=None)
        views = project_views(session, proposals, today)
        counts = figures_under(session, node.path, query["year"]).values()
        problems = problem_counts_under(session, node.path, query["year"], today)
    behind = []
    for view in views:
        if view["behind_schedule"]:
            unit = rt.directory.unit(view["unit_id"])
            behind.append({**view, "unit_name": unit.name if unit else view["unit_id"]})
    totals = {name: sum(getattr(c, name) for c in counts) for name in ProjectCounts().as_dict()}
    year, period = query["year"], query["period"]
    return {
        "tenant": node.id,
        "year": year,
        "period": period,
        "kind": "half-year report" if "-H" in period else "quarterly notice",
        "as_of": today,
        "counts": totals,
        "behind": behind,
        "problems": problems,
        "notice": {
            **report_notice(node.name, year, period, totals, behind),
            "idempotency_key": notice_key(node.id, year, period),
        },
    }


@blp.route("/projects/best-units")
@blp.arguments(BestProjectUnitsQuery, location="query")
@blp.response(200, BestProjectUnitsOut)
@NOT_FOUND
@blp.doc(security=[])
def public_best_units(query: dict[str, Any]) -> dict[str, Any]:
    """The year's best project units (十佳民生实事项目单位) under a node: units whose every
    voted project was completed on time and none judged dissatisfied, ranked by projects
    judged satisfied, then basically satisfied, then projects; as many as the congress's
    `best_units` rule says (default 10)."""
    rt = service("workflow")
    node = rt.directory.node(query["tenant"])
    if node is None:
        raise not_found("congress")
    with rt.db.session() as session:
        how_many = vote_rules_for(session, node.id).best_units
        records = best_units_under(session, node.path, query["year"], how_many)
    items = []
    for record in records:
        unit = rt.directory.unit(record.unit_id)
        items.append(
            {
                "unit_id": record.unit_id,
                "unit_name": unit.name if unit else record.unit_id,
                **record.counts.as_dict(),
            }
        )
    return {"items": items}


@blp.route("/projects/<project_id>/scores")
@blp.response(200, MonthlyScoresOut)
@NOT_FOUND
@blp.doc(security=[])
def public_monthly_scores(project_id: str) -> dict[str, Any]:
    """A project's monthly anonymous scores (月度评议), month by month: the mean of the
    scores given, how many ballots and how many blank — never who gave which."""
    with service("workflow").db.session() as session:
        if session.get(Proposal, project_id) is None:
            raise not_found("project")
        votes = session.scalars(
            select(Vote)
            .where(Vote.project_id == project_id, Vote.kind == "score", Vote.state == "tallied")
            .order_by(Vote.month, Vote.closed_at)
        )
        return {
            "items": [
                {
                    "month": v.month,
                    "score": (v.result or {}).get("score"),
                    "ballots": (v.result or {}).get("ballots", 0),
                    "blank": (v.result or {}).get("blank", 0),
                    "vote_id": v.id,
                }
                for v in votes
            ]
        }


@blp.route("/projects/<project_id>/evaluations")
@blp.response(200, ProjectEvaluationsOut)
@NOT_FOUND
@blp.doc(security=[])
def public_evaluations(project_id: str) -> dict[str, Any]:
    """A completed project's evaluations by constituents and deputies (工程质量和社会效果):
    counts per grade of build quality and social effect, per kind of evaluator, and the
    last day evaluations are taken — never who gave which, nor their comments."""
    rt = service("workflow")
    with rt.db.session() as session:
        p = session.get(Proposal, project_id)
        if p is None:
            raise not_found("project")
        days = vote_rules_for(session, p.tenant).evaluation_days
        return {
            "project_id": p.id,
            "completed_on": p.completed_on,
            "closes_on": evaluation.closes_on(p.completed_on, days) if p.completed_on else None,
            **evaluations_of(session, p.id),
        }
