"""What keeps the APIs and workers small (issue 7, docs/adr/0018-memory.md): libraries used
on one path are imported on that path, nothing costly is made before it is needed, a pool
never crosses a fork, malloc's arenas are capped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from renda.allocator import limit_arenas
from runtime.db import Database

LAZY = ("alembic", "reportlab", "cryptography")

SCRIPT = """
import json, sys, types
from renda.processes import api_app, runtimes_for
from runtime.config import SERVICES, Settings
from runtime.worker import Worker

settings = Settings.from_env()
runtimes = runtimes_for(list(SERVICES), settings)
api_app(runtimes)
Worker(runtimes, settings)
built = sorted(m for m in {lazy!r} if m in sys.modules)
from runtime.directory.accounts import _dummy_hash
hashed = _dummy_hash.cache_info().currsize

from contracts.contact import cipher
from renda.processes import migrate
from services.notify.notices import render_pdf

sealed = cipher(settings.contact_keys).encrypt("13800001234")
notice = types.SimpleNamespace(
    issuer="兴宁区人大常委会", number="450102〔2026〕1号", title="通报", recipients=[],
    body="正文", figures=[], columns=None, rows=None,
)
pdf = render_pdf(notice, "2026-12-07")
migrate(settings, ["notify"])
print(json.dumps({{
    "built": built,
    "hashed": hashed,
    "opened": cipher(settings.contact_keys).decrypt(sealed),
    "pdf": pdf[:5].decode(),
    "used": sorted(m for m in {lazy!r} if m in sys.modules),
}}))
"""


def test_apis_and_workers_import_pdf_migration_and_crypto_libraries_only_to_use_them(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RENDA_", "PROMETHEUS_"))}
    env.update(
        RENDA_VAR_DIR=str(tmp_path / "var"),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    (tmp_path / "metrics").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(lazy=LAZY)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # Every service's API and worker built: none of them has imported these yet.
    assert found["built"] == []
    # Nor hashed a password (argon2 takes 64 MB and half a second for one): that waits for
    # the first sign-in.
    assert found["hashed"] == 0
    # Each still works on its own path: a contact sealed and opened, a notice drawn as a
    # PDF, a database migrated.
    assert found["opened"] == "13800001234"
    assert found["pdf"] == "%PDF-"
    assert found["used"] == sorted(LAZY)
    assert (tmp_path / "var" / "notify.db").exists()


def test_a_forked_process_does_not_use_the_connections_its_parent_pooled(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'pool.db'}")
    database.ping()
    assert database.engine.pool.checkedin() == 1
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit code
        os._exit(0 if database.engine.pool.checkedin() == 0 else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's connection is still its own, and still works.
    assert database.engine.pool.checkedin() == 1
    database.ping()
    database.dispose()


def test_malloc_arenas_are_capped_at_two_unless_the_operator_says_otherwise() -> None:
    unset: dict[str, str] = {}
    limit_arenas(unset)
    assert unset == {"MALLOC_ARENA_MAX": "2"}
    chosen = {"MALLOC_ARENA_MAX": "4"}
    limit_arenas(chosen)
    assert chosen == {"MALLOC_ARENA_MAX": "4"}
