"""The project aggregate's tables: votes, their anonymous boards, the tenants' vote rules.

`board_ballots` has no voter, no time and no serial: its key is a random id (and on SQLite
the table has no rowid), and it is written whole, in one transaction, when the vote is
tallied — so neither its columns nor its order say anything about who voted when.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.messaging_tables import BigId
from runtime.types import UtcDateTime
from services.workflow.store import Base


class VoteRuleSet(Base):
    """A tenant's overrides of the default vote rules (VoteRules field → value)."""

    __tablename__ = "vote_rule_sets"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)


class Vote(Base):
    __tablename__ = "votes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32), index=True)
    tenant_path: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(Integer)
    candidates: Mapped[list[dict]] = mapped_column(JSON)
    """[{id, title}] in the order of the candidate list."""
    roll: Mapped[list[str]] = mapped_column(JSON)
    present: Mapped[list[str]] = mapped_column(JSON)
    rules: Mapped[dict] = mapped_column(JSON)
    """The tenant's VoteRules as they were when the vote opened: later changes never apply."""
    runoff_of: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(12))
    """election (the candidate projects), satisfaction (on one project, at a later session)
    or score (a project's monthly anonymous score)."""
    project_id: Mapped[str | None] = mapped_column(String(36))
    """The project a satisfaction vote or monthly score is about."""
    month: Mapped[str | None] = mapped_column(String(7))
    """YYYY-MM of a monthly score."""
    state: Mapped[str] = mapped_column(String(12))
    """open → tallied, or open → unbalanced (ballots ≠ register: nothing published)."""
    result: Mapped[dict | None] = mapped_column(JSON)
    seal: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BoardBallot(Base):
    __tablename__ = "board_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    vote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ballot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    choices: Mapped[list[str]] = mapped_column(JSON)


class Proposal(Base):
    """A recommended livelihood project and where it is in 四方联荐 (domain/proposal.py)."""

    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_tenant_year", "tenant", "year"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200))
    estimated_cost: Mapped[int] = mapped_column(BigInteger)
    funding_source: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(12))
    proposer: Mapped[dict] = mapped_column(JSON)
    """{kind, name, deputy_id}: who recommended it."""
    stage: Mapped[str] = mapped_column(String(12))
    consulted_unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    unit_id: Mapped[str | None] = mapped_column(String(32))
    """The responsible unit of the government's plan (implementing on)."""
    targets: Mapped[str | None] = mapped_column(Text)
    milestones: Mapped[list[dict]] = mapped_column(JSON, default=list)
    budget: Mapped[int | None] = mapped_column(BigInteger)
    plan_funding_source: Mapped[str | None] = mapped_column(String(200))
    planned_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    supervision: Mapped[dict] = mapped_column(JSON, default=dict)
    """deputy id → task: the supervision group, one task each."""
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    completed_on: Mapped[date | None] = mapped_column(Date)


class ProposalNote(Base):
    """The proposal's trail: each step, feasibility note, deputy's comment and amended
    plan, in order — append-only."""

    __tablename__ = "proposal_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    """proposed, screen, consult, feasibility, shortlist, drop, candidate, comment, amend."""
    by: Mapped[str] = mapped_column(String(120))
    """role:subject of who acted, or the station's or approvers' names."""
    text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class CandidateListApproval(Base):
    """A congress's candidate list for a year, approved by the party committee and the
    congress: who, when, and which proposals it held."""

    __tablename__ = "candidate_list_approvals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    tenant: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    approved_by: Mapped[list[str]] = mapped_column(JSON)
    proposal_ids: Mapped[list[str]] = mapped_column(JSON)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProjectProblem(Base):
    """A problem a constituents' representative reported on a project's works, and the
    township's answer, due by a working day (docs/domain.md §3, Supervise)."""

    __tablename__ = "project_problems"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    reporter: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due: Mapped[date] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(120))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProjectEvaluation(Base):
    """A constituent's or a deputy's evaluation of a completed project's build quality and
    social effect (seeds/000); a deputy's once per project. A constituent's contact is
    kept only encrypted (ADR 0011)."""

    __tablename__ = "project_evaluations"
    __table_args__ = (UniqueConstraint("proposal_id", "deputy_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    evaluator: Mapped[str] = mapped_column(String(12))
    """constituent or deputy."""
    deputy_id: Mapped[str | None] = mapped_column(String(32))
    quality: Mapped[str] = mapped_column(String(8))
    effect: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    public_code: Mapped[str | None] = mapped_column(String(16))
    name_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
