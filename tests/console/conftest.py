"""The whole system in this process with the console mounted, and its demo accounts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from renda.demo import ensure_demo_accounts
from renda.processes import local_secret_key, one_process_app
from tests.support.system import InProcessSystem, start_in_process

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ARTEFACTS = Path(__file__).resolve().parents[2] / "tmp" / "artefacts" / "console"


@dataclass
class Console:
    system: InProcessSystem
    app: Any
    passwords: dict[str, str]
    names: dict[str, str]

    def client(self, account: str | None = None) -> Client:
        """A browser-like client, signed in as the account when one is named."""
        client = Client(self.app)
        if account:
            answer = client.post(
                "/console/sign-in",
                data={
                    "csrf_token": csrf(client, "/console/sign-in"),
                    "account": account,
                    "password": self.passwords[account],
                },
            )
            assert answer.status_code == 302, answer.get_data(as_text=True)
        return client


def csrf(client: Client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = CSRF.search(page)
    assert found, page
    return found.group(1)


def start_console(var_dir: Path, **overrides: Any) -> Console:
    system = start_in_process(var_dir, **overrides)
    settings = local_secret_key(system.settings)
    accounts = ensure_demo_accounts(settings, system.runtimes[0].directory)
    return Console(
        system,
        one_process_app(system.runtimes, settings),
        {name: entry["password"] for name, entry in accounts.items()},
        {name: entry["who"] for name, entry in accounts.items()},
    )


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    started = start_console(tmp_path_factory.mktemp("console"))
    yield started
    started.system.stop()
