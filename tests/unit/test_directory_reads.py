"""The directory's cached reads: a tenant's people read together, one statement per miss,
and what this process writes seen at once (others within the cache time)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from runtime.clock import FixedClock
from runtime.db import Database
from runtime.directory import Directory
from runtime.directory.service import Person
from runtime.directory.store import Base as DirectoryBase
from tests.support.cycle import START

COUNTY, TOWNSHIP = "450102", "450102001"


@pytest.fixture
def directory() -> Iterator[Directory]:
    db = Database("sqlite://")
    DirectoryBase.metadata.create_all(db.engine)
    directory = Directory(db, cache_seconds=30, clock=FixedClock(START))
    directory.create_node("450100", "city", "南宁市", None)
    directory.create_node(COUNTY, "county", "兴宁区人大常委会", "450100")
    directory.create_node(TOWNSHIP, "township", "一镇", COUNTY)
    directory.add_deputy("D-1", COUNTY, "王建国", "county", "13800000001", TOWNSHIP)
    directory.add_deputy("D-2", COUNTY, "李秀英", "county")
    directory.add_unit("U-EDU", COUNTY, "教育局")
    directory.add_member("M-1", COUNTY, "主任", "committee")
    yield directory
    db.dispose()


@pytest.fixture
def statements(directory: Directory) -> list[tuple]:
    """The parameters of each read sent to the directory's database (SQLite's BEGIN
    IMMEDIATE, runtime/db.py, left out)."""
    sent: list[tuple] = []

    def record(_conn, _cursor, statement: str, parameters, *_) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            sent.append(tuple(parameters))

    event.listen(directory.db.engine, "before_cursor_execute", record)
    return sent


def test_a_suggestions_proposers_not_cached_are_read_by_one_statement(
    directory: Directory, statements: list[tuple]
) -> None:
    found = directory.deputies(["D-1", "D-2", "D-none"])

    assert len(statements) == 1
    assert found == {
        "D-1": Person("D-1", "王建国", COUNTY, f"/450100/{COUNTY}/", "13800000001", TOWNSHIP),
        "D-2": Person("D-2", "李秀英", COUNTY, f"/450100/{COUNTY}/"),
    }
    # All three are remembered, the one that does not exist too.
    assert directory.deputies(["D-2", "D-none"]) == {"D-2": found["D-2"]}
    assert directory.deputy("D-1") == found["D-1"]
    assert len(statements) == 1


def test_only_the_people_not_cached_are_read(directory: Directory, statements: list[tuple]) -> None:
    directory.deputy("D-1")
    directory.deputies(["D-1", "D-2"])

    assert statements == [("D-1",), ("D-2",)]


def test_units_and_members_are_read_as_before(directory: Directory) -> None:
    assert directory.unit("U-EDU") == Person("U-EDU", "教育局", COUNTY, f"/450100/{COUNTY}/")
    assert directory.members(["M-1", "D-1"]) == {
        "M-1": Person("M-1", "主任", COUNTY, f"/450100/{COUNTY}/")
    }
    assert directory.unit("D-1") is None


def test_a_person_added_here_is_seen_at_once_though_missing_was_remembered(
    directory: Directory,
) -> None:
    assert directory.deputy("D-3") is None
    assert directory.unit("U-NEW") is None
    assert directory.deputy("D-2").electing_node_id is None  # type: ignore[union-attr]

    directory.add_deputy("D-3", COUNTY, "张海燕", "county")
    directory.add_unit("U-NEW", COUNTY, "新局")
    directory.set_electing_unit("D-2", TOWNSHIP)

    assert directory.deputies(["D-3"])["D-3"].name == "张海燕"
    assert directory.unit("U-NEW") is not None
    assert directory.deputy("D-2").electing_node_id == TOWNSHIP  # type: ignore[union-attr]


def test_a_key_authenticates_until_revoked_here(directory: Directory) -> None:
    key = directory.create_key(COUNTY, "system", label="county system")

    who = directory.authenticate(key)
    assert who is not None and (who.node_id, who.node_path) == (COUNTY, f"/450100/{COUNTY}/")
    assert directory.authenticate(key[:-1] + ("x" if key[-1] != "x" else "y")) is None

    directory.revoke_key(who.key_id)
    assert directory.authenticate(key) is None


def test_a_node_is_read_once_within_the_cache_time(
    directory: Directory, statements: list[tuple]
) -> None:
    place = directory.node(TOWNSHIP)

    assert place is not None and (place.kind, place.path) == (
        "township",
        f"/450100/{COUNTY}/{TOWNSHIP}/",
    )
    assert directory.node(TOWNSHIP) == place
    assert directory.node("nowhere") is None
    assert len(statements) == 2
