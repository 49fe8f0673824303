"""CloudEvents 1.0 in binary mode over AMQP: attributes in headers, JSON data in the body."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError

if TYPE_CHECKING:
    from contracts.registry import Registry

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
H_ID = "cloudEvents_id"
H_TYPE = "cloudEvents_type"
H_SOURCE = "cloudEvents_source"
H_SPECVERSION = "cloudEvents_specversion"
H_TIME = "cloudEvents_time"
H_TENANT = "tenant"
H_CORRELATION = "correlation_id"
H_CAUSATION = "causation_id"
REQUIRED_HEADERS = (H_ID, H_TYPE, H_SOURCE, H_SPECVERSION, H_TIME, H_TENANT, H_CORRELATION)


class InvalidEvent(ValueError):
    """A message that can never be processed: undecodable, unknown type, or invalid data."""


@dataclass(frozen=True)
class Event:
    name: str
    version: int
    data: dict[str, Any]
    tenant: str
    source: str
    correlation_id: str
    causation_id: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def type(self) -> str:
        return f"renda.{self.name}.v{self.version}"


def body_of(json_data: dict[str, Any]) -> bytes:
    return json.dumps(json_data, ensure_ascii=False, separators=(",", ":")).encode()


def headers_for(event: Event) -> dict[str, Any]:
    headers = {
        H_ID: event.id,
        H_TYPE: event.type,
        H_SOURCE: event.source,
        H_SPECVERSION: SPECVERSION,
        H_TIME: event.time.astimezone(UTC).isoformat(),
        H_TENANT: event.tenant,
        H_CORRELATION: event.correlation_id,
    }
    if event.causation_id:
        headers[H_CAUSATION] = event.causation_id
    return headers


MAX_BODY_BYTES = 1024 * 1024
"""No event renda sends comes near this; a bigger body is refused before it is parsed."""

_HEADER_LIMITS = {H_ID: 36, H_TENANT: 32}
"""Headers stored in columns of that width (the inbox key, tenant columns); others 200."""


class _Headers:
    """Reads CloudEvents headers as the broker hands them over: values may be bytes (not
    valid UTF-8), numbers, lists, tables or None, and any size."""

    def __init__(self, headers: object) -> None:
        self.headers = headers if isinstance(headers, dict) else {}

    def missing(self) -> list[str]:
        return [name for name in REQUIRED_HEADERS if self.headers.get(name) in (None, "", b"")]

    def text(self, name: str) -> str:
        value = self.headers.get(name)
        limit = _HEADER_LIMITS.get(name, 200)
        if not isinstance(value, str):
            raise InvalidEvent(f"header {name} is not a string but {type(value).__name__}")
        if not 0 < len(value) <= limit or not value.isprintable():
            raise InvalidEvent(f"header {name} is not 1-{limit} printable characters")
        return value

    def optional_text(self, name: str) -> str | None:
        return self.text(name) if self.headers.get(name) not in (None, "") else None


def event_type_label(headers: object, registry: Registry) -> str:
    """A metric label for a message's type: a registered type, or "unknown" (bounded)."""
    value = headers.get(H_TYPE) if isinstance(headers, dict) else None
    return value if isinstance(value, str) and value in registry else "unknown"


def decode(headers: object, body: object, registry: Registry) -> Event:
    """Turn an AMQP message into an Event of the newest version, or raise InvalidEvent.

    Whatever the bytes, only InvalidEvent comes out, with a short reason that never
    quotes the body.
    """
    try:
        return _decode(_Headers(headers), body, registry)
    except InvalidEvent:
        raise
    except Exception as exc:  # the message's fault, whatever it is: never the consumer's
        raise InvalidEvent(f"undecodable message ({type(exc).__name__})") from None


def _decode(headers: _Headers, body: object, registry: Registry) -> Event:
    missing = headers.missing()
    if missing:
        raise InvalidEvent(f"missing CloudEvents headers: {', '.join(missing)}")
    if headers.text(H_SPECVERSION) != SPECVERSION:
        raise InvalidEvent(f"unsupported {H_SPECVERSION}")
    type_string = headers.text(H_TYPE)
    if type_string not in registry:
        raise InvalidEvent(f"unknown event type {type_string[:80]!r}")
    json_data = _json_object(body)
    try:
        event_type, data = registry.load_as_latest(type_string, json_data)
    except ValidationError as exc:
        raise InvalidEvent(f"invalid {type_string}: fields {_fields(exc.messages)}") from None
    time = _time(headers.text(H_TIME))
    return Event(
        name=event_type.name,
        version=event_type.version,
        data=data,
        tenant=headers.text(H_TENANT),
        source=headers.text(H_SOURCE),
        correlation_id=headers.text(H_CORRELATION),
        causation_id=headers.optional_text(H_CAUSATION),
        id=headers.text(H_ID),
        time=time,
    )


def _json_object(body: object) -> dict[str, Any]:
    # The AMQP client hands over text when the message names its content encoding.
    if not isinstance(body, str | bytes | bytearray | memoryview):
        raise InvalidEvent(f"body is {type(body).__name__}, not bytes")
    if len(body) > MAX_BODY_BYTES:
        raise InvalidEvent(f"body of {len(body)} bytes or characters is over {MAX_BODY_BYTES}")
    try:
        json_data = json.loads(body if isinstance(body, str) else bytes(body))
    except RecursionError:
        raise InvalidEvent("body is JSON nested too deeply") from None
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert
        raise InvalidEvent(f"body is not JSON ({type(exc).__name__})") from None
    if not isinstance(json_data, dict):
        raise InvalidEvent("body is not a JSON object")
    return json_data


def _fields(messages: object) -> str:
    """Which fields failed, not what they held: the reason goes to logs."""
    names = sorted(str(key)[:40] for key in messages) if isinstance(messages, dict) else []
    return ", ".join(names[:10]) or "-"


def _time(value: str) -> datetime:
    try:
        time = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(f"bad {H_TIME}: not an ISO 8601 time") from None
    if time.tzinfo is None:
        raise InvalidEvent(f"bad {H_TIME}: no UTC offset")
    return time
