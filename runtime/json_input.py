"""What a request may carry, checked at the door before any view or database sees it.

JSON that Python parses is not yet JSON the services can keep: nesting 10,000 deep
overflows the parser's stack, a 5,000-digit number costs quadratic time (and Python refuses
it), and PostgreSQL cannot store a NUL character or a lone UTF-16 surrogate in text.
Each is refused here with a problem naming the field, so nothing half-accepted reaches
the outbox.

Text is also printed: on public pages, notices, boards and PDFs. A bidirectional control
can make a printed title read in another order, and an invisible character makes two
titles that look the same compare different; both are refused in every text of a body
(unprintable_reason).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from runtime.problems import DomainProblem

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects in a body; the deepest schema needs 3."""
MAX_NUMBER_CHARS = 40
"""Longest number literal: an int64 has 19 digits, a float's text fewer than 40."""
JSON_TYPE = "application/json"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
_UNPRINTABLE = re.compile(f"[{_BIDI_CONTROLS}{_ZERO_WIDTH}]")
_BIDI = re.compile(f"[{_BIDI_CONTROLS}]")
ZWJ = "\u200d"
_EMOJI_MODIFIERS = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def unstorable_reason(text: str) -> str | None:
    """Why PostgreSQL (and any UTF-8 store) cannot keep this text, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored"
    return "contains a lone UTF-16 surrogate, which is not a character and cannot be stored"


def unprintable_reason(text: str) -> str | None:
    """Why this text may not be printed as it is, or None: a bidirectional control
    (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) or an invisible character
    (U+200B-U+200D, U+2060, U+FEFF).

    Refused in every text, one line or many: the platform's text is Chinese, which needs
    no direction marks, and a mark inside a paragraph reorders it as surely as inside a
    title. The one exception is the zero-width joiner between two emoji, where it is
    visible: it makes one emoji of a sequence (a family, a profession, a flag).
    """
    for found in _UNPRINTABLE.finditer(text):
        char, at = found.group(), found.start()
        if char == ZWJ and _joins_emoji(text, at):
            continue
        name = f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed').lower()})"
        if _BIDI.match(char):
            return (
                f"contains {name} at character {at + 1}, a bidirectional control that can "
                "make printed text read in another order"
            )
        return (
            f"contains {name} at character {at + 1}, an invisible character that makes "
            "text look like other text"
        )
    return None


def _joins_emoji(text: str, at: int) -> bool:
    """A ZWJ with an emoji (with its variation selector or skin tone) before and after."""
    if at == 0 or at + 1 >= len(text):
        return False
    before, after = text[at - 1], text[at + 1]
    return (
        unicodedata.category(before) == "So" or _EMOJI_MODIFIERS.match(before) is not None
    ) and unicodedata.category(after) == "So"


def text_reason(text: str) -> str | None:
    """Why this text of a body cannot be kept, or printed, as it is; or None."""
    return unstorable_reason(text) or unprintable_reason(text)


def refuse_unstorable(
    values: Iterable[tuple[str, object]], what: str, printed: bool = False
) -> None:
    """Refuse the first named text (query parameter, path segment, header) that cannot be
    kept, e.g. a NUL in `?tenant=`, before it reaches a query; with `printed` (a form's
    fields), also one that cannot be printed as it is. A value the URL converter already
    made a number is no text."""
    check = text_reason if printed else unstorable_reason
    for name, value in values:
        reason = check(name) or (check(value) if isinstance(value, str) else None)
        if reason:
            raise DomainProblem(
                422, "Invalid request", f"The {what} {name} {reason}.", name, reason
            )


def parse_body(data: bytes, content_type: str | None) -> Any:
    """The JSON document of a write's body, or a problem naming `body` or the bad field."""
    if not data.strip():
        raise DomainProblem(422, "Invalid request", "A JSON body is required.", "body")
    if content_type != JSON_TYPE:
        raise DomainProblem(
            415,
            "Unsupported Media Type",
            f"Send the body as JSON with Content-Type: {JSON_TYPE} "
            f"(got {content_type or 'no Content-Type'}).",
            "Content-Type",
        )
    try:
        document = json.loads(
            data.decode("utf-8"),
            parse_int=_integer,
            parse_float=_number,
            parse_constant=_not_json,
        )
    except UnicodeDecodeError as exc:
        raise _malformed(f"The body is not UTF-8 (byte {exc.start}).") from exc
    except RecursionError as exc:
        raise _malformed(f"The body is nested deeper than {MAX_DEPTH} levels.") from exc
    except json.JSONDecodeError as exc:
        raise _malformed(f"The body is not JSON: {exc.msg} (char {exc.pos}).") from exc
    except ValueError as exc:
        raise _malformed(f"The body is not acceptable JSON: {exc}.") from exc
    check_document(document)
    return document


def check_document(document: Any) -> None:
    """Walk the parsed body: too deep is malformed (400); text that cannot be stored or
    printed as it is is a field error (422) naming its dotted path, e.g.
    `attachments.0.name`."""
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise _malformed(f"The body is nested deeper than {MAX_DEPTH} levels.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and (reason := text_reason(key)):
                    raise _field_problem(name, f"its name {reason}")
                stack.append((item, name, depth + 1))
        elif isinstance(value, str) and (reason := text_reason(value)):
            raise _field_problem(path or "body", reason)


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number literal of {len(text)} characters is too long")
    return int(text)


def _number(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number literal of {len(text)} characters is too long")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _malformed(detail: str) -> DomainProblem:
    return DomainProblem(400, "Malformed request body", detail, "body")


def _field_problem(field: str, reason: str) -> DomainProblem:
    return DomainProblem(422, "Invalid request", f"{field} {reason}.", field, reason)
