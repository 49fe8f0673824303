"""SMS through an HTTP gateway, provider-neutral: one JSON POST per message.

Request: `{"to", "text", "kind", "reference"}` with `Authorization: Bearer <token>`;
`reference` is the delivery's message id, the same on a resend, for the gateway to drop.
A constituent's phone comes encrypted in the delivery's payload (ADR 0011): it is opened
here, just before the request, and kept out of every outcome, log line and record.
Answer: 2xx is delivered (unless its JSON says `"status": "refused"`); 408, 429 and 5xx
are retried; any other 4xx is refused for good."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import requests

from services.notify.channels import SEALED_PHONE, Outcome, Outgoing

MAX_CHARS = 134
"""Two concatenated SMS parts of Chinese (UCS-2) text, 67 characters each."""


SIGNATURE = "【人大代表建议】"
"""The sender's name that opens every SMS (短信签名): the one registered with the provider,
RENDA_SMS_SIGNATURE."""


def sms_text(subject: str, body: str, signature: str = SIGNATURE) -> str:
    text = f"{signature}{subject}" + (f"。{body}" if body else "")
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


Open = Callable[[str], str | None]
"""Decrypts a constituent's phone; None when no configured key opens it."""


class SmsSender:
    def __init__(
        self,
        url: str,
        token: str | None,
        timeout: float,
        open_phone: Open | None = None,
        signature: str = SIGNATURE,
    ) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout
        self.open_phone = open_phone
        self.signature = signature

    def __call__(self, message: Outgoing) -> Outcome:
        sealed = (message.payload or {}).get(SEALED_PHONE)
        to = message.address
        if sealed:
            to = self.open_phone(sealed) if self.open_phone else None
            if to is None:
                return Outcome("refused", "the constituent's phone opens with no configured key")
        outcome = self._post(to, message)
        if sealed:
            # A gateway may echo the number: the outcome is logged and recorded.
            return replace(outcome, detail=outcome.detail.replace(to, message.address))
        return outcome

    def _post(self, to: str, message: Outgoing) -> Outcome:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            answer = requests.post(
                self.url,
                json={
                    "to": to,
                    "text": sms_text(message.subject, message.body, self.signature),
                    "kind": message.kind,
                    "reference": message.message_id,
                },
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}"[:500])
        return http_outcome(answer)


def http_outcome(answer: requests.Response) -> Outcome:
    detail = f"HTTP {answer.status_code}: {answer.text[:200]}"
    if answer.ok:
        try:
            refused = answer.json().get("status") == "refused"
        except (ValueError, AttributeError):
            refused = False
        return Outcome("refused" if refused else "delivered", detail)
    if answer.status_code in (408, 429) or answer.status_code >= 500:
        return Outcome("retry", detail)
    return Outcome("refused", detail)
