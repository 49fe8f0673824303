"""`renda points-rule` and `renda points-flags`, as an operator types them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import env, fails, run  # noqa: F401 - env: the fixture, used below

pytestmark = pytest.mark.usefixtures("env")


def _tree() -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    run("node", "create", "45010201", "--kind", "township", "--name", "街道", "--parent", "450102")


def test_dated_figures_city_defaults_and_county_overrides(tmp_path: Path) -> None:
    _tree()
    run(
        "points-rule",
        "--tenant",
        "450100",
        "--activity",
        "training",
        "--points",
        "1.5",
        "--from",
        "2026-01-01",
    )
    assert "450102: station_duty = 3 points from 2026-07-01" in run(
        "points-rule",
        "--tenant",
        "450102",
        "--activity",
        "station_duty",
        "--points",
        "3",
        "--from",
        "2026-07-01",
    )
    table = tmp_path / "rules.csv"
    table.write_text("\ufeffactivity,points,meaning\ninspection,4,视察\nsurvey,-0.5,x\n", "utf-8")
    out = run("points-rule", "--tenant", "450102", "--file", str(table), "--from", "2027-01-01")
    assert "inspection = 4 points" in out and "survey = -0.5 points" in out
    june = run("points-rule", "--tenant", "450102", "--show", "--from", "2026-06-30")
    july = run("points-rule", "--tenant", "450102", "--show", "--from", "2026-07-01")
    assert "training,1.50" in june and "station_duty,2" in june
    assert "station_duty,3.00" in july and "inspection,2" in july
    assert "already set from 2026-07-01" in fails(
        "points-rule",
        "--tenant",
        "450102",
        "--activity",
        "station_duty",
        "--points",
        "4",
        "--from",
        "2026-07-01",
    )
    assert "at most two decimals" in fails(
        "points-rule", "--tenant", "450102", "--activity", "training", "--points", "1.234"
    )
    assert "no congress 45010201" in fails(
        "points-rule", "--tenant", "45010201", "--activity", "training", "--points", "1"
    )
    table.write_text("activity,points\nkaraoke,2\n", "utf-8")
    assert "line 2: unknown activity type" in fails(
        "points-rule", "--tenant", "450102", "--file", str(table)
    )


def test_the_flag_rule_is_set_per_tenant() -> None:
    _tree()
    out = run(
        "points-flags",
        "--tenant",
        "450102",
        "--min-points",
        "20",
        "--require",
        "session_attendance",
        "--require",
        "station_duty",
    )
    assert "flag below 20.00 points a year, or without session_attendance, station_duty" in out
    assert "Invalid value for '--require'" in fails(
        "points-flags", "--tenant", "450102", "--require", "karaoke"
    )


def test_the_duty_star_rule_is_set_per_tenant() -> None:
    _tree()
    out = run("duty-stars", "--tenant", "450102", "--count", "10", "--station-duty-weight", "1.5")
    assert "450102: 10 duty stars a year, station duty weighted 1.50" in out
    assert "0 or more" in fails(
        "duty-stars", "--tenant", "450102", "--count", "3", "--station-duty-weight", "-1"
    )


def test_the_station_star_rule_is_set_per_tenant() -> None:
    _tree()
    out = run(
        "station-stars",
        "--tenant",
        "450102",
        "--weight-shifts",
        "3",
        "--five",
        "0.1",
        "--models",
        "2",
        "--together",
    )
    assert "3.00×shifts" in out and "5★ 0.1" in out and "together" in out
    assert "add up to at most 1" in fails("station-stars", "--tenant", "450102", "--five", "0.9")
    assert "not a figure" in fails("station-stars", "--tenant", "450102", "--four", "abc")
