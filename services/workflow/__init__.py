"""Workflow: the state machines of suggestions (提、办、评), deadlines and supervision."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.workflow.handlers import HANDLERS
from services.workflow.store import Base
from services.workflow.ticks import TICKS


def _blueprints() -> list:
    from services.workflow.api.figures import blp as figures
    from services.workflow.api.public import blp as public
    from services.workflow.api.suggestions import blp as suggestions

    return [suggestions, figures, public]


SPEC = ServiceSpec(
    name="workflow",
    title="Deputies' suggestions from screening to closing: assignments, deadlines, figures.",
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
    ticks=TICKS,
)
