"""What intake does with a constituent's post on any public form (opinions, comments on
a draft, a completed project's evaluation): count it against the address's limit, fold a
repeat, seal the contact before anything is stored or published, keep the request without
it, and answer with the public code (ADR 0011)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import g, request

from contracts.contact import cipher, mask_phone
from runtime.directory import Principal
from runtime.http import service
from services.intake.limits import take
from services.intake.store import Submission


def visitor_address() -> str:
    return request.remote_addr or "unknown"


def as_public_form(node_id: str, node_path: str) -> None:
    """The request files as the public form of `node_id`: no key, no person, the node the
    submission belongs to."""
    g.principal = Principal(
        key_id="public-form", node_id=node_id, node_path=node_path, role="public"
    )


def count_address(address: str) -> None:
    """One more post from this address (429 over the limit). The bucket is the opinion
    form's: one visitor's posts on every public form count together."""
    settings = service("intake").settings
    take(
        {f"address:{address}": settings.opinion_rate_per_address},
        settings.opinion_rate_window_seconds,
    )


def fold(*parts: str) -> str:
    """The same parts (a form's target, the address, the text without its spaces…) within
    the folding window are one post: its Idempotency-Key and fingerprint."""
    rt = service("intake")
    window = int(rt.clock.now().timestamp() // rt.settings.opinion_fold_window_seconds)
    return hashlib.sha256("\x1f".join([*parts, str(window)]).encode()).hexdigest()


def without_spaces(text: str) -> str:
    return "".join(text.split())


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
