from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runtime.types import UtcDateTime


class Base(DeclarativeBase):
    pass


class Node(Base):
    __tablename__ = "nodes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("nodes.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    role: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Deputy(Base):
    __tablename__ = "deputies"
    __table_args__ = (Index("ix_deputies_node", "node_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    electing_node_id: Mapped[str | None] = mapped_column(ForeignKey("nodes.id"))
    """The electing unit (选举单位), a node right below the congress: a county deputy's
    township (选区), a city deputy's county. Scoring books the deputy's event credits to
    that township's list and sends it the deputy's formal points report."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StationDeputy(Base):
    """A deputy who receives constituents at a station (进站履职); a deputy may serve at
    several. The public form behind the station's QR code names them."""

    __tablename__ = "station_deputies"

    station_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"), primary_key=True)
    deputy_id: Mapped[str] = mapped_column(ForeignKey("deputies.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Member(Base):
    """A member of the congress's standing committee (常委会组成人员) or one of its working
    bodies (工委): not a deputy of that congress, but on the roll of its monthly project
    scores (月度评议, docs/domain.md §3)."""

    __tablename__ = "members"
    __table_args__ = (Index("ix_members_node", "node_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    name: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(String(20))
    """committee (常委会组成人员) or working_committee (工委)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (Index("ix_units_node", "node_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalendarYear(Base):
    """A year whose official holiday schedule (国务院办公厅 notice) the operator loaded."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalendarDay(Base):
    """One day of an official schedule: a holiday (with its name) or a make-up working day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(60))


class Account(Base):
    """A person who signs in to the console, scoped exactly like an API key."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.id"))
    role: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ConsoleSession(Base):
    """A signed-in person's credential: the console presents it to the APIs as a key."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_account", "account_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
