"""The contracts: schemas, the CloudEvents envelope, versions, topology and AsyncAPI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from contracts import REGISTRY, Event, EventType, InvalidEvent, Registry, body_of, decode
from contracts.actions import ACTIONS
from contracts.asyncapi import ASYNCAPI_PATH, document, render
from contracts.envelope import H_SPECVERSION, H_TIME, H_TYPE, REQUIRED_HEADERS, headers_for
from contracts.events.base import EventData
from contracts.registry import UnknownEventType
from contracts.topology import PRODUCERS, SUBSCRIPTIONS
from contracts.zone import SHANGHAI
from renda.registry import spec
from runtime.clock import SystemClock
from runtime.config import SERVICES
from runtime.consumer import EventProcessor
from runtime.outbox import Outbox
from runtime.service import service_base

AT = datetime(2026, 7, 1, 9, 30, tzinfo=SHANGHAI)

REALISTIC: dict[str, dict[str, Any]] = {
    # values as the services send them; every other type gets values made from its schema
    "renda.submission.accepted.v1": {
        "submission_id": "s-1",
        "resource_type": "suggestion",
        "resource_id": "g-1",
        "resource_number": "450102-2026-0001",
    },
    "renda.submission.rejected.v1": {
        "submission_id": "s-1",
        "reason": "deputy D450102-001 signs twice",
        "field": "cosigner_ids",
    },
    "renda.suggestion.submitted.v1": {
        "submission_id": "s-1",
        "tenant": "450102",
        "lead_deputy_id": "D450102-001",
        "cosigner_ids": ["D450102-002"],
        "title": "关于增加城区小学学位的建议",
        "body": "兴宁区学位紧张。",
        "category": "education",
        "occasion": "session",
        "session_name": "第十七届人民代表大会第三次会议",
        "urgent": False,
        "submitted_at": AT,
    },
    "renda.suggestion.submitted.v2": {
        "attachments": [
            {
                "name": "现场照片.jpg",
                "uri": "https://county.example.cn/files/42",
                "media_type": "image/jpeg",
                "size": 204800,
                "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            }
        ],
        "source_opinion_id": "op-7",
    },
    "renda.suggestion.accepted.v1": {
        "suggestion_id": "g-1",
        "number": "450102-2026-0001",
        "tenant": "450102",
        "lead_deputy_id": "D450102-001",
        "cosigner_ids": [],
        "title": "关于增加城区小学学位的建议",
        "category": "education",
        "urgent": True,
        "accepted_at": AT,
    },
    "renda.suggestion.returned.v1": {
        "suggestion_id": "g-1",
        "number": "450102-2026-0001",
        "tenant": "450102",
        "lead_deputy_id": "D450102-001",
        "title": "关于某案件",
        "reason": "matches the negative list: 诉讼",
        "returned_at": AT,
    },
    "renda.suggestion.action_requested.v1": {
        "action": "screen",
        "args": {"decision": "return", "reason": "属于涉诉事项"},
    },
    "renda.opinion.action_requested.v1": {
        "action": "escalate",
        "args": {"reason": "需街道协调"},
    },
    "renda.consultation.action_requested.v1": {
        "action": "merge",
        "args": {"opinion_id": "o-2", "into_id": "o-1"},
    },
    "renda.project.action_requested.v1": {
        "action": "screen",
        "args": {"station": "兴东街道代表联络站", "note": "已核实并补全"},
    },
    "renda.suggestion.assigned.v1": {
        "suggestion_id": "g-1",
        "number": "450102-2026-0001",
        "tenant": "450102",
        "title": "关于道路的建议",
        "lead_unit_id": "U450102-HOUSING",
        "co_unit_ids": ["U450102-TRANSPORT"],
        "deadline": date(2026, 10, 8),
        "assigned_at": AT,
    },
}


def _value_for(field: fields.Field, name: str) -> Any:
    """A valid value for a field, from its type and validators."""
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return next(iter(validator.choices))
    if isinstance(field, fields.Nested):
        nested = field.schema
        return [_sample_of(nested)] if field.many else _sample_of(nested)
    if isinstance(field, fields.List):
        return [_value_for(field.inner, name)]
    if isinstance(field, fields.Dict):
        return {"key": "value"}
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        minimum = [v.min for v in field.validators if isinstance(v, validate.Range) and v.min]
        return max([2, *minimum])
    if isinstance(field, fields.Float | fields.Decimal):
        return 1.5
    if isinstance(field, fields.DateTime):  # AwareDateTime included
        return AT
    if isinstance(field, fields.Date):
        return date(2026, 10, 8)
    if isinstance(field, fields.Url):
        return "https://files.example.cn/450102/attachment.pdf"
    patterns = [v for v in field.validators if isinstance(v, validate.Regexp)]
    if patterns:
        candidates = ("0" * 64, "450102", "D450102-001", "unit:U450102-EDU", "2026-10-08")
        candidates += ("0" * 32 + ".jpg",)  # an opinion photo's stored name
        for candidate in candidates:
            if all(v.regex.match(candidate) for v in patterns):
                return candidate
        raise AssertionError(f"no sample value matches {name}'s pattern: add a REALISTIC sample")
    if isinstance(field, fields.String):
        lengths = [v.min for v in field.validators if isinstance(v, validate.Length) and v.min]
        return f"{name}-值".ljust(max([1, *lengths]), "x")
    raise AssertionError(f"no sample value for {type(field).__name__} {name}: extend _value_for")


def _sample_of(schema: Schema) -> dict[str, Any]:
    return {
        field.data_key or name: _value_for(field, name)
        for name, field in schema.fields.items()
        if not field.dump_only
    }


def sample(event_type: EventType) -> dict[str, Any]:
    """Every field of the type filled (optional ones too), realistic where given above."""
    return {**_sample_of(event_type.schema()), **REALISTIC.get(event_type.type, {})}


ALL_TYPES = REGISTRY.all()


def test_the_realistic_samples_are_of_registered_types() -> None:
    assert set(REALISTIC) <= {t.type for t in ALL_TYPES}


@pytest.mark.parametrize("event_type", ALL_TYPES, ids=lambda t: t.type)
def test_every_event_type_round_trips_through_json(event_type: EventType) -> None:
    data = sample(event_type)
    json_data = event_type.to_json(data)
    assert json.loads(json.dumps(json_data)) == json_data  # plain JSON
    assert event_type.from_json(json_data) == data


@pytest.mark.parametrize("event_type", ALL_TYPES, ids=lambda t: t.type)
def test_every_event_type_round_trips_through_the_envelope(event_type: EventType) -> None:
    event = Event(
        name=event_type.name,
        version=event_type.version,
        data=event_type.to_json(sample(event_type)),
        tenant="450102",
        source="/renda/test",
        correlation_id="c-1",
        causation_id="e-0",
        time=datetime(2026, 7, 1, 1, 30, tzinfo=UTC),
    )
    decoded = decode(headers_for(event), body_of(event.data), REGISTRY)
    latest = REGISTRY.latest(event_type.name)
    assert decoded.type == latest.type  # an older version arrives as the newest
    if event_type is latest:
        assert decoded.data == sample(event_type)
    else:
        assert set(decoded.data) >= set(sample(event_type))
        assert {k: decoded.data[k] for k in sample(event_type)} == sample(event_type)
    assert (decoded.id, decoded.tenant, decoded.source) == (event.id, "450102", "/renda/test")
    assert (decoded.correlation_id, decoded.causation_id) == ("c-1", "e-0")
    assert decoded.time == event.time


def _first_required(event_type: EventType) -> str | None:
    return next((name for name, f in event_type.schema().fields.items() if f.required), None)


@pytest.mark.parametrize("event_type", ALL_TYPES, ids=lambda t: t.type)
def test_to_json_refuses_data_without_a_required_field(event_type: EventType) -> None:
    missing = _first_required(event_type)
    if missing is None:
        pytest.skip(f"{event_type.type} has no required field")
    data = {k: v for k, v in sample(event_type).items() if k != missing}
    with pytest.raises(ValidationError) as refused:
        event_type.to_json(data)
    assert missing in refused.value.messages


@pytest.mark.parametrize(
    ("type_string", "field", "bad"),
    [
        ("renda.suggestion.submitted.v1", "category", "space_travel"),
        ("renda.suggestion.submitted.v1", "occasion", "party"),
        ("renda.suggestion.submitted.v1", "title", ""),
        ("renda.suggestion.submitted.v1", "submitted_at", datetime(2026, 7, 1, 9, 30)),  # naive
        ("renda.submission.rejected.v1", "reason", ""),
    ],
)
def test_to_json_refuses_invalid_values(type_string: str, field: str, bad: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        REGISTRY.get(type_string).to_json({**sample(REGISTRY.get(type_string)), field: bad})
    assert field in refused.value.messages


# -- decode: what the consumer refuses --------------------------------------------------


def _message(type_string: str = "renda.suggestion.accepted.v1") -> tuple[dict[str, Any], bytes]:
    event_type = REGISTRY.get(type_string)
    event = Event(
        name=event_type.name,
        version=event_type.version,
        data=event_type.to_json(sample(REGISTRY.get(type_string))),
        tenant="450102",
        source="/renda/workflow",
        correlation_id="c-1",
    )
    return headers_for(event), body_of(event.data)


def test_decode_gives_the_event_for_a_good_message() -> None:
    headers, body = _message()
    event = decode(headers, body, REGISTRY)
    assert event.name == "suggestion.accepted"
    assert event.causation_id is None


@pytest.mark.parametrize("header", REQUIRED_HEADERS)
def test_decode_refuses_a_message_missing_a_header(header: str) -> None:
    headers, body = _message()
    del headers[header]
    with pytest.raises(InvalidEvent, match=header):
        decode(headers, body, REGISTRY)


def test_decode_refuses_a_message_without_headers() -> None:
    _, body = _message()
    with pytest.raises(InvalidEvent, match="missing"):
        decode(None, body, REGISTRY)


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"", b"[1, 2]", b'"text"'])
def test_decode_refuses_a_body_that_is_not_a_json_object(body: bytes) -> None:
    headers, _ = _message()
    with pytest.raises(InvalidEvent):
        decode(headers, body, REGISTRY)


@pytest.mark.parametrize(
    "type_string", ["renda.nothing.happened.v1", "renda.suggestion.accepted.v9", "garbage"]
)
def test_decode_refuses_an_unknown_type(type_string: str) -> None:
    headers, body = _message()
    headers[H_TYPE] = type_string
    with pytest.raises(InvalidEvent, match="unknown event type"):
        decode(headers, body, REGISTRY)


def test_decode_refuses_invalid_data() -> None:
    headers, body = _message()
    data = json.loads(body)
    del data["number"]
    with pytest.raises(InvalidEvent, match="invalid"):
        decode(headers, body_of(data), REGISTRY)
    data = {**json.loads(body), "category": "space_travel"}
    with pytest.raises(InvalidEvent, match="category"):
        decode(headers, body_of(data), REGISTRY)


@pytest.mark.parametrize("version", ["0.3", "2.0", "1"])
def test_decode_refuses_another_specversion(version: str) -> None:
    headers, body = _message()
    headers[H_SPECVERSION] = version
    with pytest.raises(InvalidEvent, match="specversion"):
        decode(headers, body, REGISTRY)


def test_decode_refuses_a_bad_time() -> None:
    headers, body = _message()
    headers[H_TIME] = "yesterday"
    with pytest.raises(InvalidEvent, match="cloudEvents_time"):
        decode(headers, body, REGISTRY)


def test_decode_ignores_fields_a_newer_producer_added() -> None:
    headers, body = _message()
    data = {**json.loads(body), "added_later": 1}
    assert "added_later" not in decode(headers, body_of(data), REGISTRY).data


# -- versions: a consumer accepts the previous version ---------------------------------


class ThingV1(EventData):
    name = fields.String(required=True)


class ThingV2(EventData):
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    family, _, given = data["name"].partition(" ")
    return {"given_name": given, "family_name": family}


THING_V1 = EventType("thing.happened", 1, ThingV1, "old", upcast=_v1_to_v2)
THING_V2 = EventType("thing.happened", 2, ThingV2, "new")


@pytest.fixture
def versioned() -> Registry:
    return Registry([THING_V2, THING_V1])  # registration order does not matter


def _thing(version: int, data: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    event = Event("thing.happened", version, data, "450102", "/renda/test", "c-1")
    return headers_for(event), body_of(data)


def test_latest_is_the_highest_version(versioned: Registry) -> None:
    assert versioned.latest("thing.happened") is THING_V2
    assert versioned.names() == ["thing.happened"]
    assert versioned.all() == [THING_V1, THING_V2]


def test_a_previous_version_is_upcast_to_the_latest(versioned: Registry) -> None:
    event_type, data = versioned.load_as_latest("renda.thing.happened.v1", {"name": "王 建国"})
    assert event_type is THING_V2
    assert data == {"given_name": "建国", "family_name": "王"}


def test_the_latest_version_loads_as_is(versioned: Registry) -> None:
    event_type, data = versioned.load_as_latest(
        "renda.thing.happened.v2", {"given_name": "秀英", "family_name": "李"}
    )
    assert event_type is THING_V2
    assert data == {"given_name": "秀英", "family_name": "李"}


def test_a_previous_version_is_validated_by_its_own_schema(versioned: Registry) -> None:
    with pytest.raises(ValidationError):
        versioned.load_as_latest("renda.thing.happened.v1", {"given_name": "x"})


def test_decode_brings_a_previous_version_up_to_date(versioned: Registry) -> None:
    headers, body = _thing(1, {"name": "王 建国"})
    event = decode(headers, body, versioned)
    assert (event.name, event.version, event.type) == (
        "thing.happened",
        2,
        "renda.thing.happened.v2",
    )
    assert event.data == {"given_name": "建国", "family_name": "王"}


def test_a_consumer_accepts_the_previous_version(versioned: Registry) -> None:
    versioned.register(EventType("other.happened", 1, ThingV1, "not handled here"))
    processor = EventProcessor(
        "test",
        {"thing.happened": lambda event, ctx: None},
        db=None,  # type: ignore[arg-type]  # decoding needs no database
        outbox=Outbox("test", service_base().metadata, SystemClock(), versioned),
        clock=SystemClock(),
        directory=None,  # type: ignore[arg-type]
        registry=versioned,
    )
    event = processor.decode(*_thing(1, {"name": "王 建国"}))
    assert event.version == 2
    assert event.data["family_name"] == "王"
    with pytest.raises(InvalidEvent, match="no handler"):
        other = Event("other.happened", 1, {"name": "x"}, "450102", "/renda/test", "c-1")
        processor.decode(headers_for(other), body_of(other.data))


def test_a_version_cannot_be_registered_twice(versioned: Registry) -> None:
    with pytest.raises(ValueError, match="twice"):
        versioned.register(THING_V1)


def test_unknown_names_and_types_raise_key_errors(versioned: Registry) -> None:
    with pytest.raises(UnknownEventType):
        versioned.get("renda.thing.happened.v3")
    with pytest.raises(KeyError):
        versioned.latest("nothing.happened")


# -- the topology, the services and the published document agree ------------------------


def test_asyncapi_json_is_up_to_date() -> None:
    assert ASYNCAPI_PATH.read_text(encoding="utf-8") == render(), (
        "contracts/asyncapi.json is stale: regenerate it from contracts.asyncapi.render()"
    )


def test_asyncapi_lists_every_subscribed_and_produced_event() -> None:
    channels = json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))["channels"]
    subscribed = {name for names in SUBSCRIPTIONS.values() for name in names}
    assert subscribed <= set(channels)
    assert set(PRODUCERS) <= set(channels)
    for name, channel in channels.items():
        assert channel["x-producer"] == PRODUCERS[name]
        assert channel["x-consumers"] == sorted(s for s, k in SUBSCRIPTIONS.items() if name in k)


def test_asyncapi_offers_every_version_of_each_event() -> None:
    doc = document()
    for event_type in ALL_TYPES:
        refs = [
            m["$ref"] for m in doc["channels"][event_type.name]["subscribe"]["message"]["oneOf"]
        ]
        key = event_type.type.replace(".", "_")
        assert f"#/components/messages/{key}" in refs
        assert key in doc["components"]["schemas"]


def test_every_service_subscribes_exactly_to_what_it_handles() -> None:
    assert set(SUBSCRIPTIONS) == set(SERVICES)
    for name in SERVICES:
        subscribed = SUBSCRIPTIONS[name]
        assert len(set(subscribed)) == len(subscribed), f"{name} subscribes twice to an event"
        assert set(spec(name).handlers) == set(subscribed), name


def test_every_event_has_one_producing_service_and_is_registered() -> None:
    assert set(PRODUCERS) == set(REGISTRY.names())
    assert set(PRODUCERS.values()) <= set(SERVICES)
    subscribed = {name for names in SUBSCRIPTIONS.values() for name in names}
    assert subscribed <= set(REGISTRY.names())


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    doc = json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    for ref in _refs(doc):
        assert ref.startswith("#/"), ref
        node: Any = doc
        for part in ref[2:].split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]


# -- actions: one list, each one's arguments checked at the door and on the bus -----------


def _action_message(action: str, args: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    headers, body = _message("renda.suggestion.action_requested.v1")
    return headers, body_of({**json.loads(body), "action": action, "args": args})


@pytest.mark.parametrize(
    ("action", "args"),
    [
        ("screen", {"decision": "return"}),  # a return needs its reason
        ("screen", {"decision": "dismiss", "reason": "x"}),
        ("set_publication", {"publish": "yes"}),
        ("reply", {"decision": "accept"}),  # another action's arguments
        ("evaluate", "satisfied"),
    ],
)
def test_arguments_the_action_refuses_make_an_invalid_event(action: str, args: Any) -> None:
    with pytest.raises(InvalidEvent, match="args"):
        decode(*_action_message(action, args), REGISTRY)
    if isinstance(args, dict):  # and a producer cannot send them either
        event_type = REGISTRY.latest("suggestion.action_requested")
        with pytest.raises(ValidationError):
            event_type.to_json({**sample(event_type), "action": action, "args": args})


def test_the_arguments_arrive_typed_and_unknown_ones_are_ignored() -> None:
    headers, body = _action_message(
        "second_assign", {"meeting_note": "面谈", "held_on": "2026-03-09", "added_later": 1}
    )
    assert decode(headers, body, REGISTRY).data["args"] == {
        "meeting_note": "面谈",
        "held_on": date(2026, 3, 9),
    }
    headers, body = _action_message("reply", {"reply_class": "A", "text": "已办理。"})
    assert decode(headers, body, REGISTRY).data["args"]["public"] is True  # the default


def test_one_list_of_actions_for_intake_the_bus_and_workflow() -> None:
    from services.intake.api.actions import blp as intake_actions
    from services.workflow.suggestions.actions import PERFORMERS

    field = REGISTRY.latest("suggestion.action_requested").schema().fields["action"]
    assert [v.choices for v in field.validators if isinstance(v, validate.OneOf)] == [list(ACTIONS)]
    assert list(PERFORMERS) == list(ACTIONS)
    assert list(intake_actions._docs) == [f"suggestion_{name}" for name in ACTIONS]
