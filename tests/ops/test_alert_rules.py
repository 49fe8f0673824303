"""The alert rules: valid for Prometheus, each tested by promtool, each with its runbook."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from tests.ops.promql import RULES_FILE, RUNBOOK, alert_rules, tool

PROMTOOL_TESTS = Path(__file__).with_name("renda-alerts.test.yaml")
RUNBOOK_BASE = "https://renda.example.org/docs/runbook.md#"


def github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_promtool_accepts_the_rules_file() -> None:
    result = subprocess.run(
        [tool("promtool"), "check", "rules", str(RULES_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = subprocess.run(
        [tool("promtool"), "test", "rules", str(PROMTOOL_TESTS)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_can_fail(tmp_path: Path) -> None:
    """An alert that no longer fires where the tests expect it fails `promtool test rules`."""
    rules = RULES_FILE.read_text().replace(
        'renda_queue_messages{queue="dead_letter"}) > 0',
        'renda_queue_messages{queue="dead_letter"}) > 5',
    )
    (tmp_path / "rules.yaml").write_text(rules)
    tests = yaml.safe_load(PROMTOOL_TESTS.read_text())
    tests["rule_files"] = [str(tmp_path / "rules.yaml")]
    (tmp_path / "tests.yaml").write_text(yaml.safe_dump(tests, allow_unicode=True))
    result = subprocess.run(
        [tool("promtool"), "test", "rules", str(tmp_path / "tests.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "RendaDeadLetters" in result.stdout + result.stderr


def test_every_alert_is_tested_firing_and_quiet() -> None:
    tests = yaml.safe_load(PROMTOOL_TESTS.read_text())["tests"]
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in tests:
        for check in case["alert_rule_test"]:
            (firing if check["exp_alerts"] else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alert_rules()}
    assert names - firing == set()
    assert names - quiet == set()


def test_the_issue_asks_for_these_alerts() -> None:
    assert {rule["alert"] for rule in alert_rules()} == {
        "RendaDeadLetters",
        "RendaOutboxBacklogOld",
        "RendaConsumerStalled",
        "RendaConsumerRestarted",
        "RendaRedeliveriesRising",
        "RendaHttpErrors",
        "RendaIntakeSlow",
        "RendaTargetDown",
        "RendaDependencyUnreachable",
        "RendaTickLate",
        "RendaRedAssignmentsRising",
        "RendaNotifyDeliveriesDying",
        "RendaConsoleSignInsRefused",
    }


def test_every_alert_explains_itself_and_links_its_runbook_section() -> None:
    prose = re.sub(r"```.*?```", "", RUNBOOK.read_text(), flags=re.DOTALL)
    headings = {
        github_anchor(line.lstrip("#")) for line in prose.splitlines() if line.startswith("#")
    }
    for rule in alert_rules():
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"], rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        url = annotations["runbook_url"]
        assert url == RUNBOOK_BASE + rule["alert"].lower(), rule["alert"]
        assert url.split("#")[1] in headings, f"docs/runbook.md has no section for {url}"
