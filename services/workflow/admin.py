"""Operator and seed writes to workflow's configuration tables."""

from __future__ import annotations

from sqlalchemy import delete

from runtime.db import Database
from runtime.directory import Directory
from services.workflow.store import RoutingRule, TopicListEntry


class RuleRefused(ValueError):
    pass


def set_routing_rule(
    db: Database,
    directory: Directory,
    tenant: str,
    category: str,
    lead_unit_id: str,
    co_unit_ids: list[str],
) -> None:
    """Route a category to units of the same congress; a unit of another county is refused."""
    for unit_id in (lead_unit_id, *co_unit_ids):
        unit = directory.unit(unit_id)
        if unit is None or unit.node_id != tenant:
            raise RuleRefused(f"unit {unit_id} is not a handling unit of {tenant}")
    with db.transaction() as session:
        session.merge(
            RoutingRule(
                tenant=tenant, category=category, lead_unit_id=lead_unit_id, co_unit_ids=co_unit_ids
            )
        )


def set_topic_list(db: Database, tenant: str, polarity: str, keywords: list[str]) -> None:
    with db.transaction() as session:
        session.execute(
            delete(TopicListEntry).where(
                TopicListEntry.tenant == tenant, TopicListEntry.polarity == polarity
            )
        )
        session.add_all(
            TopicListEntry(tenant=tenant, polarity=polarity, keyword=k) for k in keywords
        )
