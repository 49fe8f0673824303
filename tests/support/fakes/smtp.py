"""A real SMTP server (aiosmtpd) on loopback that keeps the messages it receives."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.infra import free_port

REFUSED_PREFIX = "nobody@"
"""Recipients whose address starts so are refused with 550 (no such mailbox)."""


class _Keep:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if address.startswith(REFUSED_PREFIX):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


class SmtpSink:
    def __init__(self) -> None:
        self.handler = _Keep()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.controller.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def distinct(self) -> dict[str, EmailMessage]:
        """By Message-ID: what a mail system that drops duplicates shows."""
        return {m["Message-ID"]: m for m in self.messages}

    def stop(self) -> None:
        self.controller.stop()
