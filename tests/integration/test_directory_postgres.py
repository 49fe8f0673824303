"""The directory's reads on PostgreSQL: each miss of its cache is one statement in autocommit
(no BEGIN and ROLLBACK around it), which at 100 county tenants most of a tenant's reads are."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, text

from renda.processes import migrate
from runtime.clock import SystemClock
from runtime.config import Settings
from runtime.context import build_directory
from tests.support.infra import PostgresDatabases, run_id

pytestmark = pytest.mark.integration


def test_a_directory_miss_is_one_statement_outside_a_transaction(infrastructure: None) -> None:
    databases = PostgresDatabases(f"rd{run_id()}")
    databases.create()
    try:
        settings = Settings.from_env({"RENDA_DATABASE_URL": databases.url})
        migrate(settings)
        directory = build_directory(settings, SystemClock())
        directory.create_node("450100", "city", "南宁市", None)
        directory.create_node("450102", "county", "兴宁区人大常委会", "450100")
        directory.add_deputy("D-1", "450102", "王建国", "county")
        directory.add_unit("U-EDU", "450102", "教育局")
        key = directory.create_key("450102", "system")
        status: list[TransactionStatus] = []

        def after(conn, *_) -> None:  # type: ignore[no-untyped-def]
            status.append(conn.connection.dbapi_connection.info.transaction_status)

        event.listen(directory.db.engine, "after_cursor_execute", after)

        who = directory.authenticate(key)
        found = directory.deputies(["D-1", "D-none"])
        unit, node = directory.unit("U-EDU"), directory.node("450102")

        assert who is not None and who.node_path == "/450100/450102/"
        assert list(found) == ["D-1"] and found["D-1"].node_path == "/450100/450102/"
        assert unit is not None and node is not None and node.kind == "county"
        assert status == [TransactionStatus.IDLE] * 4
        # The engine's own sessions (the writes) still run in transactions.
        with directory.db.session() as session:
            session.execute(text("SELECT 1"))
            assert status[-1] == TransactionStatus.INTRANS
        directory.db.dispose()
    finally:
        databases.drop()
