"""GET /intake/v1/receipts/{id}: what became of a submission."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

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
    if submission is None or not principal().can_see(submission.tenant_path):
        raise not_found("receipt")
    return receipt_view(submission)
