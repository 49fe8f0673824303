"""Periods of statements and ranking with ties (docs/domain.md §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.scoring.domain.periods import PeriodError, parse_period, span
from services.scoring.domain.ranking import ranked


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026-02", date(2026, 2, 1), date(2026, 3, 1)),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
def test_a_period_is_a_span_of_days(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["2026-Q0", "2026-13", "26", "1999", "2026-1", "２０２６", "2026\n"]
)
def test_a_period_it_cannot_read_is_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_a_term_is_its_days_inclusive() -> None:
    term = span(date(2021, 12, 1), date(2026, 11, 30))
    assert (term.start, term.end) == (date(2021, 12, 1), date(2026, 12, 1))
    with pytest.raises(PeriodError):
        span(date(2026, 2, 1), date(2026, 1, 31))


def test_equal_totals_share_the_better_rank_and_list_by_id() -> None:
    totals = {"D3": Decimal(5), "D1": Decimal(7), "D2": Decimal(5), "D4": Decimal("4.5")}
    assert ranked(totals) == [
        (1, "D1", Decimal(7)),
        (2, "D2", Decimal(5)),
        (2, "D3", Decimal(5)),
        (4, "D4", Decimal("4.5")),
    ]
