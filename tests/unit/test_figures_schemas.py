"""GET /figures/units writes its Counts and Rates as they are, not through CountsOut and
RatesOut (marshmallow's dump of a city's units cost a third of the request): that is the
same answer only while the dataclasses hold exactly the schemas' fields, of their types."""

from __future__ import annotations

import json

import pytest

from services.workflow.suggestions.api.figures import CountsOut, RatesOut
from services.workflow.suggestions.domain.figures import Counts, rates

COUNTS = [Counts(5, 3, 4, 3, 2, 4, 3, 1, 1), Counts(), Counts(assigned=3, closed=1)]


@pytest.mark.parametrize("counts", COUNTS)
def test_counts_and_rates_are_what_their_schemas_dump(counts: Counts) -> None:
    for value, schema in ((counts, CountsOut()), (rates(counts), RatesOut())):
        assert list(vars(value)) == list(schema.fields)
        assert json.dumps(vars(value)) == json.dumps(schema.dump(value))
