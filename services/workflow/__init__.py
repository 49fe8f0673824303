"""Workflow: the state machines of the congress's work, one aggregate per folder.

`suggestions/` (docs/domain.md §1) is the first; opinions, projects and reviews each get a
folder beside it with the same rooms. What every aggregate shares stays here: the
working-day calendar (`working_days.py`, `domain/calendar.py`), deadlines, colours, actors
and rules (`domain/`), the tenant's policy (`policy.py`, `store.py`), operator writes
(`admin.py`), and this spec, which registers every aggregate's handlers, ticks and APIs.
"""

from pathlib import Path

from runtime.service import ServiceSpec
from services.workflow import consultations, opinions, projects, suggestions
from services.workflow.consultations.handlers import HANDLERS as CONSULTATION_HANDLERS
from services.workflow.projects.handlers import HANDLERS as PROJECT_HANDLERS
from services.workflow.projects.ticks import TICKS as PROJECT_TICKS
from services.workflow.store import Base

SPEC = ServiceSpec(
    name="workflow",
    title=(
        "Deputies' suggestions from screening to closing; constituents' opinions from the "
        "station up to the county; the livelihood projects' votes; deadlines, figures."
    ),
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=lambda: [
        *suggestions.blueprints(),
        *opinions.blueprints(),
        *projects.blueprints(),
        *consultations.blueprints(),
    ],
    handlers={
        **suggestions.HANDLERS,
        **opinions.HANDLERS,
        **PROJECT_HANDLERS,
        **CONSULTATION_HANDLERS,
    },
    ticks={**suggestions.TICKS, **opinions.TICKS, **PROJECT_TICKS},
)
