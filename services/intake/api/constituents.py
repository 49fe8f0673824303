"""What intake does with a constituent's contact on any public form (opinions, comments on
a draft): seal it before anything is stored or published, keep the request without it,
and answer with the public code (ADR 0011)."""

from __future__ import annotations

from typing import Any

from contracts.contact import cipher, mask_phone
from runtime.http import service
from services.intake.store import Submission


def sealed_contact(body: dict[str, Any]) -> dict[str, Any]:
    """The name and phone a constituent left, as events carry them: encrypted, and the
    phone masked for display (ADR 0011)."""
    keys = cipher(service("intake").settings.contact_keys)
    name, phone = body.get("name"), body.get("phone")
    return {
        "name_encrypted": keys.encrypt(name.strip()) if name else None,
        "phone_encrypted": keys.encrypt(phone) if phone else None,
        "phone_masked": mask_phone(phone) if phone else None,
    }


def without_contact(body: dict[str, Any], code: str) -> dict[str, Any]:
    """What the submission row keeps: the request without name and phone."""
    kept = {k: v for k, v in body.items() if k not in ("name", "phone")}
    return {**kept, "has_contact": bool(body.get("phone")), "public_code": code}


def with_public_code(answer: tuple[dict[str, Any], int, dict[str, str]], code: str) -> Any:
    """The receipt with the code the constituent follows their opinion by; a replay
    answers with the code of the first request, not a new one."""
    body, status, headers = answer
    if "Idempotent-Replayed" in headers:
        with service("intake").db.session() as session:
            stored = session.get(Submission, body["id"])
            code = stored.payload.get("public_code", code) if stored else code
    return {**body, "public_code": code}, status, headers
