"""POST /intake/v1/suggestions/{id}/{action}: every action on a suggestion, with a receipt.

Intake checks who may ask and the shape of the body; workflow decides by its rules,
and the receipt shows the outcome or the rule that was broken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from contracts.actions import ACTIONS
from runtime.directory import Principal
from runtime.http import principal, requires_role
from runtime.problems import DomainProblem
from services.intake.api.schemas import IdempotencyHeader, ReceiptOut
from services.intake.api.submissions import actor_of, submit

blp = Blueprint(
    "suggestion_actions",
    __name__,
    url_prefix="/suggestions",
    description="Acting on a suggestion: screening, handling, replying, evaluating",
)


SUBJECT_FIELDS = {"unit": "unit_id", "deputy": "deputy_id"}
"""The body field naming who acts, which a unit's or deputy's own key may only repeat."""


def _refuse_other_subject(who: Principal, body: dict[str, Any]) -> None:
    """A unit's or deputy's key acts as itself: naming another is refused here, before a
    receipt exists, rather than silently replaced downstream."""
    field = SUBJECT_FIELDS.get(who.role)
    if field and field in body and body[field] != who.subject:
        raise DomainProblem(
            403,
            "Forbidden",
            f"This key acts only as {who.role} {who.subject}, not {body[field]}: "
            f"leave out {field} or give {who.subject}.",
            field=field,
            reason=f"must be this key's own {who.role}, {who.subject}",
        )


def _view(action: str, summary: str) -> Callable[..., Any]:
    def act(headers: dict[str, str], body: dict[str, Any], suggestion_id: str) -> Any:
        who = principal()
        _refuse_other_subject(who, body)
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
