"""A project under way, as the cycle's earlier steps (tests/acceptance/test_project_vote.py
runs them through the API) leave it: for tests of what comes after the vote."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from services.workflow.domain.calendar import local_date
from services.workflow.projects.store import Proposal
from tests.support.system import InProcessSystem


def an_implementing_project(
    system: InProcessSystem, county: str = "450102", unit: str = "HOUSING", **changes: Any
) -> str:
    """Elected and planned: 300 days from today to its deadline, nothing done yet."""
    workflow = system.runtime("workflow")
    node = workflow.directory.node(county)
    assert node is not None
    now = workflow.clock.now()
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "submission_id": str(uuid.uuid4()),
        "tenant": county,
        "tenant_path": node.path,
        "year": 2027,
        "title": "老旧小区加装电梯",
        "description": "加装电梯",
        "place": "兴东街道",
        "estimated_cost": 1_000_000,
        "funding_source": "区级财政",
        "channel": "station",
        "proposer": {"kind": "constituent", "name": "居民"},
        "stage": "implementing",
        "consulted_unit_ids": [],
        "proposed_at": now,
        "unit_id": f"U{county}-{unit}",
        "targets": "完成12部电梯",
        "milestones": [],
        "budget": 1_000_000,
        "plan_funding_source": "区级财政",
        "planned_on": local_date(now),
        "deadline": local_date(now) + timedelta(days=300),
        "supervision": {},
        "progress_percent": 0,
    }
    with workflow.db.transaction() as session:
        session.add(Proposal(**{**fields, **changes}))
    return fields["id"]
