"""GET /workflow/v1/public/votes/…: a vote's result and its anonymous board, for everyone.

No key is needed: the result names projects, never deputies, and the board holds ballots
under random ids only.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from runtime.http import not_found, service
from runtime.openapi import ProblemSchema
from runtime.problems import PROBLEM_TYPE
from services.workflow.projects.api.schemas import (
    BoardOut,
    ProposalList,
    PublicProposalQuery,
    VoteOut,
)
from services.workflow.projects.queries import board_of, proposals_under
from services.workflow.projects.store import Vote

blp = Blueprint("public_votes", __name__, url_prefix="/public", description="Project votes (票决)")

NO_SUCH_VOTE = blp.alt_response(
    404,
    schema=ProblemSchema,
    content_type=PROBLEM_TYPE,
    description="No such vote (problem details)",
)


@blp.route("/votes/<vote_id>")
@blp.response(200, VoteOut)
@NO_SUCH_VOTE
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
            "rules": vote.rules,
            "candidates": [{**c, "votes": votes.get(c["id"])} for c in vote.candidates],
            "result": vote.result,
            "seal": vote.seal,
            "opened_at": vote.opened_at,
            "closed_at": vote.closed_at,
        }


@blp.route("/votes/<vote_id>/board")
@blp.response(200, BoardOut)
@NO_SUCH_VOTE
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
        return {"items": proposals_under(session, node.path, year=query.get("year"))}
