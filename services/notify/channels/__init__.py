"""The channels a delivery goes out on. Each adapter sends one message, within a timeout,
and says what the far side answered: delivered, refused (for good), or retry (later)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Result = Literal["delivered", "refused", "retry"]

SEALED_PHONE = "phone_encrypted"
"""The key of a constituent's encrypted phone in an event's data and a delivery's payload."""


@dataclass(frozen=True)
class Outgoing:
    """What a channel needs to send one delivery; `message_id` is the same on every attempt."""

    message_id: str
    channel: str
    address: str
    kind: str
    subject: str
    body: str
    event_type: str
    event_time: datetime
    payload: dict[str, Any] | None = None
    secrets: tuple[str, ...] = ()
    """A webhook endpoint's signing secrets: the current one first, then one in its overlap."""


@dataclass(frozen=True)
class Outcome:
    result: Result
    detail: str = ""
    gone: bool = False
    """The endpoint said it no longer exists (HTTP 410): it is disabled."""


Send = Callable[[Outgoing], Outcome]


@dataclass
class Channels:
    """The configured adapters by channel name; a channel without one is not offered."""

    senders: dict[str, Send] = field(default_factory=dict)

    def send(self, message: Outgoing) -> Outcome:
        sender = self.senders.get(message.channel)
        if sender is None:
            return Outcome("retry", f"channel {message.channel} is not configured")
        try:
            return sender(message)
        except Exception as exc:  # an adapter's bug must not kill the runner
            return Outcome("retry", f"{type(exc).__name__}: {exc}"[:500])
