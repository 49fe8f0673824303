"""Notify: telling people — the in-app inbox now; e-mail, SMS and webhooks later."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.notify.handlers import HANDLERS
from services.notify.store import Base


def _blueprints() -> list:
    from services.notify.api.inbox import blp

    return [blp]


SPEC = ServiceSpec(
    name="notify",
    title="The in-app inbox of units and deputies.",
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
)
