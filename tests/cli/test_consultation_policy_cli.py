"""`renda consultation-policy`: a tenant's settings for consultations on draft laws."""

from __future__ import annotations

from tests.cli.test_cli import env, fails, run

__all__ = ["env"]


def test_consultation_policy_is_shown_and_changed(env: dict[str, str]) -> None:
    run("node", "create", "450100", "--kind", "city", "--name", "南宁市")
    run("node", "create", "450102", "--kind", "county", "--name", "兴宁区", "--parent", "450100")
    out = run("consultation-policy", "--tenant", "450102", "--set", "min_comment_days=30")
    assert "min_comment_days = 30" in out and "report_days_after_deadline = 0" in out
    assert "min_comment_days = 30" in run("consultation-policy", "--tenant", "450102")
    assert "unknown consultation settings" in fails(
        "consultation-policy", "--tenant", "450102", "--set", "days=3"
    )
    assert "0 to 365" in fails(
        "consultation-policy", "--tenant", "450102", "--set", "min_comment_days=400"
    )
    assert "no congress" in fails("consultation-policy", "--tenant", "450199")
