"""The services of this deployment, by name."""

from __future__ import annotations

from pathlib import Path

import runtime.directory
from runtime.config import DIRECTORY, SERVICES
from runtime.service import ServiceSpec

DIRECTORY_MIGRATIONS = Path(runtime.directory.__file__).parent / "migrations"


def spec(name: str) -> ServiceSpec:
    if name == "intake":
        from services.intake import SPEC
    elif name == "workflow":
        from services.workflow import SPEC
    elif name == "scoring":
        from services.scoring import SPEC
    elif name == "notify":
        from services.notify import SPEC
    else:
        raise KeyError(f"no service {name!r}; one of {', '.join(SERVICES)}")
    return SPEC


def migrations_dir(database: str) -> Path:
    """Where the migration history of a database lives (a service's, or the directory's)."""
    return DIRECTORY_MIGRATIONS if database == DIRECTORY else spec(database).migrations
