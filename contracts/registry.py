"""Every event type with its versions, and the schema that validates each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from marshmallow import Schema, ValidationError

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class EventType:
    """One version of one event. `name` is also the routing key (`<aggregate>.<event>`)."""

    name: str
    version: int
    schema: type[Schema]
    description: str
    upcast: Upcaster | None = None
    """Turns this version's JSON data into the next version's (None on the newest)."""

    @property
    def type(self) -> str:
        return f"renda.{self.name}.v{self.version}"

    @cached_property
    def _schema(self) -> Schema:
        return self.schema()

    def to_json(self, data: dict[str, Any]) -> dict[str, Any]:
        """Serialise Python values to JSON data, refusing anything the schema rejects."""
        json_data = self._schema.dump(data)
        self._schema.load(json_data)
        return json_data

    def from_json(self, json_data: dict[str, Any]) -> dict[str, Any]:
        return self._schema.load(json_data)


class UnknownEventType(KeyError):
    pass


class Registry:
    def __init__(self, types: Iterable[EventType] = ()) -> None:
        self._by_type: dict[str, EventType] = {}
        self._latest: dict[str, EventType] = {}
        for event_type in types:
            self.register(event_type)

    def register(self, event_type: EventType) -> None:
        if event_type.type in self._by_type:
            raise ValueError(f"{event_type.type} is registered twice")
        self._by_type[event_type.type] = event_type
        current = self._latest.get(event_type.name)
        if current is None or current.version < event_type.version:
            self._latest[event_type.name] = event_type

    def __contains__(self, type_string: object) -> bool:
        return type_string in self._by_type

    def get(self, type_string: str) -> EventType:
        try:
            return self._by_type[type_string]
        except KeyError:
            raise UnknownEventType(type_string) from None

    def latest(self, name: str) -> EventType:
        try:
            return self._latest[name]
        except KeyError:
            raise UnknownEventType(name) from None

    def names(self) -> list[str]:
        return sorted(self._latest)

    def all(self) -> list[EventType]:
        return sorted(self._by_type.values(), key=lambda t: (t.name, t.version))

    def load_as_latest(self, type_string: str, json_data: dict[str, Any]) -> tuple[EventType, dict]:
        """Validate data of any known version and bring it up to the newest version.

        A consumer therefore accepts the previous version of every event it handles.
        """
        event_type = self.get(type_string)
        data = event_type.from_json(json_data)
        while event_type.upcast is not None:
            json_data = event_type.upcast(json_data)
            event_type = self.get(f"renda.{event_type.name}.v{event_type.version + 1}")
            data = event_type.from_json(json_data)
        # One load per version both checks the data and gives the consumer its values:
        # every consumer pays it for every event.
        return event_type, data


def _build_registry() -> Registry:
    from contracts.events import ALL_EVENT_TYPES

    return Registry(ALL_EVENT_TYPES)


REGISTRY = _build_registry()

__all__ = ["REGISTRY", "EventType", "Registry", "UnknownEventType", "ValidationError"]
