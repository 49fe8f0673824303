"""Workflow: the state machines of suggestions (and, later, opinions, projects, reviews)."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.workflow.handlers import HANDLERS
from services.workflow.store import Base


def _blueprints() -> list:
    from services.workflow.api.suggestions import blp

    return [blp]


SPEC = ServiceSpec(
    name="workflow",
    title="Screening, assignment and deadlines of deputies' suggestions.",
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
)
