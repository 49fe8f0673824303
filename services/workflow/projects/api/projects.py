"""GET /workflow/v1/projects/…: proposals with their trail through 四方联荐 and the
session, and approved candidate lists, within the key's reach."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_smorest import Blueprint

from runtime.http import not_found, principal, service
from services.workflow.domain.calendar import local_date
from services.workflow.projects.api.schemas import (
    CandidateListOut,
    ProjectProblemList,
    ProjectProblemQuery,
    ProposalDetailOut,
    ProposalList,
    ProposalQuery,
)
from services.workflow.projects.queries import (
    evaluation_comments,
    evaluations_of,
    problems_of,
    problems_under,
    project_views,
    proposals_under,
    trail_of,
)
from services.workflow.projects.store import CandidateListApproval, Proposal

blp = Blueprint(
    "workflow_projects",
    __name__,
    url_prefix="/projects",
    description="Livelihood project proposals",
)


def _reach(tenant: str | None) -> str | None:
    """The node path to read under: the key's, or a node within it; None: out of reach."""
    who = principal()
    if tenant is None:
        return who.node_path
    node = service("workflow").directory.node(tenant)
    if node is None or not node.path.startswith(who.node_path):
        return None
    return node.path


def _today() -> date:
    return local_date(service("workflow").clock.now())


@blp.route("")
@blp.arguments(ProposalQuery, location="query")
@blp.response(200, ProposalList)
def list_proposals(query: dict[str, Any]) -> dict[str, Any]:
    """Proposals within the key's reach (or under `tenant`), oldest first, at most 1000;
    `supervisor`: those a deputy supervises (their task list)."""
    path = _reach(query.get("tenant"))
    if path is None:
        return {"items": []}
    with service("workflow").db.session() as session:
        rows = proposals_under(session, path, year=query.get("year"), stage=query.get("stage"))
        if "supervisor" in query:  # a JSON key: few implementing projects, filtered here
            rows = [p for p in rows if query["supervisor"] in (p.supervision or {})]
        return {"items": project_views(session, rows, _today())}


@blp.route("/problems")
@blp.arguments(ProjectProblemQuery, location="query")
@blp.response(200, ProjectProblemList)
def list_problems(query: dict[str, Any]) -> dict[str, Any]:
    """Constituents' representatives' problem reports on projects within the key's reach
    (or under `tenant`), oldest first, each with its answer or whether it is overdue."""
    path = _reach(query.get("tenant"))
    if path is None:
        return {"items": []}
    with service("workflow").db.session() as session:
        items = problems_under(session, path, _today(), unanswered=query["unanswered"])
        return {"items": items}


@blp.route("/<project_id>")
@blp.response(200, ProposalDetailOut)
def get_proposal(project_id: str) -> dict[str, Any]:
    """One proposal: who proposed it, its whole trail (steps, feasibility notes,
    deputies' comments, amended plans, progress), its problem reports with answers, and
    once completed its evaluations by constituents and deputies (counts and comments)."""
    with service("workflow").db.session() as session:
        proposal = session.get(Proposal, project_id)
        if proposal is None or not proposal.tenant_path.startswith(principal().node_path):
            raise not_found("project")
        (view,) = project_views(session, [proposal], _today())
        return {
            **view,
            "trail": trail_of(session, proposal.id),
            "problems": problems_of(session, proposal, _today()),
            "evaluations": evaluations_of(session, proposal.id),
            "evaluation_comments": evaluation_comments(session, proposal.id),
        }


@blp.route("/candidate-lists/<list_id>")
@blp.response(200, CandidateListOut)
def get_candidate_list(list_id: str) -> Any:
    """An approved candidate list: who approved it, when, and its proposals."""
    with service("workflow").db.session() as session:
        approval = session.get(CandidateListApproval, list_id)
        node = service("workflow").directory.node(approval.tenant) if approval else None
        if approval is None or node is None or not node.path.startswith(principal().node_path):
            raise not_found("candidate list")
        return approval
