"""`renda contacts` and `renda deliveries`, as an operator types them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from runtime.config import Settings
from runtime.db import Database
from services.notify.store import Contact, Delivery
from tests.cli.test_cli import env, fails, run  # noqa: F401 - env: the fixture, used below

pytestmark = pytest.mark.usefixtures("env")


def _delivery(status: str = "dead", finished_at: datetime | None = None) -> int:
    db = Database(Settings.from_env().database_url_for("notify"))
    now = datetime.now(UTC)
    unique = uuid.uuid4().hex
    with db.transaction() as session:
        delivery = Delivery(
            message_id=unique,
            event_id=unique,
            event_type="suggestion.assigned",
            event_time=now,
            tenant="450102",
            recipient="unit:U1",
            channel="email",
            address="u1@example.cn",
            kind="assignment.new",
            subject="s",
            body="b",
            urgent=False,
            fallback=[],
            status=status,
            attempts=8,
            next_attempt_at=now,
            last_error="SMTP 451",
            created_at=now,
            finished_at=finished_at or now,
        )
        session.add(delivery)
        session.flush()
        return delivery.id


def test_contacts_set_and_a_bad_recipient() -> None:
    assert "unit:U1" in run("contacts", "set", "unit:U1", "--email", "u1@example.cn")
    db = Database(Settings.from_env().database_url_for("notify"))
    with db.session() as session:
        assert session.get(Contact, "unit:U1").email == "u1@example.cn"
    assert "RECIPIENT is unit:<id>" in fails("contacts", "set", "someone", "--email", "x@y.cn")


def test_dead_deliveries_are_listed_and_replayed() -> None:
    delivery_id = _delivery()
    listed = run("deliveries", "list", "--status", "dead")
    assert f"{delivery_id}\tdead\temail\tunit:U1" in listed and "SMTP 451" in listed
    assert "give delivery ids" in fails("deliveries", "replay")
    assert run("deliveries", "replay", "--all-dead").startswith("replayed 1")
    assert run("deliveries", "list", "--status", "dead") == ""
    assert f"{delivery_id}\tpending" in run("deliveries", "list")


def test_finished_deliveries_are_forgotten_after_the_retention() -> None:
    old = _delivery("delivered", datetime.now(UTC) - timedelta(days=91))
    recent = _delivery("delivered", datetime.now(UTC) - timedelta(days=89))
    assert "notify.prune_deliveries: ran" in run("tick", "notify")
    ids = [line.split("\t")[0] for line in run("deliveries", "list").splitlines()]
    assert str(recent) in ids and str(old) not in ids
