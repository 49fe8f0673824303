"""GET /intake/v1/receipts/{id}: what became of a submission."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from runtime.directory import Principal
from runtime.directory.model import PERSONAL_ROLES
from runtime.http import not_found, principal, service
from services.intake.api.schemas import ReceiptOut
from services.intake.api.submissions import receipt_view
from services.intake.store import Submission

blp = Blueprint("receipts", __name__, url_prefix="/receipts", description="Receipts")


@blp.route("/<receipt_id>")
@blp.response(200, ReceiptOut)
def get_receipt(receipt_id: str) -> dict[str, Any]:
    """Pending, accepted with the resource, or rejected with the reason."""
    with service("intake").db.session() as session:
        submission = session.get(Submission, receipt_id)
    if submission is None or not _may_read(principal(), submission):
        raise not_found("receipt")
    return receipt_view(submission)


def _may_read(who: Principal, submission: Submission) -> bool:
    """Within reach, a unit's or deputy's key reads what it, or another key of the same
    unit or deputy, filed; the committee's, county systems' and readers' keys read all
    (ADR 0005)."""
    if not who.can_see(submission.tenant_path):
        return False
    if who.role not in PERSONAL_ROLES or submission.key_id == who.key_id:
        return True
    return service("intake").directory.key_holder(submission.key_id) == (who.role, who.subject)
