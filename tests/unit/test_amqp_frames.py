"""The relay's own `basic.publish` encoding writes exactly the bytes py-amqp writes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import amqp
import pytest
from amqp import spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps

from runtime.amqp_frames import PublishFrames
from runtime.bus import PERSISTENT

FRAME_MAX = 4096
HEADERS = {
    "cloudEvents_id": "3f1c3c4e-7d0a-4b8e-9c55-2b1f0c9e8a11",
    "cloudEvents_type": "renda.suggestion.submitted.v1",
    "cloudEvents_source": "/renda/intake",
    "cloudEvents_time": "2026-12-07T10:00:00+00:00",
    "cloudEvents_tenant": "450102",
}


def _py_amqp(routing_key: str, headers: dict[str, Any], body: bytes) -> bytes:
    """What `Channel.basic_publish` writes for the message the relay used to build."""
    written: list[bytes] = []
    connection = SimpleNamespace(frame_max=FRAME_MAX, bytes_sent=0)
    transport = SimpleNamespace(write=lambda data: written.append(bytes(data)))
    write = frame_writer(connection, transport)
    message = amqp.Message(
        body,
        content_type="application/json",
        content_encoding="utf-8",
        application_headers=headers,
        delivery_mode=PERSISTENT,
        message_id=headers.get("cloudEvents_id"),
    )
    args = dumps("Bssbb", (0, "renda.events", routing_key, False, False))
    write(1, 7, spec.Basic.Publish, args, message)
    return b"".join(written)


def _ours(routing_key: str, headers: dict[str, Any], body: bytes) -> bytes:
    frames = PublishFrames(
        7,
        "renda.events",
        FRAME_MAX,
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=PERSISTENT,
    )
    out: list[bytes] = []
    frames.encode(routing_key, headers, body, out)
    # Twice: what is encoded once and kept must not change the second message.
    again: list[bytes] = []
    frames.encode(routing_key, headers, body, again)
    assert again == out
    return b"".join(out)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (HEADERS, b'{"title":"\xe4\xbb\xa3\xe8\xa1\xa8\xe5\xbb\xba\xe8\xae\xae"}'),
        ({**HEADERS, "cloudEvents_subject": "代表建议"}, b"{}"),
        ({k: v for k, v in HEADERS.items() if k != "cloudEvents_id"}, b"{}"),
        (HEADERS, b""),
        (HEADERS, b"x" * (FRAME_MAX - 8)),  # one body frame, exactly full
        (HEADERS, b"y" * (3 * FRAME_MAX)),  # four body frames
        ({**HEADERS, "x-count": 3, "x-list": ["a", 1]}, b"{}"),  # not strings: py-amqp's way
    ],
    ids=["plain", "unicode-header", "no-id", "empty-body", "full-frame", "big", "not-strings"],
)
def test_frames_are_py_amqps(headers: dict[str, Any], body: bytes) -> None:
    assert _ours("suggestion.submitted", headers, body) == _py_amqp(
        "suggestion.submitted", headers, body
    )


def test_a_routing_key_too_long_for_amqp_is_refused() -> None:
    with pytest.raises(ValueError, match="short string"):
        _ours("k" * 256, HEADERS, b"{}")
