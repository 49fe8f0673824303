"""Webhooks to county systems, signed per the Standard Webhooks specification.

Headers `webhook-id` (the delivery's message id: the same on a resend, for the receiver to
drop), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256; during a secret's overlap
window one signature per secret, space-separated, as the specification allows)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import requests
from standardwebhooks import Webhook

from services.notify.channels import Outcome, Outgoing


def signed_request(message: Outgoing, now: datetime) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "type": message.event_type,
            "timestamp": message.event_time.astimezone(UTC).isoformat(),
            "data": message.payload or {},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    at = now.astimezone(UTC)
    signatures = " ".join(
        Webhook(secret).sign(message.message_id, at, body) for secret in message.secrets
    )
    headers = {
        "content-type": "application/json",
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }
    return body.encode(), headers


class WebhookSender:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def __call__(self, message: Outgoing) -> Outcome:
        body, headers = signed_request(message, datetime.now(UTC))
        try:
            answer = requests.post(
                message.address,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}"[:500])
        if answer.ok:
            return Outcome("delivered", f"HTTP {answer.status_code}")
        if answer.status_code == 410:
            return Outcome("refused", "HTTP 410: the endpoint is gone", gone=True)
        # Any other answer is retried, as the specification asks: a receiver's refusal
        # is often passing (a deploy, a full disk).
        return Outcome("retry", f"HTTP {answer.status_code}: {answer.text[:200]}")
