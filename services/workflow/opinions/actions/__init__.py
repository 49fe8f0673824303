"""What the stations, townships, county, departments and deputies do to an opinion, one
function per action of contracts/opinion_actions.py. Each loads what it needs, asks the
domain, records the step and emits the event in the caller's transaction; a broken rule
raises RuleBroken, which the handler turns into a rejected receipt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runtime.work import WorkContext
from services.workflow.domain.actors import Actor
from services.workflow.opinions.actions.route import (
    adopt_action,
    classify_action,
    escalate_action,
    forward_action,
    resolve_action,
    unit_reply_action,
)
from services.workflow.opinions.store import Opinion

Performer = Callable[[WorkContext, Opinion, Actor, dict[str, Any]], None]

PERFORMERS: dict[str, Performer] = {
    "classify": classify_action,
    "resolve": resolve_action,
    "forward": forward_action,
    "escalate": escalate_action,
    "adopt": adopt_action,
    "unit_reply": unit_reply_action,
}
"""The performer of each action in contracts/opinion_actions.OPINION_ACTIONS."""


def perform(
    ctx: WorkContext, opinion: Opinion, actor: Actor, action: str, args: dict[str, Any]
) -> None:
    PERFORMERS[action](ctx, opinion, actor, args)
