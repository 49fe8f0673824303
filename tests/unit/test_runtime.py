"""Runtime rules that need no running system: problem details, tenancy, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runtime.config import Settings
from runtime.db import Database, once_per_transaction
from runtime.directory.model import Principal, node_path
from runtime.problems import field_errors

# -- field errors ------------------------------------------------------------------------


def test_field_errors_names_each_field_once_per_reason() -> None:
    messages = {
        "title": ["Missing data for required field."],
        "category": ["Must be one of: education.", "Another reason."],
    }
    assert field_errors(messages) == [
        {"field": "title", "reason": "Missing data for required field."},
        {"field": "category", "reason": "Must be one of: education."},
        {"field": "category", "reason": "Another reason."},
    ]


def test_field_errors_dots_nested_names_and_list_indexes() -> None:
    messages = {
        "cosigner_ids": {1: ["Not a valid string."]},
        "address": {"city": {"code": ["Too long."]}},
    }
    assert field_errors(messages) == [
        {"field": "cosigner_ids.1", "reason": "Not a valid string."},
        {"field": "address.city.code", "reason": "Too long."},
    ]


def test_field_errors_takes_a_single_message_string() -> None:
    assert field_errors({"title": "Bad."}) == [{"field": "title", "reason": "Bad."}]


def test_field_errors_of_a_bare_list_name_the_body_or_the_prefix() -> None:
    assert field_errors(["Invalid input type."]) == [
        {"field": "body", "reason": "Invalid input type."}
    ]
    assert field_errors(["Bad."], "cosigner_ids") == [{"field": "cosigner_ids", "reason": "Bad."}]
    assert field_errors({"code": ["Bad."]}, "address") == [
        {"field": "address.code", "reason": "Bad."}
    ]


def test_field_errors_of_nothing_is_empty() -> None:
    assert field_errors({}) == []
    assert field_errors([]) == []


# -- tenancy -----------------------------------------------------------------------------

CITY = "/450100/"
XINGNING = "/450100/450102/"


def county_key(role: str = "system") -> Principal:
    return Principal("k1", "450102", XINGNING, role)


def test_node_paths_are_materialised_with_a_trailing_slash() -> None:
    assert node_path(None, "450100") == CITY
    assert node_path(CITY, "450102") == XINGNING
    assert node_path(XINGNING, "450102001") == "/450100/450102/450102001/"


@pytest.mark.parametrize(
    ("path", "visible"),
    [
        (XINGNING, True),  # itself
        ("/450100/450102/450102001/", True),  # a township below
        ("/450100/450102/450102001/450102001-S1/", True),  # a station below that
        ("/450100/450103/", False),  # the county beside it
        ("/450100/450103/450103001/", False),
        (CITY, False),  # the city above
        ("/450100/4501021/", False),  # an id that merely starts with its own
        ("/450102/", False),
        ("", False),
    ],
)
def test_a_county_key_sees_its_node_and_below_nothing_beside(path: str, visible: bool) -> None:
    assert county_key().can_see(path) is visible


def test_the_city_key_sees_every_county() -> None:
    city = Principal("k2", "450100", CITY, "reader")
    for path in (CITY, XINGNING, "/450100/450181/", "/450100/450103/450103100/"):
        assert city.can_see(path)
    assert not city.can_see("/450200/")


@pytest.mark.parametrize(
    ("role", "can_write"),
    [("system", True), ("committee", True), ("reader", False), ("unit", False), ("deputy", False)],
)
def test_only_systems_and_committees_write(role: str, can_write: bool) -> None:
    assert county_key(role).can_write is can_write


# -- settings ----------------------------------------------------------------------------


def test_settings_defaults_are_the_standalone_mode(tmp_path: Path) -> None:
    settings = Settings.from_env({"RENDA_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/{{service}}.db"
    assert settings.database_url_for("intake") == f"sqlite:///{tmp_path.resolve()}/intake.db"
    assert settings.broker_url == "memory://localhost/"
    assert settings.in_process_bus is True
    assert settings.bus_prefix == "renda"
    assert (settings.port, settings.worker_port) == (8000, 9000)
    assert settings.log_level == "INFO"
    assert settings.max_request_bytes == 1024 * 1024
    assert settings.retry_delays == (1.0, 5.0, 30.0)
    assert settings.max_attempts == 5
    assert settings.key_cache_seconds == 30.0
    assert settings.var_dir == tmp_path


def test_settings_read_every_variable() -> None:
    settings = Settings.from_env(
        {
            "RENDA_DATABASE_URL": "postgresql+psycopg://renda@db:5432/renda_{service}",
            "RENDA_BROKER_URL": "amqp://renda:secret@rabbit:5672/renda",
            "RENDA_BUS_PREFIX": "city",
            "PORT": "8080",
            "RENDA_WORKER_PORT": "9100",
            "RENDA_LOG_LEVEL": "debug",
            "RENDA_MAX_REQUEST_BYTES": "2048",
            "RENDA_OUTBOX_POLL_SECONDS": "0.5",
            "RENDA_RETRY_DELAYS": "0.5, 2,,10",
            "RENDA_MAX_ATTEMPTS": "7",
            "RENDA_DELIVERY_LIMIT": "3",
            "RENDA_PREFETCH": "50",
            "RENDA_VAR_DIR": "/srv/renda",
            "RENDA_KEY_CACHE_SECONDS": "0",
        }
    )
    assert settings.database_url_for("workflow") == (
        "postgresql+psycopg://renda@db:5432/renda_workflow"
    )
    assert settings.in_process_bus is False
    assert settings.bus_prefix == "city"
    assert (settings.port, settings.worker_port) == (8080, 9100)
    assert settings.log_level == "DEBUG"
    assert settings.max_request_bytes == 2048
    assert settings.outbox_poll_seconds == 0.5
    assert settings.retry_delays == (0.5, 2.0, 10.0)
    assert (settings.max_attempts, settings.delivery_limit, settings.prefetch) == (7, 3, 50)
    assert settings.var_dir == Path("/srv/renda")
    assert settings.key_cache_seconds == 0.0


def test_overrides_win_over_the_environment() -> None:
    settings = Settings.from_env(
        {"PORT": "8080", "RENDA_BUS_PREFIX": "env"}, port=1, bus_prefix="x"
    )
    assert (settings.port, settings.bus_prefix) == (1, "x")


def test_settings_read_the_process_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RENDA_BUS_PREFIX", "from-os")
    monkeypatch.setenv("RENDA_MAX_ATTEMPTS", "9")
    settings = Settings.from_env()
    assert (settings.bus_prefix, settings.max_attempts) == ("from-os", 9)


def test_a_url_without_a_service_placeholder_is_shared() -> None:
    settings = Settings.from_env({"RENDA_DATABASE_URL": "postgresql://renda@db/renda"})
    assert {settings.database_url_for(s) for s in ("intake", "notify", "directory")} == {
        "postgresql://renda@db/renda"
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORT", "eighty"), ("RENDA_RETRY_DELAYS", "1,soon"), ("RENDA_MAX_ATTEMPTS", "2.5")],
)
def test_a_malformed_number_is_refused_at_start(name: str, value: str) -> None:
    with pytest.raises(ValueError):
        Settings.from_env({name: value})


def test_an_empty_retry_delay_list_is_refused_at_start() -> None:
    with pytest.raises(ValueError):
        Settings.from_env({"RENDA_RETRY_DELAYS": " , "})


def test_x_forwarded_for_is_believed_only_from_the_configured_proxies() -> None:
    """Per-address limits (ADR 0011): behind an ingress the client's address is the one the
    proxy saw; from anywhere else the header is the client's own claim and is ignored."""
    from flask import Flask, request
    from werkzeug.test import Client

    from runtime.http import TrustedProxies

    app = Flask("proxied")
    app.add_url_rule("/", "who", lambda: request.remote_addr or "")
    app.wsgi_app = TrustedProxies(app.wsgi_app, ("10.0.0.0/8",), 1)  # type: ignore[method-assign]
    client = Client(app)

    def seen(peer: str, forwarded: str) -> str:
        answer = client.get(
            "/", headers={"X-Forwarded-For": forwarded}, environ_overrides={"REMOTE_ADDR": peer}
        )
        return answer.get_data(as_text=True)

    assert seen("10.1.2.3", "203.0.113.9") == "203.0.113.9"
    # One hop trusted: a client's own X-Forwarded-For before the ingress's entry is not.
    assert seen("10.1.2.3", "198.51.100.1, 203.0.113.9") == "203.0.113.9"
    assert seen("203.0.113.50", "198.51.100.1") == "203.0.113.50"
    with pytest.raises(ValueError, match="RENDA_TRUSTED_PROXIES"):
        TrustedProxies(app.wsgi_app, ("not-a-network",), 1)


