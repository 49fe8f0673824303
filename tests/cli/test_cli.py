"""The operator's commands, as an operator types them."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import MetaData

from renda.cli import main
from renda.registry import migrations_dir
from runtime.config import DIRECTORY, SERVICES, Settings
from runtime.db import Database
from runtime.directory.store import Base as DirectoryBase
from tests.support.s3 import s3_server


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"RENDA_VAR_DIR": str(tmp_path / "var"), "RENDA_BUS_PREFIX": "cli"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0, result.output
    return values


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code != 0
    return result.output


def test_tenant_tree_keys_and_people(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    out = run(
        "node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100"
    )
    assert "/450100/450102/" in out
    assert "cannot sit under" in fails(
        "node", "create", "450102001", "--kind", "station", "--name", "x", "--parent", "450102"
    )
    run("people", "add-unit", "U1", "--node", "450102", "--name", "教育局")
    run("people", "add-deputy", "D1", "--node", "450102", "--name", "王伟", "--level", "county")
    assert "added member M1" in run(
        "people", "add-member", "M1", "--node", "450102", "--name", "李四", "--body", "committee"
    )
    assert "is a deputy's id" in fails(
        "people", "add-member", "D1", "--node", "450102", "--name", "x", "--body", "committee"
    )
    assert "is a committee member's id" in fails(
        "people", "add-deputy", "M1", "--node", "450102", "--name", "x", "--level", "county"
    )
    assert "Invalid value" in fails(
        "people", "add-member", "M2", "--node", "450102", "--name", "x", "--body", "chair"
    )
    assert "member M1 exists" in fails(
        "people", "add-member", "M1", "--node", "450102", "--name", "x", "--body", "committee"
    )
    assert "deputy D1 exists" in fails(
        "people", "add-deputy", "D1", "--node", "450102", "--name", "x", "--level", "county"
    )
    assert "no node 459999" in fails(
        "people", "add-member", "M3", "--node", "459999", "--name", "x", "--body", "committee"
    )
    key = run("key", "create", "--node", "450102", "--role", "unit", "--subject", "U1").strip()
    assert key.startswith("renda_")
    assert "no unit" in fails(
        "key", "create", "--node", "450102", "--role", "unit", "--subject", "U9"
    )
    key_id = key.split("_")[1]
    assert f"revoked {key_id}" in run("key", "revoke", key_id)
    from runtime.clock import SystemClock
    from runtime.context import build_directory

    directory = build_directory(Settings.from_env(), SystemClock())
    assert directory.authenticate(key) is None
    assert directory.member("M1").name == "李四"  # type: ignore[union-attr]
    assert directory.member("D1") is None and directory.deputy("M1") is None


def test_routing_policy_topics_and_tick(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    run("node", "create", "450103", "--kind", "county", "--name", "青秀区", "--parent", "450100")
    run("people", "add-unit", "U1", "--node", "450102", "--name", "教育局")
    run("people", "add-unit", "U2", "--node", "450103", "--name", "教育局")
    assert "education → U1" in run(
        "route", "--tenant", "450102", "--category", "education", "--lead", "U1"
    )
    assert "not a handling unit of 450102" in fails(
        "route", "--tenant", "450102", "--category", "health", "--lead", "U2"
    )
    out = run(
        "policy", "--tenant", "450102", "--set", "urgent_working_days=10", "--set", "auto_accept=no"
    )
    assert "urgent_working_days = 10" in out and "auto_accept = False" in out
    assert "regular_months = 3" in out
    assert "no policy setting" in fails("policy", "--tenant", "450102", "--set", "months=2")
    assert "1 negative" in run("topics", "--tenant", "450102", "--negative", "诉讼")
    out = run("tick", "workflow")
    assert "workflow.deadline_colours: ran" in out


def test_a_congress_sets_its_vote_rules(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    out = run(
        "vote-rules",
        "--tenant",
        "450102",
        "--set",
        "threshold_base=present",
        "--set",
        "tie_at_last_seat=none",
        "--set",
        "tracker=yes",
    )
    assert "threshold_base = present" in out and "tie_at_last_seat = none" in out
    assert "tracker = True" in out and "quorum_numerator = 2" in out
    assert "threshold_base = present" in run("vote-rules", "--tenant", "450102")
    assert "threshold_base is one of" in fails(
        "vote-rules", "--tenant", "450102", "--set", "threshold_base=everyone"
    )
    assert "no vote rule" in fails("vote-rules", "--tenant", "450102", "--set", "seats=3")
    assert "whole number" in fails(
        "vote-rules", "--tenant", "450102", "--set", "quorum_numerator=two"
    )
    assert "no congress 999999" in fails("vote-rules", "--tenant", "999999")


def test_migrations_match_the_models(tmp_path: Path) -> None:
    """A model change without its migration fails here, before it fails a deployment."""
    from renda.registry import spec
    from runtime.migrations import upgrade

    for database in (DIRECTORY, *SERVICES):
        url = f"sqlite:///{tmp_path}/{database}.db"
        upgrade(migrations_dir(database), url)
        metadata: MetaData = (
            DirectoryBase.metadata if database == DIRECTORY else spec(database).metadata
        )
        db = Database(url)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        db.dispose()
        assert diff == [], f"{database}: models and migrations differ: {diff}"


def test_a_separate_service_process_refuses_the_in_process_bus(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["worker", "intake"])
    assert result.exit_code != 0
    assert "RENDA_BROKER_URL is not set" in str(result.exception) + result.output


def test_tenant_settings_are_checked(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    assert "write name=value" in fails("policy", "--tenant", "450102", "--set", "regular_months")
    assert "true or false" in fails("policy", "--tenant", "450102", "--set", "auto_accept=ture")
    assert "at least 1" in fails("policy", "--tenant", "450102", "--set", "regular_months=-2")
    assert "no congress 450199" in fails("policy", "--tenant", "450199")
    assert "suggestion = 3 points" in run(
        "points-rule", "--tenant", "450102", "--activity", "suggestion", "--points", "3"
    )
    run("topics", "--tenant", "450102", "--negative", "诉讼", "--positive", "民生")
    out = run("topics", "--tenant", "450102", "--negative-category", "other")
    assert "1 negative categories" in out
    from services.workflow.suggestions.store import TopicListEntry

    db = Database(Settings.from_env().database_url_for("workflow"))
    with db.session() as session:
        kept = {(e.polarity, e.keyword) for e in session.query(TopicListEntry)}
    db.dispose()
    # Giving one list leaves the others as they were.
    assert kept == {("negative", "诉讼"), ("positive", "民生"), ("category", "other")}


def test_a_seeded_term_leaves_numbering_to_go_on_after_it(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from renda.term import seed_term
    from runtime.clock import FixedClock
    from tests.support.system import start_in_process

    system = start_in_process(tmp_path / "var", clock=FixedClock(datetime(2026, 5, 1, tzinfo=UTC)))
    try:
        rows = seed_term(system.runtime("workflow").db, per_tenant_year=3)
        assert len(rows) == 12 * 2 * 3
        answer = system.file()
        receipt = system.settled_receipt(answer.get_json()["id"])
        assert receipt["status"] == "accepted"
        assert receipt["resource"]["number"] == "450102-2026-0004"
    finally:
        system.stop()


CALENDAR_2026 = Path(__file__).resolve().parents[2] / "deploy" / "calendars" / "cn-2026.json"


def test_an_official_schedule_is_loaded_shown_and_removed(env: dict[str, str]) -> None:
    from renda.processes import runtimes_for
    from services.workflow import working_days

    assert "2026: no official schedule; deadlines are rule-based" in run("holidays", "show", "2026")
    out = run("holidays", "load", "2026", "--file", str(CALENDAR_2026))
    assert "loaded 2026: 33 holidays, 6 make-up working days" in out
    shown = run("holidays", "show", "2026")
    assert "2026: official, from 国务院办公厅关于2026年部分节假日安排的通知" in shown
    assert "2026-02-15 Sun  holiday  春节" in shown
    assert "2026-10-10 Sat  working  国庆节调休" in shown
    # A workflow process reads it from the directory: 2026 is official, 2027 is not.
    runtimes_for(["workflow"], Settings.from_env())
    assert working_days.basis(2026) == "official"
    assert working_days.basis(2027) == "rule-based"
    assert "removed 2026" in run("holidays", "remove", "2026")
    assert "no official schedule for 2026" in fails("holidays", "remove", "2026")
    assert "no official schedule" in run("holidays", "show", "2026")


def test_a_wrong_schedule_stores_nothing(env: dict[str, str], tmp_path: Path) -> None:
    run("holidays", "load", "2026", "--file", str(CALENDAR_2026))
    wrong = tmp_path / "cn-2026.csv"
    wrong.write_text("date,kind,name\n2026-01-01,holiday,元旦\n2026-01-01,working,调休\n")
    out = fails("holidays", "load", "2026", "--file", str(wrong))
    assert "cn-2026.csv line 3: 2026-01-01 is given twice" in out
    assert "nothing was loaded" in out
    # The schedule loaded before is whole and unchanged.
    assert "2026-10-10 Sat  working  国庆节调休" in run("holidays", "show", "2026")
    assert "the file is for 2026, not 2027" in fails(
        "holidays", "load", "2027", "--file", str(CALENDAR_2026)
    )
    assert "2027: no official schedule" in run("holidays", "show", "2027")


def test_the_demo_clock_moves_and_resets(env: dict[str, str]) -> None:
    assert "(the system time)" in run("clock", "show")
    assert "(20d ahead)" in run("clock", "advance", "20d")
    assert "(20d6h ahead)" in run("clock", "advance", "6h")
    assert "(20d6h ahead)" in run("clock", "show")
    assert "write a duration like 20d" in fails("clock", "advance", "3 weeks")
    assert "write a duration like 20d" in fails("clock", "advance", "soon")
    assert "(the system time)" in run("clock", "reset")
    assert not (Path(env["RENDA_VAR_DIR"]) / "clock.json").exists()


def test_the_demo_clock_is_refused_in_production_and_beside_a_broker(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RENDA_ENV", "production")
    assert "refused in production" in fails("clock", "advance", "20d")
    monkeypatch.delenv("RENDA_ENV")
    monkeypatch.setenv("RENDA_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    assert "one-process mode (`renda run`) only" in fails("clock", "advance", "20d")
    assert "one-process mode" in fails("clock", "show")
    assert not (Path(env["RENDA_VAR_DIR"]) / "clock.json").exists()


def test_the_help_lists_only_commands_that_exist_each_with_its_help() -> None:
    groups = [main, *(c for c in main.commands.values() if isinstance(c, click.Group))]
    for group in groups:
        for name, command in group.commands.items():
            assert command.help, f"`renda {group.name} {name}` has no help text"
            assert name in run(*([group.name] if group is not main else []), "--help")


def test_the_one_process_mode_and_its_ticks_keep_the_demo_clocks_time(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from runtime.clock import standalone_clock

    run("clock", "advance", "20d")
    ahead = standalone_clock(Settings.from_env()).now() - datetime.now(UTC)
    assert timedelta(days=19, hours=23) < ahead <= timedelta(days=20)
    monkeypatch.setenv("RENDA_ENV", "production")
    assert abs(standalone_clock(Settings.from_env()).now() - datetime.now(UTC)) < timedelta(
        minutes=1
    )
    monkeypatch.delenv("RENDA_ENV")
    (Path(env["RENDA_VAR_DIR"]) / "clock.json").write_text("twenty days")
    assert "clock.json is unreadable; `renda clock reset` removes it" in fails("tick", "workflow")
    assert "(the system time)" in run("clock", "reset")
    assert "workflow.deadline_colours: ran" in run("tick", "workflow")


def test_a_schedule_can_come_on_stdin_as_from_kubectl_exec(env: dict[str, str]) -> None:
    text = CALENDAR_2026.read_text(encoding="utf-8")
    refused = CliRunner().invoke(main, ["holidays", "load", "2026", "--file", "-"], input=text)
    assert refused.exit_code != 0 and "say its --format" in refused.output
    loaded = CliRunner().invoke(
        main, ["holidays", "load", "2026", "--file", "-", "--format", "json"], input=text
    )
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 2026: 33 holidays" in loaded.output


@pytest.mark.parametrize(
    "command", [["api", "intake"], ["api", "workflow"], ["worker", "notify"], ["run"]]
)
def test_production_without_contact_keys_refuses_to_start(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Not a 500 at the first constituent who leaves a phone: the process does not start."""
    monkeypatch.setenv("RENDA_ENV", "production")
    monkeypatch.setenv("RENDA_BROKER_URL", "amqp://guest:guest@127.0.0.1:1/")
    monkeypatch.delenv("RENDA_CONTACT_KEYS", raising=False)
    result = CliRunner().invoke(main, command)
    assert result.exit_code != 0
    assert "RENDA_CONTACT_KEYS is not set" in str(result.exception) + result.output
    monkeypatch.setenv("RENDA_CONTACT_KEYS", "not-a-fernet-key")
    result = CliRunner().invoke(main, command)
    assert "RENDA_CONTACT_KEYS: key 1 is not a Fernet key" in str(result.exception)


