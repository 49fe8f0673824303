"""Livelihood projects decided by the deputies' ballot (docs/domain.md §3, 民生实事项目票决制).

Today: the vote — opened with the tenant's rules frozen, tallied from the ballots the door
released, published with its sealed anonymous board (docs/adr/0012-secret-ballot.md).
`domain/` the rules, `actions/` opening and tallying, `handlers.py` the events it consumes,
`store.py` its tables, `queries.py` its reads, `api/` its public read side. The handlers
are registered by services/workflow/__init__.py from `handlers.py` directly: importing
them here would loop through `policy.py`, which reads this aggregate's rule sets.
"""

from __future__ import annotations

from flask_smorest import Blueprint


def blueprints() -> list[Blueprint]:
    from services.workflow.projects.api.projects import blp as projects
    from services.workflow.projects.api.public import blp as public_votes

    return [projects, public_votes]
