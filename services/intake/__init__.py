"""Intake: the front door for county systems; every write from outside."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.intake.handlers import HANDLERS
from services.intake.store import Base


def _blueprints() -> list:
    from services.intake.api.actions import blp as actions
    from services.intake.api.opinion_codes import blp as opinion_codes
    from services.intake.api.opinions import blp as opinions
    from services.intake.api.opinions import public_blp as public_opinions
    from services.intake.api.receipts import blp as receipts
    from services.intake.api.suggestions import blp as suggestions

    return [suggestions, actions, receipts, opinions, public_opinions, opinion_codes]


SPEC = ServiceSpec(
    name="intake",
    title=(
        "The front door: suggestions, constituents' opinions and every action on them in, "
        "receipts out."
    ),
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
)
