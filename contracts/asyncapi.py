"""Generates contracts/asyncapi.json (AsyncAPI 2.6) from the registry and the topology."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from contracts.actions import ACTIONS
from contracts.envelope import (
    H_CAUSATION,
    H_CORRELATION,
    H_ID,
    H_SOURCE,
    H_SPECVERSION,
    H_TENANT,
    H_TIME,
    H_TYPE,
)
from contracts.registry import REGISTRY
from contracts.topology import PRODUCERS, SUBSCRIPTIONS

ASYNCAPI_PATH = Path(__file__).parent / "asyncapi.json"

HEADERS_SCHEMA = {
    "type": "object",
    "required": [H_ID, H_TYPE, H_SOURCE, H_SPECVERSION, H_TIME, H_TENANT, H_CORRELATION],
    "properties": {
        H_ID: {"type": "string", "description": "unique event id (the inbox key)"},
        H_TYPE: {"type": "string", "example": "renda.suggestion.submitted.v1"},
        H_SOURCE: {"type": "string", "example": "/renda/intake"},
        H_SPECVERSION: {"type": "string", "const": "1.0"},
        H_TIME: {"type": "string", "format": "date-time"},
        H_TENANT: {"type": "string", "description": "tenant node id, e.g. 450102"},
        H_CORRELATION: {"type": "string"},
        H_CAUSATION: {"type": "string", "description": "id of the event that caused this one"},
    },
}


def _schema_name(type_string: str) -> str:
    return type_string.replace(".", "_")


def _arguments_by_action(spec: APISpec) -> list[dict[str, Any]]:
    """`args` of suggestion.action_requested is checked by the schema of its `action`: in
    JSON Schema, one if/then per action (consumers refuse the event otherwise)."""
    rules = []
    for name, action in ACTIONS.items():
        component = action.schema.__name__
        if component not in spec.components.schemas:
            spec.components.schema(component, schema=action.schema)
        rules.append(
            {
                "if": {"properties": {"action": {"const": name}}},
                "then": {"properties": {"args": {"$ref": f"#/components/schemas/{component}"}}},
            }
        )
    return rules


def document() -> dict[str, Any]:
    spec = APISpec("renda events", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    for event_type in REGISTRY.all():
        name = _schema_name(event_type.type)
        spec.components.schema(name, schema=event_type.schema)
        messages[name] = {
            "name": event_type.type,
            "title": f"{event_type.name} v{event_type.version}",
            "summary": event_type.description,
            "contentType": "application/json",
            "headers": HEADERS_SCHEMA,
            "payload": {"$ref": f"#/components/schemas/{name}"},
        }
    for routing_key in REGISTRY.names():
        versions = [t for t in REGISTRY.all() if t.name == routing_key]
        consumers = sorted(s for s, keys in SUBSCRIPTIONS.items() if routing_key in keys)
        channels[routing_key] = {
            "description": versions[-1].description,
            "x-consumers": consumers,
            "x-producer": PRODUCERS[routing_key],
            "subscribe": {
                "message": {
                    "oneOf": [
                        {"$ref": f"#/components/messages/{_schema_name(t.type)}"} for t in versions
                    ]
                }
            },
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": "<prefix>.events", "type": "topic", "durable": True},
                }
            },
        }
    arguments = _arguments_by_action(spec)
    schemas = spec.to_dict()["components"]["schemas"]
    for event_type in REGISTRY.all():
        if event_type.name == "suggestion.action_requested":
            schemas[_schema_name(event_type.type)]["allOf"] = arguments
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "renda domain events",
            "version": "1",
            "description": (
                "CloudEvents 1.0 in binary mode over AMQP: attributes in headers, JSON data in "
                "the body. One topic exchange; the routing key is the event name. A consumer "
                "accepts every listed version of the events it handles."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
