"""The decoder on whatever bytes a sender puts on the bus: InvalidEvent, and nothing else."""

from __future__ import annotations

import zlib
from typing import Any

import pytest
from kombu import Message

from contracts import REGISTRY, InvalidEvent, decode
from contracts.envelope import H_TYPE, event_type_label
from contracts.events.submission import submission_of
from runtime.bus import refuse_compressed_messages
from runtime.failpoints import FailpointError, FailpointExit, _armed
from services.intake.domain.receipts import Status, can_settle, failure_reason
from tests.support.hostile import CONSUMED_BY, hostile_messages, valid_message

CASES = [
    pytest.param(type_string, name, message, id=f"{type_string}: {name}")
    for type_string in CONSUMED_BY.values()
    for name, message in hostile_messages(*valid_message(type_string)).items()
]


@pytest.mark.parametrize(("type_string", "name", "message"), CASES)
def test_a_hostile_message_is_an_invalid_event_with_a_short_reason(
    type_string: str, name: str, message: tuple[dict[str, Any], bytes]
) -> None:
    headers, body = message
    for as_received in (body, body.decode(errors="surrogateescape")):
        with pytest.raises(InvalidEvent) as refused:
            decode(headers, as_received, REGISTRY)
        reason = str(refused.value)
        # Short, so a log line stays a line; never the body's contents.
        assert 0 < len(reason) <= 300
        assert "xxxxxxxx" not in reason and "cccccccc" not in reason


@pytest.mark.parametrize("type_string", CONSUMED_BY.values())
def test_the_valid_message_the_hostile_ones_are_made_from_decodes(type_string: str) -> None:
    assert decode(*valid_message(type_string), REGISTRY).type == type_string


def test_a_body_the_client_decoded_to_text_decodes_too() -> None:
    headers, body = valid_message("renda.suggestion.accepted.v1")
    assert decode(headers, body.decode(), REGISTRY).type == "renda.suggestion.accepted.v1"


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ("not a dict", b"{}"),
        (None, None),
        ({H_TYPE: "renda.suggestion.accepted.v1"}, 12),
        ([("cloudEvents_id", "x")], b"{}"),
    ],
)
def test_decode_takes_headers_and_bodies_of_any_python_type(headers: Any, body: Any) -> None:
    with pytest.raises(InvalidEvent):
        decode(headers, body, REGISTRY)


@pytest.mark.parametrize(
    ("headers", "label"),
    [
        ({H_TYPE: "renda.suggestion.accepted.v1"}, "renda.suggestion.accepted.v1"),
        ({H_TYPE: "renda.suggestion.accepted.v99"}, "unknown"),
        ({H_TYPE: b"renda.suggestion.accepted.v1"}, "unknown"),
        ({H_TYPE: ["renda.suggestion.accepted.v1"]}, "unknown"),
        ({H_TYPE: "x" * 10_000}, "unknown"),
        ({}, "unknown"),
        (None, "unknown"),
    ],
)
def test_the_type_label_of_a_metric_is_a_registered_type_or_unknown(
    headers: Any, label: str
) -> None:
    assert event_type_label(headers, REGISTRY) == label


# -- which dead letters settle a receipt -------------------------------------------------


def test_an_event_carrying_a_submission_names_it() -> None:
    assert submission_of("suggestion.submitted", {"submission_id": "s-1"}) == "s-1"
    assert submission_of("suggestion.action_requested", {"submission_id": "s-2"}) == "s-2"


def test_an_outcome_or_an_event_without_a_submission_names_none() -> None:
    assert submission_of("submission.accepted", {"submission_id": "s-1"}) is None
    assert submission_of("submission.failed", {"submission_id": "s-1"}) is None
    assert submission_of("suggestion.assigned", {"suggestion_id": "g-1"}) is None


@pytest.mark.parametrize("hostile", ["s" * 37, "", "s-\x00", "s-\ud800", 12, None, ["s-1"]])
def test_an_id_no_receipt_can_have_names_no_submission(hostile: object) -> None:
    assert submission_of("suggestion.submitted", {"submission_id": hostile}) is None


@pytest.mark.parametrize(
    ("status", "settles"),
    [
        (Status.PENDING, True),
        (Status.FAILED, True),
        (Status.ACCEPTED, False),
        (Status.REJECTED, False),
    ],
)
def test_a_failed_receipt_still_takes_an_outcome_an_accepted_or_rejected_one_not(
    status: Status, settles: bool
) -> None:
    assert can_settle(status) is settles


def test_a_failed_receipt_says_what_failed_and_what_happens_next() -> None:
    reason = failure_reason("workflow", "e-1", "renda.suggestion.submitted.v2")
    assert "workflow" in reason and "e-1" in reason and "replayed" in reason


# -- failpoints ---------------------------------------------------------------------------


def test_failpoints_are_named_with_an_optional_mode() -> None:
    assert _armed("consumer.after_commit, consumer.on_message=die,,x=raise") == {
        "consumer.after_commit": "kill",
        "consumer.on_message": "die",
        "x": "raise",
    }


def test_a_die_failpoint_is_no_exception_and_a_raise_failpoint_is_one() -> None:
    assert not issubclass(FailpointExit, Exception)
    assert issubclass(FailpointError, Exception)


def test_a_consumer_refuses_to_inflate_a_compressed_message() -> None:
    """kombu would inflate it, without bound, before any of renda's code runs."""
    refuse_compressed_messages()
    bomb = zlib.compress(b"\0" * 1024 * 1024)
    message = Message(body=bomb, headers={"compression": "application/x-gzip"})
    assert message.errors
    assert message.body == bomb
