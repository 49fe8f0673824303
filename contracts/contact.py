"""A constituent's contact (personal information, PIPL): its shape, its mask, and its
encryption at rest and on the bus.

Intake encrypts the phone the moment it arrives; only the ciphertext is stored or
travels, beside a masked copy (138****1234) for every other reader. The keys are Fernet
keys from RENDA_CONTACT_KEYS (newest first: it encrypts, every listed key decrypts), so
a key is rotated by prepending a new one (docs/adr/0011-opinions-personal-data-and-abuse.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

PHONE = re.compile(r"^1[3-9]\d{9}$")
"""A mainland mobile number, 11 digits."""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def development_key(secret: str) -> str:
    """Outside production, a key derived from RENDA_SECRET_KEY (or a fixed phrase), so a
    standalone system works without configuration; production requires real keys."""
    digest = hashlib.sha256(f"renda-contact:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


class ContactCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        # cryptography (~8 MB resident) is imported by the processes that open or seal a
        # contact, on first use: scoring, notify's API and most workers never do.
        from cryptography.fernet import Fernet, MultiFernet

        if not keys:
            raise ValueError("RENDA_CONTACT_KEYS is not set: constituents' contacts need a key")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, phone: str) -> str:
        return self._fernet.encrypt(phone.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """The phone, or None when no configured key opens it (a retired key)."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def rotate(self, token: str) -> str:
        """Re-encrypt with the newest key."""
        return self._fernet.rotate(token.encode()).decode()


@lru_cache(maxsize=4)
def cipher(keys: tuple[str, ...]) -> ContactCipher:
    """The cipher of the configured keys (Settings.contact_keys), built once."""
    return ContactCipher(keys)
