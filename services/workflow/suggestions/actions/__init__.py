"""What the committee, the units and the deputies do to a suggestion, one module per stage:
screening, assignment, handling and the reply, evaluation and closing, supervision.

Each action loads what it needs, asks the domain rules, and records the outcome and its
events in the caller's transaction. A broken rule raises RuleBroken, which the handler
turns into a rejected receipt. The actions, and their arguments' schemas, are the ones of
contracts/actions.py: a performer here for each, and no other.
"""

from __future__ import annotations

from typing import Any

from runtime.work import WorkContext
from services.workflow.domain.actors import Actor
from services.workflow.policy import policy_for
from services.workflow.suggestions.actions.act import Act, Performer
from services.workflow.suggestions.actions.assignment import (
    approve_extension_action,
    assign_action,
    request_adjustment_action,
    request_extension_action,
    second_assign_action,
)
from services.workflow.suggestions.actions.evaluation import evaluate_action, report_done_action
from services.workflow.suggestions.actions.handling import (
    co_input_action,
    record_action,
    reply_action,
)
from services.workflow.suggestions.actions.screening import mark_key_action, screen_action
from services.workflow.suggestions.actions.supervision import (
    set_publication_action,
    supervise_action,
)
from services.workflow.suggestions.store import Suggestion

PERFORMERS: dict[str, Performer] = {
    "screen": screen_action,
    "mark_key": mark_key_action,
    "assign": assign_action,
    "request_adjustment": request_adjustment_action,
    "request_extension": request_extension_action,
    "approve_extension": approve_extension_action,
    "record": record_action,
    "co_input": co_input_action,
    "reply": reply_action,
    "evaluate": evaluate_action,
    "second_assign": second_assign_action,
    "report_done": report_done_action,
    "supervise": supervise_action,
    "set_publication": set_publication_action,
}
"""The action of each name in contracts/actions.ACTIONS (a unit test holds them equal)."""


def perform(
    ctx: WorkContext, suggestion: Suggestion, actor: Actor, action: str, args: dict[str, Any]
) -> None:
    PERFORMERS[action](
        Act(
            ctx,
            suggestion,
            actor,
            args,
            ctx.clock.now(),
            policy_for(ctx.session, suggestion.tenant),
        )
    )
