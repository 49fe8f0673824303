"""AMQP 0-9-1 `basic.publish` frames for the relay's messages, encoded without py-amqp.

py-amqp serialises each message through generic code (an `amqp.Message`, a format string
per property, a BytesIO per header table, a call per table item): ~40 µs of CPU per event,
most of the relay's. The relay's messages all have one shape (JSON body, persistent, the
CloudEvents headers as strings, the event id as message id), so what is the same for
every message is encoded once, and per message only the headers, the body and the lengths.
The bytes are py-amqp's own, frame for frame (`tests/unit/test_amqp_frames.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from struct import Struct
from typing import Any

from amqp.serialization import dumps

BASIC_CLASS = 60
PUBLISH_METHOD = 40
FRAME_END = b"\xce"
_METHOD, _HEADER, _BODY = 1, 2, 3
_FRAME_HEAD = Struct(">BHI")
_CONTENT_HEAD = Struct(">BHIHHQH")
"""A content header frame's head: frame type, channel, size; class, weight, body size and
the property flags."""
_LONG = Struct(">I")
_HEADER_FIXED = 14
"""Class, weight, body size and flags: the bytes of a content header before its properties."""

# Property flags, in the order AMQP's Basic class lists them: content-type,
# content-encoding, headers, delivery-mode (all always set), message-id (when known).
_ALWAYS = 0x8000 | 0x4000 | 0x2000 | 0x1000
_MESSAGE_ID = 0x0080


def shortstr(text: str) -> bytes:
    data = text.encode()
    if len(data) > 255:
        raise ValueError(f"{text[:40]!r}… is longer than an AMQP short string (255 bytes)")
    return bytes((len(data),)) + data


class PublishFrames:
    """Encodes `basic.publish` of (routing key, headers, body) messages to one exchange on
    one channel: the method frame, the content header and the body frames of each."""

    def __init__(
        self,
        channel_id: int,
        exchange: str,
        frame_max: int,
        *,
        content_type: str,
        content_encoding: str,
        delivery_mode: int,
    ) -> None:
        self.channel_id = channel_id
        self.exchange = shortstr(exchange)
        self.body_chunk = frame_max - 8
        self.properties_head = shortstr(content_type) + shortstr(content_encoding)
        self.delivery_mode = bytes((delivery_mode,))
        self._methods: dict[str, bytes] = {}
        self._keys: dict[str, bytes] = {}

    def _method(self, routing_key: str) -> bytes:
        """The whole method frame: it depends on the routing key only."""
        frame = self._methods.get(routing_key)
        if frame is None:
            # reserved-1 (short), exchange, routing key, mandatory and immediate (bits: 0).
            payload = (
                Struct(">HHH").pack(BASIC_CLASS, PUBLISH_METHOD, 0)
                + self.exchange
                + shortstr(routing_key)
                + b"\x00"
            )
            frame = _FRAME_HEAD.pack(_METHOD, self.channel_id, len(payload)) + payload + FRAME_END
            self._methods[routing_key] = frame
        return frame

    def _table(self, headers: Mapping[str, Any]) -> bytes:
        """The headers as an AMQP field table (its length first). The relay's are strings
        ('S', long string); anything else goes through py-amqp's serialiser."""
        parts = []
        keys = self._keys
        pack_long = _LONG.pack
        for key, value in headers.items():
            if not isinstance(value, str):
                return dumps("F", [headers])
            prefix = keys.get(key)
            if prefix is None:
                prefix = keys[key] = shortstr(key) + b"S"
            data = value.encode("utf-8", "surrogatepass")
            parts += (prefix, pack_long(len(data)), data)
        table = b"".join(parts)
        return pack_long(len(table)) + table

    def encode(
        self, routing_key: str, headers: Mapping[str, Any], body: bytes, out: list[bytes]
    ) -> None:
        """Append the message's frames to `out` (to be written with the rest of the batch)."""
        message_id = headers.get("cloudEvents_id")
        properties = [self.properties_head, self._table(headers), self.delivery_mode]
        flags = _ALWAYS
        if message_id is not None:
            flags |= _MESSAGE_ID
            properties.append(shortstr(message_id))
        content = b"".join(properties)
        channel = self.channel_id
        out += (
            self._method(routing_key),
            _CONTENT_HEAD.pack(
                _HEADER,
                channel,
                _HEADER_FIXED + len(content),
                BASIC_CLASS,
                0,
                len(body),
                flags,
            ),
            content,
            FRAME_END,
        )
        chunk = self.body_chunk
        for start in range(0, len(body), chunk):
            part = body[start : start + chunk]
            out += (_FRAME_HEAD.pack(_BODY, channel, len(part)), part, FRAME_END)
