"""Every PromQL expression of the alert rules and the dashboard names a metric that renda
really exports: the names are read from the running system's /metrics, not from a list."""

from __future__ import annotations

import json
import re

import pytest

from tests.ops.promql import DASHBOARD_FILE, alert_rules, dashboard_module, metric_names
from tests.support.system import InProcessSystem

# Series Prometheus writes itself for every target.
SCRAPE_SERIES = {"up"}
_TYPE_LINE = re.compile(r"^# TYPE (\S+) (\w+)$", re.MULTILINE)


def exported_names(system: InProcessSystem) -> set[str]:
    """Metric names of /metrics after a little traffic (the API's and the worker's
    metrics: one process runs both here). A labelled metric without samples still has its
    # TYPE line."""
    answer = system.file()
    assert answer.status_code == 202, answer.get_json()
    assert system.settled_receipt(answer.get_json()["id"])["status"] == "accepted"
    text = system.client.get("/metrics").get_data(as_text=True)
    names: set[str] = set()
    for name, kind in _TYPE_LINE.findall(text):
        names.add(name)
        if kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return names


def test_metric_names_are_found_in_expressions() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (service, le) (rate(renda_a_bucket{service!="-",'
        'x=~"5.."}[$__rate_interval]))) / on (service) group_left sum(renda_b offset 1d)'
        " unless time() - max without (tick) (up) > 3 * renda_c"
    )
    assert metric_names(expr) == {"renda_a_bucket", "renda_b", "up", "renda_c"}


def test_alert_rules_and_dashboard_name_only_exported_metrics(system: InProcessSystem) -> None:
    exported = exported_names(system) | SCRAPE_SERIES
    assert "renda_http_requests_total" in exported
    assert "renda_queue_messages" in exported
    used = {rule["alert"]: metric_names(rule["expr"]) for rule in alert_rules()}
    used |= {expr: metric_names(expr) for expr in dashboard_module().expressions()}
    unknown = {where: names - exported for where, names in used.items() if names - exported}
    assert unknown == {}
    assert all(used.values()), "an expression names no metric: the parser missed it"


def test_a_misspelt_metric_is_caught(system: InProcessSystem) -> None:
    exported = exported_names(system) | SCRAPE_SERIES
    assert metric_names("sum(rate(renda_http_request_total[5m]))") - exported == {
        "renda_http_request_total"
    }


def test_the_shipped_dashboard_is_the_generated_one() -> None:
    shipped = json.loads(DASHBOARD_FILE.read_text())
    generated = json.loads(dashboard_module().render())
    assert shipped == generated, "run `make dashboard`"


@pytest.mark.parametrize(
    "panel_title",
    [
        "Requests per second",
        "5xx ratio",
        "Latency p50 / p99",
        "Published per second, by type",
        "Consumed per second, by service and type",
        "Retried (handler failures) and duplicates",
        "Dead-lettered, by type and reason",
        "Handler latency p99",
        "Outbox backlog",
        "Oldest unpublished event",
        "Queue depth (main and dead-letter)",
        "Open assignments by colour, per county",
        "Receipts settled: accepted vs rejected",
    ],
)
def test_the_dashboard_has_the_panels_operators_need(panel_title: str) -> None:
    panels = json.loads(DASHBOARD_FILE.read_text())["panels"]
    (panel,) = [p for p in panels if p["title"] == panel_title]
    assert panel["type"] == "timeseries"
    assert panel["targets"] and all(t["expr"] for t in panel["targets"])
    assert panel["datasource"] == "${datasource}"
