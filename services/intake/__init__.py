"""Intake: the front door for county systems; every write from outside."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.intake.handlers import HANDLERS
from services.intake.photos import photo_store_checks
from services.intake.store import Base


def _blueprints() -> list:
    from services.intake.api.actions import blp as actions
    from services.intake.api.activities import blp as activities
    from services.intake.api.consultations import blp as consultations
    from services.intake.api.consultations import public_blp as public_consultations
    from services.intake.api.duty_reports import blp as duty_reports
    from services.intake.api.duty_stars import blp as duty_stars
    from services.intake.api.interviews import blp as interviews
    from services.intake.api.opinion_codes import blp as opinion_codes
    from services.intake.api.opinions import blp as opinions
    from services.intake.api.opinions import public_blp as public_opinions
    from services.intake.api.points_lists import blp as points_lists
    from services.intake.api.project_evaluations import blp as project_evaluations
    from services.intake.api.project_evaluations import public_blp as public_evaluations
    from services.intake.api.projects import blp as projects
    from services.intake.api.receipts import blp as receipts
    from services.intake.api.reviews import blp as reviews
    from services.intake.api.station_ratings import blp as station_ratings
    from services.intake.api.suggestions import blp as suggestions
    from services.intake.api.votes import blp as votes

    return [
        suggestions,
        actions,
        opinions,
        public_opinions,
        opinion_codes,
        activities,
        points_lists,
        interviews,
        duty_stars,
        duty_reports,
        station_ratings,
        reviews,
        votes,
        projects,
        project_evaluations,
        public_evaluations,
        consultations,
        public_consultations,
        receipts,
    ]


SPEC = ServiceSpec(
    name="intake",
    title=(
        "The front door: suggestions, constituents' opinions, votes and ballots, duty records "
        "and every action on them in; receipts out."
    ),
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
    checks=photo_store_checks,
)
