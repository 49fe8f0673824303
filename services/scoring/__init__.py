"""Scoring: ledgers and figures — duty points now; satisfaction, rankings, stars later."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.scoring.handlers import HANDLERS
from services.scoring.store import Base
from services.scoring.ticks import TICKS


def _blueprints() -> list:
    from services.scoring.api.duty_reports import blp as duty_reports
    from services.scoring.api.duty_stars import blp as duty_stars
    from services.scoring.api.flags import blp as flags
    from services.scoring.api.interviews import blp as interviews
    from services.scoring.api.points import blp, filings
    from services.scoring.api.public_lists import blp as public_lists
    from services.scoring.api.reviews import blp as reviews
    from services.scoring.api.reviews import export as reviews_csv
    from services.scoring.api.statements import blp as statements
    from services.scoring.api.station_ratings import blp as station_ratings
    from services.scoring.api.term_reports import blp as term_reports

    return [
        blp,
        filings,
        statements,
        term_reports,
        flags,
        interviews,
        duty_reports,
        duty_stars,
        station_ratings,
        reviews,
        reviews_csv,
        public_lists,
    ]


SPEC = ServiceSpec(
    name="scoring",
    title="Deputies' duty points ledger.",
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
    ticks=TICKS,
)
