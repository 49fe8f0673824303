"""Notify has a handler, and words, for every event it subscribes to."""

from __future__ import annotations

import pytest

from contracts import REGISTRY, Event
from contracts.topology import SUBSCRIPTIONS
from services.notify.handlers import COMPOSERS, HANDLERS
from tests.unit.test_contracts import sample


@pytest.mark.parametrize("name", sorted(COMPOSERS))
def test_every_subscribed_event_composes_messages(name: str) -> None:
    event_type = REGISTRY.latest(name)
    data = event_type.from_json(event_type.to_json(sample(event_type)))
    event = Event(name, event_type.version, data, "450102", "/renda/workflow", "c")
    messages = COMPOSERS[name](event.data)
    for message in messages:
        kind = message.recipient.split(":")[0]
        assert kind in ("unit", "deputy", "committee", "directors", "constituent")
        assert (kind == "constituent") == (message.phone is not None)
        assert message.subject


def test_the_routing_table_is_exactly_the_subscriptions() -> None:
    # Every event is composed into messages, but for those that issue a formal notice.
    assert set(HANDLERS) == set(SUBSCRIPTIONS["notify"])
    assert set(HANDLERS) - set(COMPOSERS) == {"duty_report.issued", "review.opinion_issued"}
