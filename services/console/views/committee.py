"""The committee's dashboard: figures per county or city-wide, colours, best units, red list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from services.console import labels
from services.console.charts import bars
from services.console.views.common import api, directory, expect, person, signed_in

bp = Blueprint("committee", __name__)

RED_SHOWN = 100
"""The red list shows this many, the newest first; its total is always shown."""


@bp.get("/dashboard")
@signed_in("committee", "reader")
def dashboard() -> Any:
    tenant = request.args.get("tenant", "").strip()
    year = request.args.get("year", "").strip()
    scope = {"tenant": tenant, "year": year}
    figures = expect(api().get("/workflow/v1/figures", **scope))
    best = expect(api().get("/workflow/v1/figures/best-units", n=5, **scope))
    months = expect(api().get("/workflow/v1/figures/by-month", **scope))["items"]
    red = expect(
        api().get(
            "/workflow/v1/suggestions", state="assigned", colour="red", limit=RED_SHOWN, **scope
        )
    )
    units: dict[str, str] = {}
    for item in best["items"]:
        unit = directory().unit(item["unit_id"])
        units[item["unit_id"]] = unit.name if unit else item["unit_id"]
    for s in red["items"]:
        unit = directory().unit(s.get("lead_unit_id") or "")
        units[s.get("lead_unit_id") or ""] = unit.name if unit else ""
    by_colour = figures["by_colour"]
    place = directory().node(tenant or person()["node"])
    home = directory().node(person()["node"])
    return render_template(
        "dashboard.html",
        figures=figures,
        place=place,
        tenant=tenant,
        year=year,
        counties=directory().children(home.id) if home and home.kind == "city" else [],
        colour_bars=bars(
            [(labels.COLOURS[c], float(by_colour.get(c, 0))) for c in ("white", "yellow", "red")],
            tones={"白": "white", "黄": "yellow", "红": "red"},
        ),
        state_bars=bars(
            [(labels.STATES.get(k, k), float(v)) for k, v in sorted(figures["by_state"].items())]
        ),
        rate_bars=bars(
            [
                (labels.RATES[k], 100 * v)
                for k, v in figures["rates"].items()
                if v is not None and k in labels.RATES
            ],
            text="{:.1f}%",
        ),
        filed_bars=bars([(m["month"], float(m["filed"])) for m in months]),
        closed_bars=bars([(m["month"], float(m["closed"])) for m in months]),
        best=best,
        red=red,
        units=units,
    )
