"""Duty points (履职积分, docs/domain.md §4): dated rule tables and an append-only ledger."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from contracts.events.duty import ACTIVITY_TYPES

DEFAULT_RULES_FILE = Path(__file__).parents[3] / "deploy" / "scoring" / "default-points-rules.csv"
"""The shipped table (activity,points,meaning): what an activity earns where neither the
county nor its city set a figure. Replace it, or override it per tenant with the CLI."""

PLACES = Decimal("0.01")
LIMIT = Decimal(100)


class RuleError(ValueError):
    """A figure or table that cannot be a points rule; the message says why."""


def parse_points(text: str, limit: Decimal = LIMIT) -> Decimal:
    """An exact figure of at most two decimals within ±limit; never rounded silently."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise RuleError(f"{text!r} is not a number") from None
    if not value.is_finite() or value.quantize(PLACES) != value:
        raise RuleError(f"{text!r}: points have at most two decimals")
    if abs(value) > limit:
        raise RuleError(f"{text!r}: points lie between -{limit} and {limit}")
    return value.quantize(PLACES)


def parse_rule_table(text: str) -> dict[str, Decimal]:
    """A CSV rule table (header `activity,points[,meaning]`) for known activity types."""
    table: dict[str, Decimal] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))), start=2):
        activity = (row.get("activity") or "").strip()
        if activity not in ACTIVITY_TYPES:
            raise RuleError(f"line {line}: unknown activity type {activity!r}")
        if activity in table:
            raise RuleError(f"line {line}: {activity} appears twice")
        try:
            table[activity] = parse_points(row.get("points") or "")
        except RuleError as error:
            raise RuleError(f"line {line}: {error}") from None
    return table


DEFAULT_RULES: dict[str, Decimal] = parse_rule_table(DEFAULT_RULES_FILE.read_text("utf-8"))


ACTIVITY_LABELS = {
    "session_attendance": "出席会议",
    "absence_with_leave": "请假缺席",
    "absence_without_leave": "无故缺席",
    "station_duty": "进站履职",
    "inspection": "视察",
    "survey": "调研",
    "report_to_constituents": "述职报告",
    "training": "学习培训",
    "opinion_collected": "收集意见",
    "suggestion": "代表建议",
    "key_suggestion": "重点建议",
    "opinion_adopted": "意见采纳",
    "ballot_cast": "参加票决",
    "supervision_task": "督办任务",
}
"""How statements, exports and reports name an activity."""


@dataclass(frozen=True)
class RuleVersion:
    tenant: str
    activity: str
    effective_from: date
    points: Decimal


def congress_chain(node_path: str) -> list[str]:
    """The deputy's congress and those above it, nearest first: `/450100/450102/` →
    450102, 450100 (a county's override wins over its city's default)."""
    return list(reversed([part for part in node_path.split("/") if part]))


def rules_in_force(
    on: date, tenants_nearest_first: Sequence[str], versions: Iterable[RuleVersion]
) -> dict[str, Decimal]:
    """Each activity's figure on a date: the nearest tenant that has one in force, and of its
    versions the latest that took effect on or before that date."""
    rank = {tenant: index for index, tenant in enumerate(tenants_nearest_first)}
    best: dict[str, RuleVersion] = {}
    for version in versions:
        if version.tenant not in rank or version.effective_from > on:
            continue
        held = best.get(version.activity)
        if (
            held is None
            or rank[version.tenant] < rank[held.tenant]
            or (version.tenant == held.tenant and version.effective_from > held.effective_from)
        ):
            best[version.activity] = version
    return {activity: version.points for activity, version in best.items()}


def points_for(activity: str, tenant_rules: dict[str, Decimal]) -> Decimal:
    """The tenant's own figure if it set one, else the shipped default."""
    if activity in tenant_rules:
        return tenant_rules[activity]
    return DEFAULT_RULES[activity]


@dataclass(frozen=True)
class Entry:
    activity: str
    points: Decimal
    reverses: int | None = None


def balance(entries: Iterable[Entry]) -> Decimal:
    """A deputy's total: the exact sum of the ledger; corrections are entries too."""
    return sum((Decimal(entry.points) for entry in entries), Decimal(0))
