"""A seeded congress term: suggestions in every state, written in bulk.

For the figures: their tests on PostgreSQL, the benchmarks (2e and the scale curve up to
10⁶ rows), and `renda seed-term` for a demo with numbers worth looking at. The rows are
written straight into workflow's table (no events), as a migration from an older system
would be, with their groups added to `suggestion_figures` in the same transaction. The
figures read only those two tables (ADRs 0007, 0017), so no history rows are written.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from renda.demo import COUNTIES, UNITS, unit_id
from runtime.db import Database
from services.workflow.suggestions.store import (
    Contributions,
    NumberSequence,
    Suggestion,
    add,
    add_figures,
)

CATEGORY_UNIT = {c: code for code, _, categories, _ in UNITS for c in categories}
CATEGORIES = sorted(CATEGORY_UNIT)
CATEGORY_WEIGHTS = [
    {"urban_construction": 5, "transport": 4, "education": 3, "health": 3}.get(c, 1)
    for c in CATEGORIES
]
"""Roads, building and schools draw more suggestions than the rest, as in seeds/001."""
YEARS = (2025, 2026)
CHUNK = 10_000
"""Rows generated and written at a time: memory stays flat however large the term."""
JSON_COLUMNS = ("cosigner_ids", "screening_flags", "fitting_topics", "attachments")
STATES = (
    # (state, share of a term): most are closed by the end of the year.
    ("submitted", 0.02),
    ("accepted", 0.02),
    ("returned", 0.01),
    ("converted", 0.01),
    ("merged", 0.01),
    ("assigned", 0.14),
    ("replied", 0.08),
    ("awaiting_meeting", 0.02),
    ("closed", 0.69),
)


def seed_term(db: Database, per_tenant_year: int, seed: int = 7) -> list[dict]:
    """Rows for every county and the years 2025 and 2026; returns them for a hand count."""
    rows: list[dict] = []
    write_term(db, per_tenant_year, seed, keep=rows.append)
    return rows


def write_term(
    db: Database,
    per_tenant_year: int,
    seed: int = 7,
    keep: Callable[[dict], None] | None = None,
) -> int:
    """Writes 12 counties × 2 years × `per_tenant_year` rows in one transaction (COPY on
    PostgreSQL), handing each to `keep`; returns how many.

    They take the next numbers of each county and year, so suggestions filed later (and a
    second seeding) go on from there.
    """
    rng = random.Random(seed)
    written = 0
    with db.transaction() as session:
        numbers = []
        for county, _ in COUNTIES:
            for year in YEARS:
                sequence = session.get(NumberSequence, (county, year), with_for_update=True)
                if sequence is None:
                    sequence = NumberSequence(tenant=county, year=year, last=0)
                    session.add(sequence)
                numbers.append((county, year, sequence.last + 1))
                sequence.last += per_tenant_year
        session.flush()
        write = _copy if not db.is_sqlite else _insert
        figures: Contributions = {}
        for chunk in _chunks(rng, numbers, per_tenant_year):
            write(session, chunk)
            written += len(chunk)
            for row in chunk:
                add(figures, row.get)
                if keep is not None:
                    keep(row)
        add_figures(session, figures)
    return written


def _chunks(
    rng: random.Random, numbers: list[tuple[str, int, int]], per_tenant_year: int
) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for county, year, first in numbers:
        for n in range(first, first + per_tenant_year):
            chunk.append(_row(rng, county, year, n))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _insert(session: Session, rows: list[dict]) -> None:
    session.execute(insert(Suggestion), rows)


def _copy(session: Session, rows: list[dict]) -> None:
    """COPY … FROM STDIN: ten times the rows a second of batched INSERTs."""
    names = list(rows[0])
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY suggestions ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in JSON_COLUMNS else row[n] for n in names])


def _state(rng: random.Random) -> str:
    draw = rng.random()
    for state, share in STATES:
        draw -= share
        if draw < 0:
            return state
    return "closed"


def _row(rng: random.Random, county: str, year: int, n: int) -> dict:
    """One suggestion with the columns its state implies (ADR 0007): screened out ones,
    some after an automatic assignment that was then withdrawn, count in no figure."""
    category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
    accepted = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(300))
    state = _state(rng)
    screened_out = state in ("returned", "converted", "merged")
    assigned = state not in ("submitted", "accepted") and not (screened_out and rng.random() < 0.5)
    handling = assigned and not screened_out
    replied = state in ("replied", "awaiting_meeting", "closed")
    reply_class = rng.choices("ABC", (55, 35, 10))[0] if replied else None
    evaluated = state == "awaiting_meeting" or (state == "closed" and rng.random() < 0.9)
    final = None
    if state == "awaiting_meeting":
        final = "dissatisfied"
    elif evaluated:
        final = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], (8, 1, 1))[0]
    closed = state == "closed"
    done = closed and (reply_class == "A" or (reply_class == "B" and rng.random() < 0.5))
    return {
        "id": str(uuid.uuid4()),
        "number": f"{county}-{year}-{n:04d}",
        "submission_id": str(uuid.uuid4()),
        "tenant": county,
        "tenant_path": f"/450100/{county}/",
        "year": year,
        "lead_deputy_id": f"D{county}-00{1 + n % 8}",
        "cosigner_ids": [],
        "title": f"建议 {n}",
        "body": "……",
        "category": category,
        "occasion": "session" if n % 3 else "recess",
        "session_name": "第三次会议" if n % 3 else None,
        "urgent": False,
        "attachments": [],
        "state": state,
        "screening_flags": [],
        "fitting_topics": [],
        "is_key": n % 20 == 0,
        "round": 1 if assigned else 0,
        "lead_unit_id": unit_id(county, CATEGORY_UNIT[category]) if handling else None,
        "deadline": date(year, 4, 1) if handling else None,
        "colour": rng.choice(["white", "white", "yellow", "red"]) if state == "assigned" else None,
        "extended": False,
        "extension_requested": False,
        "first_assigned_at": accepted if assigned else None,
        "first_replied_at": accepted + timedelta(days=60) if replied else None,
        "replied_on_time": (rng.random() > 0.1) if replied else None,
        "reply_class": reply_class,
        "evaluated_round": 1 if evaluated else 0,
        "final_result": final,
        "second_assignments": 1 if closed and final == "dissatisfied" else 0,
        "closed_at": accepted + timedelta(days=90) if closed else None,
        "done_at": accepted + timedelta(days=90) if done else None,
        "publish": True,
        "submitted_at": accepted,
        "accepted_at": accepted if state != "submitted" else None,
    }
