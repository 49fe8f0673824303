"""Contacts (how a recipient is reached) and preferences (which channels, when)."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from runtime.http import not_found, principal, requires_role, service
from runtime.problems import DomainProblem
from services.notify.api.access import RECIPIENT, require_own_or_supervised
from services.notify.deliveries import release_held
from services.notify.domain.preferences import CONSTITUENTS, PERSONAL_CHANNELS
from services.notify.store import Contact, Preference

blp = Blueprint("contacts", __name__, url_prefix="", description="Contacts and preferences")

PHONE = r"^\+?[0-9]{6,15}$"
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class ContactIn(Schema):
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(PHONE, error="digits, optionally after +, 6 to 15 of them"),
        metadata={"example": "+8613800000000"},
    )
    wechat_openid = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[\w-]{6,64}$", error="a WeChat openid"),
    )


class ContactOut(ContactIn):
    recipient = fields.String()
    updated_at = fields.AwareDateTime()


class PreferenceIn(Schema):
    channels = fields.List(
        fields.String(validate=validate.OneOf(PERSONAL_CHANNELS)),
        required=True,
        validate=validate.Length(max=len(PERSONAL_CHANNELS)),
        metadata={"description": "Channels wanted, in order; one left out is off."},
    )
    fallback = fields.Boolean(
        load_default=False,
        metadata={"description": "Only the first reachable channel; the next if it fails."},
    )
    quiet_start = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(HHMM))
    quiet_end = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(HHMM))
    digest_at = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(HHMM),
        metadata={"description": "Local time of a daily digest instead of single messages."},
    )

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if len(set(data["channels"])) != len(data["channels"]):
            raise ValidationError("each channel at most once", "channels")
        if (data["quiet_start"] is None) != (data["quiet_end"] is None):
            raise ValidationError("give both ends of the quiet hours, or neither", "quiet_end")


class PreferenceOut(PreferenceIn):
    recipient = fields.String()
    updated_at = fields.AwareDateTime(allow_none=True)


CONSTITUENTS_OF = r"^constituents:[\w-]{1,32}$"
"""The preferences every constituent of a tenant gets: SMS and its quiet hours."""


def _recipient(recipient: str, pattern: str = RECIPIENT) -> str:
    if not re.fullmatch(pattern, recipient):
        raise not_found("recipient")
    require_own_or_supervised(recipient)
    return recipient


def _preference_recipient(recipient: str) -> str:
    if re.fullmatch(CONSTITUENTS_OF, recipient):
        return _recipient(recipient, CONSTITUENTS_OF)
    return _recipient(recipient)


def _hhmm(moment: time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None


def _constituents_default(recipient: str) -> dict[str, Any]:
    return {
        "recipient": recipient,
        "channels": list(CONSTITUENTS.channels),
        "fallback": False,
        "quiet_start": _hhmm(CONSTITUENTS.quiet_start),
        "quiet_end": _hhmm(CONSTITUENTS.quiet_end),
        "digest_at": None,
        "updated_at": None,
    }


@blp.route("/contacts/<recipient>", methods=["GET"])
@blp.response(200, ContactOut)
def get_contact(recipient: str) -> Any:
    """How a unit, deputy or body is reached outside the inbox."""
    with service("notify").db.session() as session:
        contact = session.get(Contact, _recipient(recipient))
    if contact is None:
        raise not_found("contact")
    return contact


@blp.route("/contacts/<recipient>", methods=["PUT"])
@requires_role("committee")
@blp.arguments(ContactIn)
@blp.response(200, ContactOut)
def put_contact(body: dict[str, Any], recipient: str) -> Any:
    """Set a recipient's e-mail, phone and WeChat openid (the committee's key)."""
    rt = service("notify")
    with rt.db.transaction() as session:
        contact = session.merge(
            Contact(recipient=_recipient(recipient), updated_at=rt.clock.now(), **body)
        )
    return contact


@blp.route("/preferences/<recipient>", methods=["GET"])
@blp.response(200, PreferenceOut)
def get_preferences(recipient: str) -> Any:
    """A recipient's channels and quiet hours (every channel, no quiet hours by default).
    `constituents:<tenant>`: how the tenant's constituents are told of their opinions
    (SMS only; quiet hours 21:00 to 08:00 by default)."""
    with service("notify").db.session() as session:
        prefs = session.get(Preference, _preference_recipient(recipient))
    if prefs is None and recipient.startswith("constituents:"):
        return _constituents_default(recipient)
    return prefs or {
        "recipient": recipient,
        "channels": list(PERSONAL_CHANNELS),
        "fallback": False,
        "quiet_start": None,
        "quiet_end": None,
        "digest_at": None,
        "updated_at": None,
    }


@blp.route("/preferences/<recipient>", methods=["PUT"])
@requires_role("unit", "deputy", "committee")
@blp.arguments(PreferenceIn)
@blp.response(200, PreferenceOut)
def put_preferences(body: dict[str, Any], recipient: str) -> Any:
    """The recipient's own key, or the committee's, sets them; the committee's key sets
    its constituents' (`constituents:<tenant>`: SMS only, no digest)."""
    rt = service("notify")
    recipient = _preference_recipient(recipient)
    if recipient.startswith("constituents:"):
        _check_constituents(body)
    with rt.db.transaction() as session:
        prefs = session.merge(Preference(recipient=recipient, updated_at=rt.clock.now(), **body))
        if body["digest_at"] is None:
            release_held(session, recipient, rt.clock.now())
    return prefs


def _check_constituents(body: dict[str, Any]) -> None:
    if principal().role != "committee":
        raise DomainProblem(403, "Forbidden", "Only the committee sets its constituents' hours.")
    refused = {
        "channels": set(body["channels"]) - set(CONSTITUENTS.channels)
        and "a constituent is reached by SMS only",
        "digest_at": body["digest_at"] is not None and "constituents get no digest",
    }
    for field, reason in refused.items():
        if reason:
            raise DomainProblem(422, "Unprocessable Content", f"{field}: {reason}", field=field)
