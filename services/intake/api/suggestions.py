"""POST /intake/v1/suggestions: a county system files a deputy's suggestion."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from runtime.directory import Principal
from runtime.http import principal, requires_role, service
from runtime.idempotency import IdempotencyHeader
from runtime.problems import DomainProblem
from services.intake.api.schemas import ReceiptOut, SuggestionIn
from services.intake.api.submissions import submit

blp = Blueprint("intake_suggestions", __name__, url_prefix="/suggestions", description="Filing")


def _deputy_in_reach(who: Principal, deputy_id: str, field: str) -> tuple[str, str]:
    """The deputy's congress (node id, path); an unknown or out-of-reach one is one error."""
    person = service("intake").directory.deputy(deputy_id)
    if person is None or not who.can_see(person.node_path):
        raise DomainProblem(
            422, "Invalid request", f"No deputy {deputy_id} in your congress.", field=field
        )
    return person.node_id, person.node_path


@blp.route("", methods=["POST"])
@requires_role("system", "committee")
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(SuggestionIn)
@blp.response(202, ReceiptOut)
def file_suggestion(headers: dict[str, str], body: dict[str, Any]) -> Any:
    """File a suggestion. The receipt settles once workflow has screened it."""
    who = principal()
    tenant, tenant_path = _deputy_in_reach(who, body["lead_deputy_id"], "lead_deputy_id")
    for deputy_id in body["cosigner_ids"]:
        _deputy_in_reach(who, deputy_id, "cosigner_ids")
    return submit(
        kind="suggestion",
        idempotency_key=headers["idempotency_key"],
        tenant=tenant,
        tenant_path=tenant_path,
        event_name="suggestion.submitted",
        event_data={"tenant": tenant, **body},
    )
