"""Evaluating a completed project (seeds/000): constituents and deputies grade its build
quality (工程质量) and social effect (社会效果) good, fair or poor, within the congress's
window after completion; a deputy once. The results are counts per grade, per kind of
evaluator — never who gave which."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from contracts.project_actions import EVALUATION_GRADES
from services.workflow.domain.rules import require

EVALUATORS = ("constituent", "deputy")
ASPECTS = ("quality", "effect")


def closes_on(completed_on: date, days: int) -> date:
    """The last day of the evaluation window: `days` days after completion."""
    return completed_on + timedelta(days=days)


def check_evaluation(completed_on: date | None, today: date, days: int) -> None:
    require(
        completed_on is not None,
        "a project is evaluated once it is completed; this one is not",
        "project_id",
    )
    assert completed_on is not None
    last = closes_on(completed_on, days)
    require(
        today <= last,
        f"the evaluation of this project closed on {last.isoformat()}",
        "project_id",
    )


def empty() -> dict[str, dict]:
    return {
        who: {"count": 0, **{a: dict.fromkeys(EVALUATION_GRADES, 0) for a in ASPECTS}}
        for who in EVALUATORS
    }


def count(evaluations: Iterable[tuple[str, str, str]]) -> dict[str, dict]:
    """(evaluator, quality, effect) → per evaluator: how many, and per aspect per grade."""
    counts = empty()
    for evaluator, quality, effect in evaluations:
        counts[evaluator]["count"] += 1
        counts[evaluator]["quality"][quality] += 1
        counts[evaluator]["effect"][effect] += 1
    return counts


def add(a: dict[str, dict], b: dict[str, dict]) -> dict[str, dict]:
    """Two congresses' counts together."""
    return {
        who: {
            "count": a[who]["count"] + b[who]["count"],
            **{
                asp: {g: a[who][asp][g] + b[who][asp][g] for g in EVALUATION_GRADES}
                for asp in ASPECTS
            },
        }
        for who in EVALUATORS
    }
