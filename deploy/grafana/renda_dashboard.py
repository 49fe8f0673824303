"""The renda Grafana dashboard, built with grafanalib.

`make dashboard` writes it to deploy/helm/renda/files/renda-dashboard.json, which the chart
ships as a ConfigMap for the Grafana sidecar; tests/ops checks that the file is up to date
and that every expression names a metric renda exports.
"""

from __future__ import annotations

import json
import sys

from grafanalib._gen import DashboardEncoder
from grafanalib.core import (
    Dashboard,
    GridPos,
    RowPanel,
    Target,
    Template,
    Templating,
    TimeSeries,
)

DATASOURCE = "${datasource}"
RATE = "$__rate_interval"
WIDTH = 8
HEIGHT = 8


def _panel(title: str, unit: str, *queries: tuple[str, str]) -> TimeSeries:
    return TimeSeries(
        title=title,
        dataSource=DATASOURCE,
        unit=unit,
        targets=[
            Target(expr=expr, legendFormat=legend, refId=chr(ord("A") + n))
            for n, (expr, legend) in enumerate(queries)
        ],
    )


ROWS: list[tuple[str, list[TimeSeries]]] = [
    (
        "HTTP APIs",
        [
            _panel(
                "Requests per second",
                "reqps",
                (
                    f'sum by (service) (rate(renda_http_requests_total{{service!="-"}}[{RATE}]))',
                    "{{service}}",
                ),
            ),
            _panel(
                "5xx ratio",
                "percentunit",
                (
                    "sum by (service) (rate(renda_http_requests_total"
                    f'{{service!="-",status=~"5.."}}[{RATE}]))'
                    " / sum by (service) (rate(renda_http_requests_total"
                    f'{{service!="-"}}[{RATE}]))',
                    "{{service}}",
                ),
            ),
            _panel(
                "Latency p50 / p99",
                "s",
                *(
                    (
                        f"histogram_quantile({q}, sum by (service, le) (rate("
                        f'renda_http_request_duration_seconds_bucket{{service!="-"}}[{RATE}])))',
                        f"{{{{service}}}} p{round(q * 100)}",
                    )
                    for q in (0.5, 0.99)
                ),
            ),
        ],
    ),
    (
        "Events",
        [
            _panel(
                "Published per second, by type",
                "ops",
                (f"sum by (type) (rate(renda_events_published_total[{RATE}]))", "{{type}}"),
            ),
            _panel(
                "Consumed per second, by service and type",
                "ops",
                (
                    f"sum by (service, type) (rate(renda_events_consumed_total[{RATE}]))",
                    "{{service}} {{type}}",
                ),
            ),
            _panel(
                "Retried (handler failures) and duplicates",
                "ops",
                (
                    f"sum by (service, type) (rate(renda_events_failed_total[{RATE}]))",
                    "failed {{service}} {{type}}",
                ),
                (
                    f"sum by (service, type) (rate(renda_events_duplicate_total[{RATE}]))",
                    "duplicate {{service}} {{type}}",
                ),
            ),
            _panel(
                "Dead-lettered, by type and reason",
                "short",
                (
                    "sum by (service, type, reason) "
                    f"(increase(renda_events_dead_lettered_total[{RATE}]))",
                    "{{service}} {{type}} {{reason}}",
                ),
            ),
            _panel(
                "Handler latency p99",
                "s",
                (
                    "histogram_quantile(0.99, sum by (service, type, le) "
                    f"(rate(renda_event_handler_duration_seconds_bucket[{RATE}])))",
                    "{{service}} {{type}}",
                ),
            ),
        ],
    ),
    (
        "Outbox, queues, dependencies",
        [
            _panel(
                "Outbox backlog",
                "short",
                ("max by (service) (renda_outbox_backlog)", "{{service}}"),
            ),
            _panel(
                "Oldest unpublished event",
                "s",
                ("max by (service) (renda_outbox_oldest_age_seconds)", "{{service}}"),
            ),
            _panel(
                "Queue depth (main and dead-letter)",
                "short",
                ("max by (service, queue) (renda_queue_messages)", "{{service}} {{queue}}"),
            ),
            _panel(
                "Dependencies reachable (1 = yes)",
                "short",
                (
                    "min by (renda_service, dependency) (renda_dependency_up)",
                    "{{renda_service}} → {{dependency}}",
                ),
            ),
            _panel(
                "Targets up",
                "short",
                ('sum by (renda_service) (up{renda_service!=""})', "{{renda_service}}"),
            ),
            _panel(
                "Seconds since each tick last ran",
                "s",
                (
                    "time() - max by (tick) (renda_tick_last_success_timestamp_seconds)",
                    "{{tick}}",
                ),
            ),
        ],
    ),
    (
        "Counties",
        [
            _panel(
                "Open assignments by colour, per county",
                "short",
                (
                    'max by (tenant, colour) (renda_open_assignments{tenant=~"$tenant"})',
                    "{{tenant}} {{colour}}",
                ),
            ),
            _panel(
                "Receipts settled: accepted vs rejected",
                "short",
                (
                    f"sum by (outcome) (increase(renda_receipts_settled_total[{RATE}]))",
                    "{{outcome}}",
                ),
            ),
            _panel(
                "Notifications by channel and outcome",
                "ops",
                (
                    f"sum by (channel, outcome) (rate(renda_notify_deliveries_total[{RATE}]))",
                    "{{channel}} {{outcome}}",
                ),
                (
                    "histogram_quantile(0.99, sum by (channel, le) "
                    f"(rate(renda_notify_delivery_latency_seconds_bucket[{RATE}])))",
                    "{{channel}} p99 latency (s)",
                ),
            ),
        ],
    ),
]


def dashboard() -> Dashboard:
    panels = []
    y = 0
    for title, row in ROWS:
        panels.append(RowPanel(title=title, gridPos=GridPos(h=1, w=24, x=0, y=y)))
        y += 1
        for n, panel in enumerate(row):
            x = (n * WIDTH) % 24
            if n and x == 0:
                y += HEIGHT
            panel.gridPos = GridPos(h=HEIGHT, w=WIDTH, x=x, y=y)
            panels.append(panel)
        y += HEIGHT
    return Dashboard(
        title="renda",
        uid="renda-overview",
        description="renda's services, events, queues and counties",
        tags=["renda"],
        timezone="browser",
        refresh="30s",
        panels=panels,
        templating=Templating(
            list=[
                Template(
                    name="datasource",
                    label="Data source",
                    type="datasource",
                    query="prometheus",
                ),
                Template(
                    name="tenant",
                    label="County",
                    dataSource=DATASOURCE,
                    query="label_values(renda_open_assignments, tenant)",
                    includeAll=True,
                    multi=True,
                    default="$__all",
                ),
            ]
        ),
    ).auto_panel_ids()


def expressions() -> list[str]:
    """Every PromQL expression of the dashboard's panels and variables."""
    exprs = [t.expr for _, row in ROWS for panel in row for t in panel.targets]
    return [*exprs, "renda_open_assignments"]


def render() -> str:
    return json.dumps(dashboard().to_json_data(), cls=DashboardEncoder, indent=2, sort_keys=True)


if __name__ == "__main__":
    sys.stdout.write(render() + "\n")
