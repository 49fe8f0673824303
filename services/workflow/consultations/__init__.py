"""Consultations on draft laws through the legislative contact points (docs/domain.md §8):
plan, publicise, collect, sort and submit, report back. The same rooms as opinions:
`domain/`, `actions/`, `handlers.py`, `store.py`, `queries.py`, `api/`. As for projects,
services/workflow/__init__.py takes the handlers from `handlers.py` directly: importing
them here would loop through `policy.py`, which reads this aggregate's settings.
"""

from __future__ import annotations

from flask_smorest import Blueprint


def blueprints() -> list[Blueprint]:
    from services.workflow.consultations.api.consultations import blp as consultations
    from services.workflow.consultations.api.public import blp as public

    return [consultations, public]
