"""Messages no service can use: what a broken or hostile sender may put on the bus.

Each is built from a valid message of a type the receiving service consumes, so that it
fails for the one reason its name gives.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from contracts import REGISTRY, Event, body_of, headers_for
from contracts.envelope import (
    H_CORRELATION,
    H_ID,
    H_SPECVERSION,
    H_TENANT,
    H_TIME,
    H_TYPE,
    REQUIRED_HEADERS,
)
from tests.unit.test_contracts import sample

Headers = dict[str, Any]
Message = tuple[Headers, bytes]

TEN_MB = 10 * 1024 * 1024

CONSUMED_BY = {
    "workflow": "renda.suggestion.submitted.v2",
    "scoring": "renda.suggestion.accepted.v1",
    "intake": "renda.submission.accepted.v1",
    "notify": "renda.suggestion.assigned.v1",
}
"""A type each service consumes: its hostile messages are variants of it."""


def valid_message(type_string: str) -> Message:
    """A message of the type with every field filled, as a producer would send it."""
    event_type = REGISTRY.get(type_string)
    event = Event(
        name=event_type.name,
        version=event_type.version,
        data=event_type.to_json(sample(event_type)),
        tenant="450102",
        source="/renda/test",
        correlation_id="c-1",
    )
    return headers_for(event), body_of(event.data)


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@cache
def _gzip_bomb() -> bytes:
    """About 20 kB that inflate to 20 MB (a real one would inflate to gigabytes)."""
    return zlib.compress(b"\0" * 20 * 1024 * 1024, 9)


def _without(headers: Headers, *names: str) -> Headers:
    return {k: v for k, v in headers.items() if k not in names}


def _with(headers: Headers, **values: Any) -> Headers:
    return {**headers, **values}


def hostile_messages(headers: Headers, body: bytes) -> dict[str, Message]:
    """Named hostile variants of one valid message (its headers and body)."""
    data = json.loads(body)
    variants: dict[str, Callable[[], Message]] = {
        "deep object nesting": lambda: (headers, _nested(100_000)),
        "deep array nesting": lambda: (headers, b"[" * 100_000 + b"]" * 100_000),
        "10 MB body": lambda: (headers, json.dumps({**data, "pad": "x" * TEN_MB}).encode()),
        "compressed (a decompression bomb)": lambda: (
            _with(headers, compression="application/x-gzip"),
            _gzip_bomb(),
        ),
        "invalid UTF-8 in the body": lambda: (headers, b'{"title": "\xff\xfe\xc3"}'),
        "5000-digit number": lambda: (headers, b'{"n": 1' + b"0" * 5000 + b"}"),
        "body is a JSON array": lambda: (headers, b"[1, 2]"),
        "body is JSON null": lambda: (headers, b"null"),
        "empty body": lambda: (headers, b""),
        "fields of the wrong JSON types": lambda: (
            headers,
            json.dumps({k: [{"x": None}] for k in data}).encode(),
        ),
        "invalid UTF-8 in a header": lambda: (_with(headers, **{H_TYPE: b"\xff\xfe"}), body),
        # (bytes that are valid UTF-8 reach the consumer as text: these are not)
        "invalid UTF-8 in every header": lambda: (
            {k: v.encode() + b"\xff" if isinstance(v, str) else v for k, v in headers.items()},
            body,
        ),
        "a huge header": lambda: (_with(headers, **{H_CORRELATION: "c" * 60_000}), body),
        "an id longer than the inbox key": lambda: (_with(headers, **{H_ID: "i" * 37}), body),
        "NUL in the tenant": lambda: (_with(headers, **{H_TENANT: "450\x00102"}), body),
        "integer headers": lambda: (_with(headers, **{H_ID: 12345, H_TENANT: 450102}), body),
        "void headers": lambda: (_with(headers, **{H_ID: None, H_TENANT: None}), body),
        "list headers": lambda: (_with(headers, **{H_TYPE: [headers[H_TYPE]]}), body),
        "table header": lambda: (_with(headers, **{H_SPECVERSION: {"v": "1.0"}}), body),
        "float specversion": lambda: (_with(headers, **{H_SPECVERSION: 1.0}), body),
        "timestamp in the time header": lambda: (
            _with(headers, **{H_TIME: datetime(2026, 1, 1, tzinfo=UTC)}),
            body,
        ),
        "unknown version": lambda: (
            _with(headers, **{H_TYPE: headers[H_TYPE].rsplit(".v", 1)[0] + ".v99"}),
            body,
        ),
        "unknown type": lambda: (_with(headers, **{H_TYPE: "renda.nothing.happened.v1"}), body),
        "bad time header": lambda: (_with(headers, **{H_TIME: "yesterday"}), body),
        "time without offset": lambda: (_with(headers, **{H_TIME: "2026-07-01T09:30:00"}), body),
        "no headers at all": lambda: ({}, body),
        "missing id and time": lambda: (_without(headers, H_ID, H_TIME), body),
        "all required headers empty": lambda: (
            _with(headers, **dict.fromkeys(REQUIRED_HEADERS, "")),
            body,
        ),
    }
    return {name: make() for name, make in variants.items()}
