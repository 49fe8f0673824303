"""Intake's own tables: every submission from outside, with its receipt state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.service import service_base
from runtime.types import UtcDateTime

Base = service_base()


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("node_id", "idempotency_key", name="uq_submissions_idem"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    node_id: Mapped[str] = mapped_column(String(32))
    """The node of the key that submitted it: the scope of its Idempotency-Key."""
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str | None] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    resource_number: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OpinionCode(Base):
    """A QR code on a station's wall (one per poster): a signed token naming this row,
    refused once revoked."""

    __tablename__ = "opinion_codes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(32))
    station_path: Mapped[str] = mapped_column(String(255), index=True)
    tenant: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(120))
    contact_point_kind: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(500))


class RateCount(Base):
    """Requests per bucket (a QR code, a client address) per fixed window, shared by every
    API replica through this database (ADR 0011)."""

    __tablename__ = "rate_counts"

    bucket: Mapped[str] = mapped_column(String(120), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    """The window's number: epoch seconds // window length."""
    count: Mapped[int] = mapped_column(Integer)


class BallotDoor(Base):
    """An open vote as the voting terminals' door sees it (from `vote.opened`)."""

    __tablename__ = "ballot_doors"

    vote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    candidates: Mapped[list[str]] = mapped_column(JSON)
    choices_allowed: Mapped[int] = mapped_column(Integer)
    present: Mapped[list[str]] = mapped_column(JSON)
    tracker: Mapped[bool] = mapped_column(Boolean)
    open: Mapped[bool] = mapped_column(Boolean)


class VoteRegister(Base):
    """Who has cast a ballot in a vote: no time, no choice (docs/adr/0012-secret-ballot.md)."""

    __tablename__ = "vote_register"
    __table_args__ = ({"sqlite_with_rowid": False},)

    vote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deputy_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class BallotPool(Base):
    """An open vote's newest ballots, in shards that its casts rewrite, so that no
    transaction id marks one ballot: a vote opens with one shard, a full shard splits in
    two, and past the most shards full ones spill into the box in random batches
    (services/intake/domain/ballots.py). A shard's id is random. Emptied at closing."""

    __tablename__ = "ballot_pool"
    __table_args__ = ({"sqlite_with_rowid": False},)

    vote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shard_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ballots: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class BallotBox(Base):
    """The choices of an open vote: no voter, no time, a random key, written by batches of
    the pool; emptied at closing."""

    __tablename__ = "ballot_box"
    __table_args__ = ({"sqlite_with_rowid": False},)

    vote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ballot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    choices: Mapped[list[str]] = mapped_column(JSON)


class ConsultationDoor(Base):
    """A published consultation as the public page's door sees it (from
    `consultation.published`): an opinion after its deadline, or for a contact point not
    taking part, is refused at the door."""

    __tablename__ = "consultation_doors"

    consultation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    station_ids: Mapped[list[str]] = mapped_column(JSON)
    deadline: Mapped[date] = mapped_column(Date)


class EvaluationDoor(Base):
    """A completed project as the evaluation doors see it (from `project.completed`):
    constituents and deputies evaluate it until `closes_on`, a local date."""

    __tablename__ = "evaluation_doors"

    project_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(32))
    tenant_path: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    closes_on: Mapped[date] = mapped_column(Date)


class EvaluationRegister(Base):
    """Which deputies have evaluated a completed project: a second is refused at the door."""

    __tablename__ = "evaluation_register"
    __table_args__ = ({"sqlite_with_rowid": False},)

    project_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deputy_id: Mapped[str] = mapped_column(String(32), primary_key=True)
