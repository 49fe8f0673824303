"""Operator and seed writes to workflow's configuration tables."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import delete

from runtime.db import Database
from runtime.directory import Directory
from services.workflow.domain.deadlines import DeadlinePolicy
from services.workflow.projects.domain.rules import VoteRules
from services.workflow.projects.store import VoteRuleSet
from services.workflow.store import TenantPolicy
from services.workflow.suggestions.store import RoutingRule, TopicListEntry

_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


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


def set_policy(db: Database, tenant: str, changes: dict[str, str]) -> dict[str, Any]:
    """Merge `name=value` changes into the tenant's policy; returns the policy in force."""
    types = {f.name: f.type for f in fields(DeadlinePolicy)}
    parsed: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in types:
            raise ValueError(f"no policy setting {name!r}; one of {', '.join(types)}")
        if types[name] in ("bool", bool):
            if value.lower() not in _BOOLEANS:
                raise ValueError(f"{name} is true or false, not {value!r}")
            parsed[name] = _BOOLEANS[value.lower()]
        else:
            try:
                parsed[name] = int(value)
            except ValueError:
                raise ValueError(f"{name} is a whole number, not {value!r}") from None
            if parsed[name] < (0 if name == "max_second_assignments" else 1):
                raise ValueError(f"{name} must be at least 1 (max_second_assignments: 0)")
    with db.transaction() as session:
        row = session.get(TenantPolicy, tenant) or TenantPolicy(tenant=tenant, settings={})
        row.settings = {**row.settings, **parsed}
        session.add(row)
        return asdict(DeadlinePolicy.with_overrides(row.settings))


def set_vote_rules(db: Database, tenant: str, changes: dict[str, str]) -> dict[str, Any]:
    """Merge `name=value` changes into the congress's vote rules (票决办法); returns the
    rules in force. A vote already open keeps the copy it took when it opened."""
    types = {f.name: f.type for f in fields(VoteRules)}
    parsed: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in types:
            raise ValueError(f"no vote rule {name!r}; one of {', '.join(types)}")
        kind = str(types[name])
        if "bool" in kind:
            if value.lower() not in _BOOLEANS:
                raise ValueError(f"{name} is true or false, not {value!r}")
            parsed[name] = _BOOLEANS[value.lower()]
        elif "int" in kind:
            if name == "max_choices" and value.lower() in ("", "none", "seats"):
                parsed[name] = None
                continue
            try:
                parsed[name] = int(value)
            except ValueError:
                raise ValueError(f"{name} is a whole number, not {value!r}") from None
        else:
            parsed[name] = value
    with db.transaction() as session:
        row = session.get(VoteRuleSet, tenant) or VoteRuleSet(tenant=tenant, settings={})
        rules = VoteRules.with_overrides({**row.settings, **parsed})  # refuses what is wrong
        row.settings = {**row.settings, **parsed}
        session.add(row)
        return rules.as_dict()
