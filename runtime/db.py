"""Database engines and transactions. One Database per service (its own schema of tables)."""

from __future__ import annotations

import json
import os
import time
import weakref
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, Executable, Table, create_engine, event, text
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

T = TypeVar("T")


def compact_json(value: object) -> str:
    """JSON columns as compact UTF-8 text: the outbox relay publishes a payload's stored
    text as the message body, and escaped Chinese (\\uXXXX, 6 bytes a character instead of
    3) would double an event's size against the consumers' 1 MiB limit."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def upsert(session: Session, table: type | Table) -> PgInsert | SqliteInsert:
    """An INSERT into `table` that can say ON CONFLICT, in the session's dialect (PostgreSQL's
    or SQLite's: both spell the clause the same way)."""
    return upsert_in(session.get_bind().dialect.name, table)


def upsert_in(dialect: str, table: type | Table) -> PgInsert | SqliteInsert:
    """`upsert` for a dialect named, for a statement built once and kept."""
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def constraint_of(error: IntegrityError) -> str | None:
    """The constraint a statement broke, as PostgreSQL names it (None from SQLite)."""
    return getattr(getattr(error.orig, "diag", None), "constraint_name", None)


def once_per_transaction(
    session: Session, tables: tuple[type, ...], key: Hashable, read: Callable[[], T]
) -> T:
    """`read()`, called once per transaction of the session for each key: for the
    configuration handlers read (a tenant's policy, its routing rules) and the operator or
    an API changes in transactions of their own, so that the events of a batch, which share
    one transaction (ADR 0019), do not each read it again. What another transaction commits
    meanwhile is seen by the next transaction, as if it had committed after this one.

    `tables` are the mapped classes `read` reads: once this transaction itself adds,
    changes or deletes one of them (through the session), the next call reads again."""
    memo = session.info.setdefault(_ONCE, {})
    entry = (tables, key)
    if entry not in memo or _writes(session, tables):
        memo[entry] = read()
    return memo[entry]


_ONCE = "once_per_transaction"


def _writes(session: Session, tables: tuple[type, ...]) -> bool:
    return any(isinstance(o, tables) for o in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "before_flush")
def _forget_written(session: Session, _context: object, _instances: object) -> None:
    memo = session.info.get(_ONCE)
    if memo:
        for entry in [entry for entry in memo if _writes(session, entry[0])]:
            del memo[entry]


@event.listens_for(Session, "after_transaction_end")
def _forget_once(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_ONCE, None)


class Database:
    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": 30},
                json_serializer=compact_json,
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        else:
            self.engine = create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                json_serializer=compact_json,
            )
            event.listen(self.engine.pool, "checkin", _stamp_checkin)
            event.listen(self.engine.pool, "checkout", _ping_if_idle)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._alone: dict[Executable, _Compiled] = {}
        # Gunicorn forks its workers from the arbiter that built the app (preload_app): a
        # pool inherited that way would share the parent's sockets, so the child forgets
        # them (without closing them under the parent) and opens its own.
        os.register_at_fork(after_in_child=partial(_forget_inherited_pool, weakref.ref(self)))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together at the end, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session."""
        with self._sessions() as session:
            yield session

    def execute_alone(self, statement: Executable, params: Mapping[str, Any]) -> None:
        """Run one statement on its own in autocommit, on PostgreSQL: a statement is its
        own transaction there, so what it writes (a data-modifying WITH included) is kept
        whole or not at all.

        For the hottest writes (intake's filing): the statement is compiled by SQLAlchemy
        once and its parameters go through SQLAlchemy's own bind processors, but it is sent
        on the pooled driver connection, without the Connection, execution context and
        result SQLAlchemy builds around each call: 13 % of an intake POST's instructions
        (bench/README.md). Checkout, ping and return are the pool's, as for any statement;
        a driver error is raised as SQLAlchemy's (IntegrityError, OperationalError, ...)
        and a broken connection is dropped from the pool, as SQLAlchemy does.
        """
        compiled = self._alone.get(statement)
        if compiled is None:
            compiled = self._alone[statement] = _Compiled.of(statement, self.engine)
        values = compiled.values(params)
        driver_error = self.engine.dialect.loaded_dbapi.Error
        try:
            pooled = self.engine.raw_connection()
        except driver_error as exc:  # the database refuses connections, or is down
            raise self._as_sqlalchemy_error(compiled.sql, values, exc, False) from exc
        try:
            driver = pooled.driver_connection
            driver.autocommit = True
            try:
                driver.execute(compiled.sql, values)
            except driver_error as exc:
                broken = driver.broken
                if broken:
                    pooled.invalidate(exc)
                raise self._as_sqlalchemy_error(compiled.sql, values, exc, broken) from exc
            finally:
                if not driver.broken:
                    driver.autocommit = False
        finally:
            pooled.close()

    def _as_sqlalchemy_error(
        self, sql: str, values: Mapping[str, Any], error: Exception, invalidated: bool
    ) -> DBAPIError:
        """The driver's error as SQLAlchemy raises it around any statement (IntegrityError,
        OperationalError, ...), so callers and the API's 503 handler see one kind."""
        return DBAPIError.instance(
            sql,
            values,
            error,
            self.engine.dialect.loaded_dbapi.Error,
            connection_invalidated=invalidated,
            dialect=self.engine.dialect,
        )

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("select 1"))

    def dispose(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class _Compiled:
    """A statement as the driver takes it: its SQL, the bind processors of its
    parameters (JSON serialised, datetimes as the dialect sends them) and the values
    bound in the statement itself."""

    sql: str
    processors: dict[str, Callable[[Any], Any]]
    fixed: dict[str, Any]

    @classmethod
    def of(cls, statement: Executable, engine: Engine) -> _Compiled:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        processors, fixed = {}, {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
            if not bind.required and bind.value is not None:
                fixed[name] = process(bind.value) if process else bind.value
        return cls(compiled.string, processors, fixed)

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        values = {**params, **self.fixed}
        for name, process in self.processors.items():
            if name in params:
                values[name] = process(params[name])
        return values


def _forget_inherited_pool(database: weakref.ref[Database]) -> None:
    found = database()
    if found is not None:
        found.engine.dispose(close=False)


PING_IDLE_SECONDS = 1.0
"""A pooled connection idle at least this long is pinged before use (a database restart
or outage leaves the pool's connections dead); one back in use within it is not, which
spares a busy API a round trip per request. A connection that dies within that second
fails its one request (a 503 with Retry-After, runtime/http.py), and the pool then
replaces every connection older than it."""


def _stamp_checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
    checked_in = record.info.get("checked_in")
    if checked_in is None or time.monotonic() - checked_in < PING_IDLE_SECONDS:
        return
    try:
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as exc:
        # The pool takes this to mean "dead": it discards it and connects afresh.
        raise DisconnectionError() from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The standalone mode writes from several threads: WAL lets readers run beside a
    # writer, and the driver's own transaction handling is replaced by BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(conn) -> None:  # type: ignore[no-untyped-def]
    # Taking the write lock at BEGIN avoids the deadlock of two readers upgrading at once.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
