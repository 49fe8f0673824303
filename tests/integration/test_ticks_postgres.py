"""Scheduled work is safe with several worker replicas: one runs a tick, the others skip."""

from __future__ import annotations

import threading

import pytest

from renda.processes import migrate, runtimes_for
from runtime.config import Settings
from runtime.scheduler import run_tick, try_lock
from tests.support.infra import PostgresDatabases, run_id

pytestmark = pytest.mark.integration


def test_a_tick_held_by_one_replica_is_skipped_by_another(infrastructure: None) -> None:
    databases = PostgresDatabases(f"rt{run_id()}")
    databases.create()
    try:
        settings = Settings.from_env({"RENDA_DATABASE_URL": databases.url})
        migrate(settings)
        (rt,) = runtimes_for(["workflow"], settings)
        name, tick = next(iter(rt.spec.ticks.items()))
        holding, release = threading.Event(), threading.Event()

        def other_replica() -> None:
            with rt.db.transaction() as session:
                assert try_lock(session, name)
                holding.set()
                release.wait(10)

        replica = threading.Thread(target=other_replica)
        replica.start()
        assert holding.wait(10)
        assert run_tick(name, tick, rt.db, rt.outbox, rt.clock, rt.directory) is False
        release.set()
        replica.join(10)
        assert run_tick(name, tick, rt.db, rt.outbox, rt.clock, rt.directory) is True
        rt.db.dispose()
        rt.directory.db.dispose()
    finally:
        databases.drop()
