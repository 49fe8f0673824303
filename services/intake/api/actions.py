"""POST /intake/v1/suggestions/{id}/{action}: every action on a suggestion, with a receipt.

Intake checks who may ask and the shape of the body; workflow decides by its rules,
and the receipt shows the outcome or the rule that was broken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from contracts.actions import ACTIONS
from runtime.http import principal, requires_role
from runtime.idempotency import IdempotencyHeader
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import actor_of, refuse_other_subject, submit

blp = Blueprint(
    "suggestion_actions",
    __name__,
    url_prefix="/suggestions",
    description="Acting on a suggestion: screening, handling, replying, evaluating",
)


def _view(action: str, summary: str) -> Callable[..., Any]:
    def act(headers: dict[str, str], body: dict[str, Any], suggestion_id: str) -> Any:
        who = principal()
        refuse_other_subject(who, body)
        return submit(
            kind=f"suggestion.{action}",
            idempotency_key=headers["idempotency_key"],
            tenant=who.node_id,
            tenant_path=who.node_path,
            event_name="suggestion.action_requested",
            event_data={
                "suggestion_id": suggestion_id,
                "action": action,
                "actor": actor_of(who),
                "args": body,
            },
        )

    act.__name__ = f"suggestion_{action}"
    act.__doc__ = f"{summary}\n\nAnswers 202 with a receipt; workflow settles it."
    return act


for _action, (_schema, _roles, _summary) in ACTIONS.items():
    # The role is checked before the body: a caller who may not act learns nothing more.
    blp.route(f"/<suggestion_id>/{_action.replace('_', '-')}", methods=["POST"])(
        requires_role(*_roles)(
            blp.arguments(IdempotencyHeader, location="headers")(
                blp.arguments(_schema)(blp.response(202, ReceiptOut)(_view(_action, _summary)))
            )
        )
    )
