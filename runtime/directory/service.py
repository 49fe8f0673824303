"""Reads and writes of the directory, with a short cache in front of key look-ups."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cachetools import TTLCache
from sqlalchemy import Connection, Select, bindparam, delete, null, select
from sqlalchemy.orm import Session

from runtime.clock import Clock, SystemClock
from runtime.db import Database
from runtime.directory.accounts import SESSION_PREFIX, Accounts
from runtime.directory.holidays import HOLIDAY, WORKING, OfficialSchedule
from runtime.directory.model import CHILD_KIND, NODE_KINDS, ROLES, Principal, node_path
from runtime.directory.store import (
    ApiKey,
    CalendarDay,
    CalendarYear,
    Deputy,
    Member,
    Node,
    StationDeputy,
    Unit,
)

KEY_PREFIX = "renda"
CACHE_ENTRIES = 20_000
"""Keys, nodes and people remembered at most (ids that do not exist take places too)."""
_MISSING = object()
DEPUTY_LEVELS = ("national", "provincial", "city", "county", "township")
MEMBER_BODIES = ("committee", "working_committee")
"""常委会组成人员 and 工委 members: with the deputies, they score projects monthly."""


class DirectoryError(ValueError):
    """An operator's request that the tenant tree's rules refuse."""


@dataclass(frozen=True)
class Place:
    """A node of the tenant tree."""

    id: str
    kind: str
    name: str
    path: str


@dataclass(frozen=True)
class Person:
    """A deputy, a committee member or a handling unit, with the node (congress) it
    belongs to."""

    id: str
    name: str
    node_id: str
    node_path: str
    phone: str | None = None
    electing_node_id: str | None = None
    """A deputy's electing unit (选举单位), if the directory knows it."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Directory:
    def __init__(
        self,
        db: Database,
        *,
        cache_seconds: float = 30.0,
        clock: Clock | None = None,
        session_idle_seconds: float = 1800.0,
    ):
        self.db = db
        self.cache_seconds = cache_seconds
        self.clock = clock or SystemClock()
        self.accounts = Accounts(db, self.clock, session_idle_seconds)
        self._cache: TTLCache = TTLCache(maxsize=CACHE_ENTRIES, ttl=cache_seconds)
        self._lock = threading.Lock()
        # A cache miss is one SELECT, which needs no transaction: on PostgreSQL it runs in
        # autocommit, one round trip where BEGIN, the SELECT and the pool's ROLLBACK were
        # three. (SQLite's connections begin their own way, runtime/db.py.)
        self._reads = (
            db.engine if db.is_sqlite else db.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    # -- writes (operator CLI and seed) ------------------------------------------------
    def create_node(self, node_id: str, kind: str, name: str, parent_id: str | None) -> Node:
        if kind not in NODE_KINDS:
            raise DirectoryError(f"kind must be one of {', '.join(NODE_KINDS)}")
        with self.db.transaction() as session:
            if session.get(Node, node_id) is not None:
                raise DirectoryError(f"node {node_id} exists")
            parent = session.get(Node, parent_id) if parent_id else None
            if kind == "city":
                if parent_id:
                    raise DirectoryError("a city node has no parent")
            elif parent is None:
                raise DirectoryError(f"a {kind} node needs an existing parent")
            elif CHILD_KIND.get(parent.kind) != kind:
                raise DirectoryError(f"a {kind} cannot sit under a {parent.kind}")
            node = Node(
                id=node_id,
                parent_id=parent_id,
                kind=kind,
                name=name,
                path=node_path(parent.path if parent else None, node_id),
                created_at=self.clock.now(),
            )
            session.add(node)
        self._forget(("node", node_id))
        return node

    def create_key(
        self, node_id: str, role: str, *, subject: str | None = None, label: str = ""
    ) -> str:
        """Create an API key and return it in full; only its hash is kept."""
        if role not in ROLES:
            raise DirectoryError(f"role must be one of {', '.join(ROLES)}")
        if role in ("unit", "deputy") and not subject:
            raise DirectoryError(f"a {role} key needs --subject, the {role}'s id")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        with self.db.transaction() as session:
            if session.get(Node, node_id) is None:
                raise DirectoryError(f"no node {node_id}")
            if role == "unit" and self._person(session, Unit, subject or "") is None:
                raise DirectoryError(f"no unit {subject}")
            if role == "deputy" and self._person(session, Deputy, subject or "") is None:
                raise DirectoryError(f"no deputy {subject}")
            session.add(
                ApiKey(
                    id=key_id,
                    secret_hash=_hash(secret),
                    node_id=node_id,
                    role=role,
                    subject=subject,
                    label=label,
                    created_at=self.clock.now(),
                )
            )
        return f"{KEY_PREFIX}_{key_id}_{secret}"

    def revoke_key(self, key_id: str) -> None:
        with self.db.transaction() as session:
            key = session.get(ApiKey, key_id)
            if key is None:
                raise DirectoryError(f"no key {key_id}")
            key.revoked_at = self.clock.now()
        self._forget(("key", key_id))

    def add_deputy(
        self,
        deputy_id: str,
        node_id: str,
        name: str,
        level: str,
        phone: str | None = None,
        electing_node_id: str | None = None,
    ) -> None:
        if level not in DEPUTY_LEVELS:
            raise DirectoryError(f"level must be one of {', '.join(DEPUTY_LEVELS)}")
        with self.db.transaction() as session:
            _check_new_person(session, Deputy, deputy_id, node_id)
            if electing_node_id is not None:
                self._check_electing(session, node_id, electing_node_id)
            session.add(
                Deputy(
                    id=deputy_id,
                    node_id=node_id,
                    name=name,
                    level=level,
                    phone=phone,
                    electing_node_id=electing_node_id,
                    created_at=self.clock.now(),
                )
            )
        self._forget(("deputy", deputy_id))

    def set_electing_unit(self, deputy_id: str, electing_node_id: str) -> None:
        """Record a deputy's electing unit (选举单位), e.g. for deputies added before."""
        with self.db.transaction() as session:
            deputy = session.get(Deputy, deputy_id)
            if deputy is None:
                raise DirectoryError(f"no deputy {deputy_id}")
            self._check_electing(session, deputy.node_id, electing_node_id)
            deputy.electing_node_id = electing_node_id
        self._forget(("deputy", deputy_id))

    @staticmethod
    def _check_electing(session, congress_id: str, electing_node_id: str) -> None:  # type: ignore[no-untyped-def]
        """An electing unit sits right below the congress (a township under its county)."""
        node = session.get(Node, electing_node_id)
        if node is None or node.parent_id != congress_id:
            raise DirectoryError(f"no node {electing_node_id} right below {congress_id}")

    def link_station_deputy(self, station_id: str, deputy_id: str) -> None:
        """The deputy receives constituents at the station (again: no change)."""
        with self.db.transaction() as session:
            station = session.get(Node, station_id)
            if station is None or station.kind != "station":
                raise DirectoryError(f"no station {station_id}")
            if session.get(Deputy, deputy_id) is None:
                raise DirectoryError(f"no deputy {deputy_id}")
            if session.get(StationDeputy, (station_id, deputy_id)) is None:
                session.add(
                    StationDeputy(
                        station_id=station_id, deputy_id=deputy_id, created_at=self.clock.now()
                    )
                )

    def unlink_station_deputy(self, station_id: str, deputy_id: str) -> None:
        with self.db.transaction() as session:
            link = session.get(StationDeputy, (station_id, deputy_id))
            if link is None:
                raise DirectoryError(f"deputy {deputy_id} is not at station {station_id}")
            session.delete(link)

    def station_deputies(self, station_id: str) -> list[Person]:
        """The deputies at a station, by id."""
        with self.db.session() as session:
            rows = session.execute(
                select(Deputy, Node.path)
                .join(StationDeputy, StationDeputy.deputy_id == Deputy.id)
                .join(Node, Node.id == Deputy.node_id)
                .where(StationDeputy.station_id == station_id)
                .order_by(Deputy.id)
            ).all()
        return [Person(d.id, d.name, d.node_id, path) for d, path in rows]

    def add_member(self, member_id: str, node_id: str, name: str, body: str) -> None:
        """A standing-committee or working-committee member of the congress (node); the id
        is never a deputy's, since one roll may hold both."""
        if body not in MEMBER_BODIES:
            raise DirectoryError(f"body must be one of {', '.join(MEMBER_BODIES)}")
        with self.db.transaction() as session:
            _check_new_person(session, Member, member_id, node_id)
            session.add(
                Member(
                    id=member_id,
                    node_id=node_id,
                    name=name,
                    body=body,
                    created_at=self.clock.now(),
                )
            )
        self._forget(("member", member_id))

    def add_unit(self, unit_id: str, node_id: str, name: str) -> None:
        with self.db.transaction() as session:
            if session.get(Node, node_id) is None:
                raise DirectoryError(f"no node {node_id}")
            if session.get(Unit, unit_id) is not None:
                raise DirectoryError(f"unit {unit_id} exists")
            session.add(Unit(id=unit_id, node_id=node_id, name=name, created_at=self.clock.now()))
        self._forget(("unit", unit_id))

    def load_schedule(self, schedule: OfficialSchedule) -> None:
        """Store a year's official schedule city-wide, replacing one loaded before."""
        with self.db.transaction() as session:
            session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
            session.execute(delete(CalendarYear).where(CalendarYear.year == schedule.year))
            session.flush()
            session.add(
                CalendarYear(year=schedule.year, source=schedule.source, loaded_at=self.clock.now())
            )
            session.flush()
            for kind, days in ((HOLIDAY, schedule.holidays), (WORKING, schedule.working_days)):
                session.add_all(
                    CalendarDay(day=day, year=schedule.year, kind=kind, name=name)
                    for day, name in days.items()
                )

    def remove_schedule(self, year: int) -> None:
        """Forget a year's official schedule: its deadlines follow the `holidays` package."""
        with self.db.transaction() as session:
            if session.get(CalendarYear, year) is None:
                raise DirectoryError(f"no official schedule for {year}")
            session.execute(delete(CalendarDay).where(CalendarDay.year == year))
            session.execute(delete(CalendarYear).where(CalendarYear.year == year))

    def official_schedule(self, year: int) -> OfficialSchedule | None:
        """The year's official schedule as loaded, or None (read every time: callers cache)."""
        with self.db.session() as session:
            loaded = session.get(CalendarYear, year)
            if loaded is None:
                return None
            days = session.scalars(select(CalendarDay).where(CalendarDay.year == year)).all()
        return OfficialSchedule(
            year,
            {d.day: d.name for d in days if d.kind == HOLIDAY},
            {d.day: d.name for d in days if d.kind == WORKING},
            source=loaded.source,
            loaded_at=loaded.loaded_at.isoformat(),
        )

    # -- reads ---------------------------------------------------------------------------
    def authenticate(self, token: str) -> Principal | None:
        """The principal of a presented key or console session, or None; a key's revocation
        is seen within the cache time, a session's end at once."""
        if token.startswith(f"{SESSION_PREFIX}_"):
            return self.accounts.authenticate(token)
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None
        key_id, secret = parts[1], parts[2]
        principal, secret_hash = self._cached(("key", key_id), lambda: self._load_key(key_id))
        if principal is None or not hmac.compare_digest(secret_hash, _hash(secret)):
            return None
        return principal

    def _cached(self, key: tuple[str, str], load: Callable[[], Any]) -> Any:
        """Directory reads are served from memory for up to the cache time: every request
        needs them, and they change rarely (a new key or person shows within that time)."""
        with self._lock:
            found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            found = load()
            with self._lock:
                self._cache[key] = found
        return found

    def _forget(self, key: tuple[str, str]) -> None:
        """After a write here, this process sees it at once; others within the cache time."""
        with self._lock:
            self._cache.pop(key, None)

    def _load_key(self, key_id: str) -> tuple[Principal | None, str]:
        with self._reads.connect() as conn:
            row = conn.execute(_KEY, {"id": key_id}).first()
        if row is None:
            return None, ""
        return Principal(row.id, row.node_id, row.path, row.role, row.subject), row.secret_hash

    def key_holder(self, key_id: str) -> tuple[str, str | None] | None:
        """A key's role and subject, revoked or not (what it filed stays its holder's)."""

        def load() -> tuple[str, str | None] | None:
            with self.db.session() as session:
                key = session.get(ApiKey, key_id)
            return (key.role, key.subject) if key else None

        return self._cached(("holder", key_id), load)

    def node(self, node_id: str) -> Place | None:
        def load() -> Place | None:
            with self._reads.connect() as conn:
                node = conn.execute(_NODE, {"id": node_id}).first()
            return Place(node.id, node.kind, node.name, node.path) if node else None

        return self._cached(("node", node_id), load)

    def deputy(self, deputy_id: str) -> Person | None:
        return self.deputies([deputy_id]).get(deputy_id)

    def member(self, member_id: str) -> Person | None:
        """A standing-committee or working-committee member (add_member)."""
        return self.members([member_id]).get(member_id)

    def unit(self, unit_id: str) -> Person | None:
        return self._people(Unit, [unit_id]).get(unit_id)

    def units(self, node_id: str) -> list[Person]:
        """The handling units of a congress, by name (the console's assignment choices)."""
        with self.db.session() as session:
            rows = session.execute(
                select(Unit, Node.path)
                .join(Node, Node.id == Unit.node_id)
                .where(Unit.node_id == node_id)
                .order_by(Unit.id)
            ).all()
        return [Person(u.id, u.name, u.node_id, path) for u, path in rows]

    def congress_deputies(self, node_id: str) -> list[Person]:
        """The deputies of one congress, by id (scoring's flags need those with no points)."""
        with self.db.session() as session:
            rows = session.execute(
                select(Deputy, Node.path)
                .join(Node, Node.id == Deputy.node_id)
                .where(Deputy.node_id == node_id)
                .order_by(Deputy.id)
            ).all()
        return [
            Person(d.id, d.name, d.node_id, path, electing_node_id=d.electing_node_id)
            for d, path in rows
        ]

    def children(self, node_id: str | None) -> list[Place]:
        """The nodes right below one (a city's counties), or the cities; by id."""
        with self.db.session() as session:
            rows = session.scalars(select(Node).where(Node.parent_id == node_id).order_by(Node.id))
            return [Place(n.id, n.kind, n.name, n.path) for n in rows]

    def deputies(self, ids: list[str]) -> dict[str, Person]:
        return self._people(Deputy, ids)

    def members(self, ids: list[str]) -> dict[str, Person]:
        return self._people(Member, ids)

    def _people(self, model: type[People], ids: list[str]) -> dict[str, Person]:
        """The people of those ids that exist, from the cache; those not in it are read by
        one statement together (a suggestion's proposers) and remembered, the ids that do
        not exist too. At 100 county tenants and more, most reads of a tenant's people miss
        (each tenant files a few times a minute, its entries are cold), so a miss is one
        round trip on a connection, its statement built once."""
        kind = _KINDS[model]
        found: dict[str, Person | None] = {}
        with self._lock:
            for person_id in ids:
                found[person_id] = self._cache.get((kind, person_id), _MISSING)
        missing = [person_id for person_id, person in found.items() if person is _MISSING]
        if missing:
            with self._reads.connect() as conn:
                loaded = self._person_rows(conn, model, missing)
            with self._lock:
                for person_id in missing:
                    found[person_id] = self._cache[(kind, person_id)] = loaded.get(person_id)
        return {person_id: person for person_id, person in found.items() if person is not None}

    @staticmethod
    def _person_rows(
        conn: Connection | Session, model: type[People], ids: list[str]
    ) -> dict[str, Person]:
        return {
            row.id: Person(row.id, row.name, row.node_id, row.path, row.phone, row.electing)
            for row in conn.execute(_people_query(model), {"ids": ids})
        }

    @classmethod
    def _person(cls, session: Session, model: type[People], person_id: str) -> Person | None:
        return cls._person_rows(session, model, [person_id]).get(person_id)


People = Deputy | Unit | Member
_KINDS: dict[type[People], str] = {Deputy: "deputy", Unit: "unit", Member: "member"}
"""Each kind of person's place in the cache's keys (what `_forget` names)."""


@cache
def _people_query(model: type[People]) -> Select:
    """The people of a list of ids with their node's path, built once per kind."""
    table, nodes = model.__table__, Node.__table__
    optional = [
        (table.c[c] if c in table.c else null()).label(label)
        for c, label in (("phone", "phone"), ("electing_node_id", "electing"))
    ]
    return (
        select(table.c.id, table.c.name, table.c.node_id, nodes.c.path, *optional)
        .join(nodes, nodes.c.id == table.c.node_id)
        .where(table.c.id.in_(bindparam("ids", expanding=True)))
    )


_KEY = (
    select(
        ApiKey.id,
        ApiKey.node_id,
        ApiKey.role,
        ApiKey.subject,
        ApiKey.secret_hash,
        Node.path,
    )
    .join(Node, Node.id == ApiKey.node_id)
    .where(ApiKey.id == bindparam("id"), ApiKey.revoked_at.is_(None))
)
"""A live key with its node's path: authenticating a county system's key reads it."""

_NODE = select(Node.id, Node.kind, Node.name, Node.path).where(Node.id == bindparam("id"))


def _check_new_person(
    session: Session, kind: type[Deputy] | type[Member], person_id: str, node_id: str
) -> None:
    """A deputy or member is added to a node that exists, under an id neither a deputy nor
    a member has: one roll may hold both (a monthly score's), so their ids never meet."""
    if session.get(Node, node_id) is None:
        raise DirectoryError(f"no node {node_id}")
    if session.get(kind, person_id) is not None:
        raise DirectoryError(f"{'deputy' if kind is Deputy else 'member'} {person_id} exists")
    other = Member if kind is Deputy else Deputy
    if session.get(other, person_id) is not None:
        whose = "a committee member's" if other is Member else "a deputy's"
        raise DirectoryError(f"{person_id} is {whose} id")
