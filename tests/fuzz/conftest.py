from __future__ import annotations

from collections.abc import Iterator

import pytest

from runtime.config import SERVICES
from tests.integration.conftest import infrastructure  # noqa: F401 - the real PostgreSQL
from tests.support.cluster import Cluster
from tests.support.infra import delete_bus_names


@pytest.fixture(scope="session")
def apis_on_postgres(
    infrastructure: None,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """Each service's gunicorn API on PostgreSQL, shared by this folder's tests (no workers:
    an API writes only to its outbox)."""
    running = Cluster(log_dir=tmp_path_factory.mktemp("apis_on_postgres"))
    running.setup()
    try:
        for service in SERVICES:
            running.start_api(service)
        yield running
    finally:
        running.stop()
        running.databases.drop()
        delete_bus_names(running.prefix, SERVICES, retry_tiers=3)
