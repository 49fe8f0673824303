"""QR codes' tokens and opinions' public codes: what a constituent carries."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer

PUBLIC_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I: a code is read off a phone and typed again."""


def public_code() -> str:
    return "".join(secrets.choice(PUBLIC_CODE_ALPHABET) for _ in range(10))


class CodeSigner:
    """A code's token is its id signed with the deployment's secret: a guessed or altered
    token fails the signature before any database read."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="renda.opinion-code")

    def token(self, code_id: str) -> str:
        return self._serializer.dumps(code_id)

    def code_id(self, token: str) -> str | None:
        try:
            value = self._serializer.loads(token)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None
