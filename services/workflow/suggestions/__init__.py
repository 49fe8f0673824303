"""Deputies' suggestions (docs/domain.md §1, 提、办、评): one aggregate of workflow, whole.

`domain/` the rules (no framework), `actions/` what people do (one module per stage),
`handlers.py` the events it consumes, `ticks.py` its scheduled work, `store.py` its tables,
`queries.py` its reads (the figures among them), `api/` its HTTP read side.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from services.workflow.suggestions.handlers import HANDLERS
from services.workflow.suggestions.ticks import TICKS

__all__ = ["HANDLERS", "TICKS", "blueprints"]


def blueprints() -> list[Blueprint]:
    from services.workflow.suggestions.api.figures import blp as figures
    from services.workflow.suggestions.api.public import blp as public
    from services.workflow.suggestions.api.suggestions import blp as suggestions

    return [suggestions, figures, public]
