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


def decode(headers: dict[str, Any] | None, body: bytes, registry: Registry) -> Event:
    """Turn an AMQP message into an Event of the newest version, or raise InvalidEvent."""
    headers = headers or {}
    missing = [name for name in REQUIRED_HEADERS if not headers.get(name)]
    if missing:
        raise InvalidEvent(f"missing CloudEvents headers: {', '.join(missing)}")
    if headers[H_SPECVERSION] != SPECVERSION:
        raise InvalidEvent(f"unsupported specversion {headers[H_SPECVERSION]!r}")
    try:
        json_data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEvent(f"body is not JSON: {exc}") from None
    if not isinstance(json_data, dict):
        raise InvalidEvent("body is not a JSON object")
    try:
        event_type, data = registry.load_as_latest(str(headers[H_TYPE]), json_data)
    except KeyError:
        raise InvalidEvent(f"unknown event type {headers[H_TYPE]!r}") from None
    except ValidationError as exc:
        raise InvalidEvent(f"invalid {headers[H_TYPE]}: {exc.messages}") from None
    try:
        time = datetime.fromisoformat(str(headers[H_TIME]))
    except ValueError:
        raise InvalidEvent(f"bad {H_TIME} {headers[H_TIME]!r}") from None
    return Event(
        name=event_type.name,
        version=event_type.version,
        data=data,
        tenant=str(headers[H_TENANT]),
        source=str(headers[H_SOURCE]),
        correlation_id=str(headers[H_CORRELATION]),
        causation_id=str(headers[H_CAUSATION]) if headers.get(H_CAUSATION) else None,
        id=str(headers[H_ID]),
        time=time,
    )