@pytest.mark.parametrize("command", [["api", "intake"], ["worker", "intake"], ["run"]])
def test_a_wrong_photo_bucket_refuses_to_start(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Not a 500 at the first photo: intake's processes name the bucket and what to check."""
    monkeypatch.setenv("RENDA_BROKER_URL", "amqp://guest:guest@127.0.0.1:1/")
    with s3_server() as s3:
        for name, value in s3.env("renda-no-such-bucket").items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(main, command)
    assert result.exit_code != 0
    said = str(result.exception) + result.output
    assert "intake cannot start: photo_store: the bucket renda-no-such-bucket" in said
    assert "does not exist: check RENDA_PHOTO_STORE" in said


def test_contact_keys_are_needed_only_where_contacts_are() -> None:
    from renda.processes import require_contact_keys
    from runtime.config import Settings

    production = Settings.from_env({"RENDA_ENV": "production", "RENDA_SECRET_KEY": "s"})
    # The chart gives the key to the APIs and to notify's worker only.
    for process, service in (("api", "scoring"), ("api", "notify"), ("worker", "intake")):
        require_contact_keys(production, process, [service])
    with pytest.raises(SystemExit, match="RENDA_CONTACT_KEYS is not set"):
        require_contact_keys(production, "worker", ["notify"])
    require_contact_keys(Settings.from_env({}), "run", ["intake"])  # derived outside


def test_a_stations_deputies(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    run("node", "create", "T1", "--kind", "township", "--name", "民生街道", "--parent", "450102")
    run("node", "create", "S1", "--kind", "station", "--name", "联络站", "--parent", "T1")
    run("people", "add-deputy", "D1", "--node", "450102", "--name", "王伟", "--level", "county")
    assert "linked deputy D1 at station S1" in run("people", "station-deputy", "S1", "D1")
    run("people", "station-deputy", "S1", "D1")  # again: no change
    assert "no station T1" in fails("people", "station-deputy", "T1", "D1")
    assert "no deputy D9" in fails("people", "station-deputy", "S1", "D9")
    from runtime.clock import SystemClock
    from runtime.context import build_directory

    directory = build_directory(Settings.from_env(), SystemClock())
    assert [d.name for d in directory.station_deputies("S1")] == ["王伟"]
    run("people", "station-deputy", "S1", "D1", "--remove")
    assert directory.station_deputies("S1") == []
    assert "is not at station" in fails("people", "station-deputy", "S1", "D1", "--remove")
