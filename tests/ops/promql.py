"""What the operations tests need to know about PromQL, the rules and the dashboard."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from tests.support.infra import unavailable

ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "deploy" / "helm" / "renda" / "files" / "renda-alerts.rules.yaml"
DASHBOARD_FILE = ROOT / "deploy" / "helm" / "renda" / "files" / "renda-dashboard.json"
RUNBOOK = ROOT / "docs" / "runbook.md"

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}
_KEYWORDS |= {"and", "or", "unless", "inf", "nan"}
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: label matchers, ranges, strings,
    grouping clauses and function names left out."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = _GROUPING.sub(" ", text)
    return {n for n in _IDENTIFIER.findall(text) if n.lower() not in _KEYWORDS}


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "renda_dashboard", ROOT / "deploy" / "grafana" / "renda_dashboard.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(name: str) -> str:
    """A binary of Debian's prometheus package (`make tools` installs it)."""
    path = shutil.which(name)
    if path is None:
        unavailable(name, FileNotFoundError(f"{name} not on PATH; run `make tools`"))
    assert path is not None
    return path
