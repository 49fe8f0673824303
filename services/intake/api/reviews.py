"""POST /intake/v1/reviews…: the committee runs review rounds of appointed officials
(述职评议): open a round, then each score, ballot, vote and the announcement, with receipts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import request
from flask_smorest import Blueprint

from contracts.events.review import REVIEW_COMMANDS, OpenArgs
from runtime.http import principal, requires_role
from runtime.idempotency import IdempotencyHeader
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import submit

blp = Blueprint("intake_reviews", __name__, url_prefix="/reviews", description="Review rounds")


def _send(headers: dict[str, str], round_id: str, command: str) -> Any:
    who = principal()
    tenant = [part for part in who.node_path.split("/") if part][-1]
    return submit(
        kind=f"review.{command}",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=who.node_path,
        event_name="review.command_requested",
        event_data={
            "tenant": tenant,
            "round_id": round_id,
            "command": command,
            "args": request.get_json(),
            "submitted_by": who.key_id,
        },
    )


@blp.route("", methods=["POST"])
@requires_role("committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(OpenArgs)
@blp.response(202, ReceiptOut)
def open_round(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Open a review round for one official, in the congress of the key; the receipt's
    resource is the round."""
    return _send(headers, str(uuid.uuid4()), "open")


def _view(command: str, summary: str) -> Callable[..., Any]:
    def act(headers: dict[str, str], body: dict[str, Any], round_id: str) -> Any:
        return _send(headers, round_id, command)

    act.__name__ = f"review_{command}"
    act.__doc__ = f"{summary}\n\nAnswers 202 with a receipt; scoring settles it."
    return act


for _command, (_schema, _summary) in REVIEW_COMMANDS.items():
    if _command == "open":
        continue
    blp.route(f"/<round_id>/{_command}", methods=["POST"])(
        requires_role("committee")(
            blp.arguments(IdempotencyHeader, location="headers")(
                blp.arguments(_schema)(blp.response(202, ReceiptOut)(_view(_command, _summary)))
            )
        )
    )