# -- configuration read once per transaction ------------------------------------------------


def test_once_per_transaction_reads_again_in_the_next_transaction() -> None:
    """A batch's events share one read; what is committed meanwhile is seen by the next
    batch (a savepoint's end is not the transaction's)."""
    db = Database("sqlite://")
    reads: list[int] = []

    def read() -> int:
        reads.append(len(reads))
        return len(reads)

    with db.transaction() as session:
        assert once_per_transaction(session, (), "policy", read) == 1
        with session.begin_nested():
            assert once_per_transaction(session, (), "policy", read) == 1
        assert once_per_transaction(session, (), "policy", read) == 1
        assert once_per_transaction(session, (), "topics", read) == 2
    with db.transaction() as session:
        assert once_per_transaction(session, (), "policy", read) == 3
    db.dispose()


def test_once_per_transaction_reads_again_after_the_transaction_writes_what_it_read() -> None:
    """Pending or flushed, a write of the table read in the same transaction is seen."""

    class Base(DeclarativeBase):
        pass

    class Rule(Base):
        __tablename__ = "rules"
        name: Mapped[str] = mapped_column(String(8), primary_key=True)
        value: Mapped[str] = mapped_column(String(8))

    db = Database("sqlite://")
    Base.metadata.create_all(db.engine)
    with db.transaction() as session:

        def rules() -> dict[str, str]:
            def read() -> dict[str, str]:
                return {r.name: r.value for r in session.scalars(select(Rule))}

            return once_per_transaction(session, (Rule,), None, read)

        assert rules() == {}
        session.add(Rule(name="a", value="1"))
        assert rules() == {"a": "1"}  # pending: read again (the read flushes it)
        session.get(Rule, "a").value = "2"  # type: ignore[union-attr]
        session.flush()
        assert rules() == {"a": "2"}  # flushed since the last read: forgotten at the flush
    db.dispose()
