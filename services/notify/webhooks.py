"""Webhook endpoints' rules: what URL and secret are acceptable, and new secrets."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from contracts.topology import SUBSCRIPTIONS

EVENT_TYPES = SUBSCRIPTIONS["notify"]
"""What an endpoint may ask for: every event notify hears, receipts' outcomes included."""
MIN_SECRET_BYTES = 24
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_problem(secret: str) -> str | None:
    """Why a given secret is refused, or None."""
    if not secret.startswith(SECRET_PREFIX):
        return f"a Standard Webhooks secret: {SECRET_PREFIX} then base64"
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return "the part after whsec_ is not base64"
    if len(raw) < MIN_SECRET_BYTES:
        return f"too short: at least {MIN_SECRET_BYTES} bytes of key ({len(raw)} given)"
    return None


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why an endpoint URL is refused, or None. Unless allowed (development, tests), the
    host must resolve to public addresses only: no loopback, private or link-local ones."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must be an http or https URL"
    if not parts.hostname:
        return "must name a host"
    if parts.username or parts.password:
        return "must not carry credentials; the signature authenticates"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return f"the host {parts.hostname} does not resolve"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"the host resolves to a private or loopback address ({address})"
    return None
