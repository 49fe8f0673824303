"""The Idempotency-Key of a write: the same key with the same request is answered as the
first time and never applied twice; the same key with another request is refused.

A request is recognised by its fingerprint (method, path and the body it kept), stored
beside what it made under a unique (scope, key) constraint: intake's submissions, notify's
notices. A concurrent repeat loses on the constraint and is answered with the winner."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import request
from marshmallow import Schema, fields, validate

from runtime.problems import DomainProblem

REPLAYED = {"Idempotent-Replayed": "true"}
"""The header on an answer given again for a repeated key."""
KEY_LENGTH = validate.Length(min=1, max=200)


def request_fingerprint(body: Any) -> str:
    """Same JSON content, same fingerprint, whatever the key order or spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprint_request(kept: Any) -> str:
    """The fingerprint of this request: the key covers the whole request, so the same key
    on another path is a reuse too."""
    return request_fingerprint({"method": request.method, "path": request.path, "body": kept})


def key_reused() -> DomainProblem:
    return DomainProblem(
        422,
        "Idempotency-Key reused",
        "This Idempotency-Key was used for a different request; use a new key.",
        field="Idempotency-Key",
    )


class IdempotencyHeader(Schema):
    class Meta:
        unknown = "exclude"

    idempotency_key = fields.String(
        required=True,
        data_key="Idempotency-Key",
        validate=KEY_LENGTH,
        metadata={"description": "The same key with the same body gives the same receipt."},
    )


class OptionalIdempotencyHeader(Schema):
    """For a write answered at once (a numbered notice): without a key, each request makes
    a new one."""

    class Meta:
        unknown = "exclude"

    idempotency_key = fields.String(
        load_default=None,
        data_key="Idempotency-Key",
        validate=KEY_LENGTH,
        metadata={
            "description": "The same key with the same body gives the same answer (the "
            "first one's, with Idempotent-Replayed: true); with another body, 422. Without "
            "a key every request makes a new one."
        },
    )
