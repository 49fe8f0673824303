"""Who may read or change what concerns a recipient, shared by notify's endpoints."""

from __future__ import annotations

from marshmallow import fields, validate

from runtime.http import not_found, principal, service
from runtime.problems import DomainProblem
from services.notify.recipients import recipient_path

RECIPIENT = r"^(unit|deputy|committee|directors):[\w-]{1,32}$"


def recipient_field(**kwargs: object) -> fields.String:
    return fields.String(
        validate=validate.Regexp(
            RECIPIENT, error="unit:<id>, deputy:<id>, committee:<id> or directors:<id>"
        ),
        metadata={"example": "unit:U450102-EDU"},
        **kwargs,
    )


def require_own_or_supervised(recipient: str) -> str:
    """The recipient's tenant path, if the caller is that unit or deputy, or a key above it
    of another role; otherwise 404, as for a recipient that does not exist."""
    who = principal()
    path = recipient_path(service("notify").directory, recipient)
    if path is None or not who.can_see(path):
        raise not_found("recipient")
    # A unit's or deputy's key concerns itself only (not the committee's inbox either).
    if who.role in ("unit", "deputy") and f"{who.role}:{who.subject}" != recipient:
        raise not_found("recipient")
    return path


def require_owner(recipient: str) -> None:
    """Marking messages read is the reader's own act: a unit's or deputy's key for its own
    inbox, the committee's key for the committee's and the director's meeting's."""
    require_own_or_supervised(recipient)
    who = principal()
    kind = recipient.partition(":")[0]
    if who.role in ("unit", "deputy"):
        return
    if who.role == "committee" and kind in ("committee", "directors"):
        return
    raise DomainProblem(403, "Forbidden", "Only the recipient marks its messages read.")
