"""`renda opinion-policy`: a tenant's opinion deadlines and contact retention."""

from __future__ import annotations

from tests.cli.test_cli import env, fails, run

__all__ = ["env"]


def test_opinion_policy_is_shown_and_changed(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    out = run("opinion-policy", "--tenant", "450102", "--set", "station_working_days=3")
    assert "station_working_days = 3" in out and "contact_retention_days = 180" in out
    assert "station_working_days = 3" in run("opinion-policy", "--tenant", "450102")
    assert "unknown opinion settings" in fails(
        "opinion-policy", "--tenant", "450102", "--set", "days=3"
    )
    assert "at least 1" in fails(
        "opinion-policy", "--tenant", "450102", "--set", "county_working_days=0"
    )
    assert "whole number" in fails(
        "opinion-policy", "--tenant", "450102", "--set", "county_working_days=-1"
    )
    assert "no congress" in fails("opinion-policy", "--tenant", "450199")
