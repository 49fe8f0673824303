"""schemathesis against every operation of every service, in both run modes.

The one-process standalone app (`renda run`, SQLite) and each service's gunicorn API on
PostgreSQL, over HTTP with the demo county system's key (it may take every action).
Checks: no 500, every status code documented, every response (errors included) matches
its documented schema. Valid and invalid requests, boundary values (the coverage phase)
and random ones; the examples per operation are bounded so both modes cost about two
minutes, and seeded so a failure repeats.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from runtime.config import SERVICES
from tests.support.cluster import Cluster
from tests.support.infra import free_port

BIN = Path(sys.executable).parent
KEY = "county_system_450102"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"


def schemathesis(openapi_url: str, key: str, workdir: Path) -> None:
    """Run the CLI in `workdir`: it keeps a cache of past crashes where it runs."""
    run = subprocess.run(
        [
            BIN / "schemathesis",
            "run",
            openapi_url,
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "8",
            "--seed",
            "1",
            "--workers",
            "1",
            "--generation-with-security-parameters",
            "false",
            "--header",
            f"Authorization: Bearer {key}",
            "--request-timeout",
            "10",
            "--no-color",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`renda run` on a free port: its base URL and the demo county system's key."""
    home = tmp_path_factory.mktemp("fuzz_standalone")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENDA_") and k != "PORT"}
    env.update(RENDA_VAR_DIR=str(home / "var"), PORT=str(port))
    with open(home / "run.log", "wb") as log:
        process = subprocess.Popen(
            [BIN / "renda", "run"],
            env=env,
            cwd=home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    keys = home / "var" / "demo-keys.json"
    try:
        deadline = time.monotonic() + 60
        while not _ready(base) or not keys.exists():
            assert process.poll() is None, (home / "run.log").read_text()
            assert time.monotonic() < deadline, (home / "run.log").read_text()
            time.sleep(0.2)
        yield base, json.loads(keys.read_text())[KEY]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def _ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.parametrize("service", SERVICES)
def test_standalone_on_sqlite(standalone: tuple[str, str], service: str, tmp_path: Path) -> None:
    base, key = standalone
    schemathesis(f"{base}/{service}/v1/openapi.json", key, tmp_path)


@pytest.mark.integration
@pytest.mark.parametrize("service", SERVICES)
def test_apis_on_postgres(apis_on_postgres: Cluster, service: str, tmp_path: Path) -> None:
    url = apis_on_postgres.url(f"{service}-api", f"/{service}/v1/openapi.json")
    schemathesis(url, apis_on_postgres.keys[KEY], tmp_path)
