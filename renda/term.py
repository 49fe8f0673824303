"""A seeded congress term: thousands of suggestions in every state, written in bulk.

For the figures: their tests on PostgreSQL, the benchmark, and `renda seed-term` for a
demo with numbers worth looking at. The rows are written straight into workflow's table
(no events), as a migration from an older system would be.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from renda.demo import COUNTIES, UNITS, unit_id
from runtime.db import Database
from services.workflow.suggestions.store import NumberSequence, Suggestion

CATEGORY_UNIT = {c: code for code, _, categories, _ in UNITS for c in categories}


def seed_term(db: Database, per_tenant_year: int, seed: int = 7) -> list[dict]:
    """Rows for every county and the years 2025 and 2026; returns them for a hand count.

    They take the next numbers of each county and year, so suggestions filed later go on
    from there.
    """
    rng = random.Random(seed)
    rows = []
    with db.transaction() as session:
        for county, _ in COUNTIES:
            for year in (2025, 2026):
                sequence = session.get(NumberSequence, (county, year), with_for_update=True)
                if sequence is None:
                    sequence = NumberSequence(tenant=county, year=year, last=0)
                    session.add(sequence)
                first = sequence.last + 1
                for n in range(first, first + per_tenant_year):
                    rows.append(_row(rng, county, year, n))
                sequence.last += per_tenant_year
        for start in range(0, len(rows), 1000):
            session.execute(insert(Suggestion), rows[start : start + 1000])
    return rows


def _row(rng: random.Random, county: str, year: int, n: int) -> dict:
    category = rng.choice(sorted(CATEGORY_UNIT))
    accepted = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(300))
    outcome = rng.random()
    replied = outcome > 0.2
    closed = outcome > 0.35
    reply_class = rng.choice("AAB C") if replied else None
    reply_class = None if reply_class == " " else reply_class
    replied = replied and reply_class is not None
    closed = closed and replied
    final = (
        rng.choice(["satisfied"] * 8 + ["basically_satisfied", "dissatisfied"]) if closed else None
    )
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
        "state": "closed" if closed else "replied" if replied else "assigned",
        "screening_flags": [],
        "fitting_topics": [],
        "is_key": n % 20 == 0,
        "round": 1,
        "lead_unit_id": unit_id(county, CATEGORY_UNIT[category]),
        "deadline": date(year, 4, 1),
        "colour": rng.choice(["white", "white", "yellow", "red"]) if not replied else None,
        "extended": False,
        "extension_requested": False,
        "first_assigned_at": accepted,
        "first_replied_at": accepted + timedelta(days=60) if replied else None,
        "replied_on_time": (rng.random() > 0.1) if replied else None,
        "reply_class": reply_class,
        "evaluated_round": 1 if closed else 0,
        "final_result": final,
        "second_assignments": 1 if final == "dissatisfied" else 0,
        "closed_at": accepted + timedelta(days=90) if closed else None,
        "done_at": accepted + timedelta(days=90) if closed and reply_class == "A" else None,
        "publish": True,
        "submitted_at": accepted,
        "accepted_at": accepted,
    }
