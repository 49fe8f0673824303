"""The language the services speak: event schemas, the envelope and the topology."""

from contracts.envelope import Event, InvalidEvent, body_of, decode, headers_for
from contracts.registry import REGISTRY, EventType, Registry

__all__ = [
    "REGISTRY",
    "Event",
    "EventType",
    "InvalidEvent",
    "Registry",
    "body_of",
    "decode",
    "headers_for",
]
