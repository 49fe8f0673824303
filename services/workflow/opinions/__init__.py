"""Constituents' opinions (docs/domain.md §2): from a QR code or a deputy's record at a
contact point, up station → township → county, forwarded, or adopted as a suggestion,
and back to the constituent. The same rooms as suggestions: `domain/`, `actions/`,
`handlers.py`, `ticks.py`, `store.py`, `queries.py`, `api/`.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from services.workflow.opinions.handlers import HANDLERS
from services.workflow.opinions.ticks import TICKS

__all__ = ["HANDLERS", "TICKS", "blueprints"]


def blueprints() -> list[Blueprint]:
    from services.workflow.opinions.api.opinions import blp as opinions
    from services.workflow.opinions.api.public import blp as public

    return [opinions, public]
