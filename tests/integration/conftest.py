from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime.config import SERVICES
from tests.support.cluster import Cluster
from tests.support.infra import PostgresDatabases, check_broker, delete_bus_names, unavailable


@pytest.fixture(scope="session")
def infrastructure() -> None:
    """The real RabbitMQ and PostgreSQL; under CI=true their absence fails the run."""
    try:
        check_broker()
    except Exception as exc:
        unavailable("RabbitMQ", exc)
    probe = PostgresDatabases("renda_probe")
    try:
        probe.query_admin_ping()
    except Exception as exc:
        unavailable("PostgreSQL", exc)


@pytest.fixture
def cluster(infrastructure: None, tmp_path: Path) -> Iterator[Cluster]:
    """Fresh databases and bus names; processes started by the test; all removed after."""
    running = Cluster(log_dir=tmp_path)
    running.setup()
    try:
        yield running
    finally:
        running.stop()
        running.databases.drop()
        delete_bus_names(running.prefix, SERVICES, retry_tiers=3)
