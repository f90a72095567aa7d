"""The monthly meeting pack: one self-contained HTML file (charts and plotly.js embedded).

`product-health report --month 2026-10 --out pack.html` and the overview's download button
both call `meeting_pack()`. The tiles and the product-line table come from dashboard.tiles,
as on the overview, so the pack and the dashboard show the same numbers. Every text from an
export is HTML-escaped. No streamlit here.

PDF: not offered. Rendering plotly charts to PDF needs kaleido or a browser at run time,
which are not dependencies of the app; the pack has a print stylesheet instead, so the
browser's "Print → Save as PDF" gives a clean document.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.formatting import count, days, is_missing, period_label
from dashboard.metrics import run_metric, still_hurting, totals
from dashboard.tiles import WHOLE_COLUMNS, Tile, overview
from dashboard.warehouse import LoadReport, Warehouse, definition

DEFINITIONS = ("first_response", "resolution", "bug_age", "deflection", "impact", "bug_impact")


def month_filters(month: str, timezone: str, product_lines: tuple[str, ...] = ()) -> Filters:
    """The calendar month 'YYYY-MM' as filters."""
    try:
        start = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ProductHealthError(f"--month '{month}' is not a month in the form YYYY-MM") from None
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Filters(start=start, end=following - dt.timedelta(days=1), timezone=timezone, product_lines=product_lines)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _sparkline_svg(values: list[float], width: int = 120, height: int = 28) -> str:
    if not values or max(values) == min(values) == 0:
        return f'<svg width="{width}" height="{height}" role="img" aria-label="no data"></svg>'
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in enumerate(values))
    label = _e(", ".join(f"{v:g}" for v in values))
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="{label}">'
            f'<polyline fill="none" stroke="#2563eb" stroke-width="2" points="{points}"/></svg>')


def _tile_html(tile: Tile, spark: list[float] | None) -> str:
    delta = ""
    if tile.delta:
        up = tile.delta.startswith("+")
        unchanged = float(tile.delta.split()[0].replace(",", "")) == 0
        tone = "neutral" if tile.delta_color == "off" or unchanged else (
            "good" if up == (tile.delta_color == "normal") else "bad")
        delta = f'<div class="delta {tone}">{"▲" if up else "▼"} {_e(tile.delta)} <span>vs previous period</span></div>'
    chart = _sparkline_svg(spark) if spark is not None else ""
    return (f'<div class="tile" data-label="{_e(tile.label)}"><div class="label">{_e(tile.label)}</div>'
            f'<div class="value">{_e(tile.value)}</div>{delta}{chart}<div class="caption">{_e(tile.caption)}</div></div>')


def _table_html(frame: pd.DataFrame, formats: dict[str, Any] | None = None, css_class: str = "") -> str:
    formats = formats or {}
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []  # a formatter returns HTML; any other value is escaped text
        for column, value in zip(frame.columns, record, strict=True):
            cells.append(f"<td>{formats[column](value)}</td>" if column in formats
                         else f"<td>{_e('-' if is_missing(value) else value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _number(value: Any) -> str:
    return "-" if is_missing(value) else f"{value:.1f}"


def _whole(value: Any) -> str:
    return "-" if is_missing(value) else f"{int(value):,}"


def _figure_html(fig: go.Figure, first: bool) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=first, config={"displaylogo": False, "responsive": True})


def meeting_pack(warehouse: Warehouse, report: LoadReport, filters: Filters) -> str:
    """The whole HTML document for the period of `filters`."""
    shown = overview(warehouse, report.counts, filters, lambda name, period: run_metric(warehouse, name, period))
    metric = shown.result  # the pack's charts and list come from the overview's own queries
    now, before, table = shown.now, shown.before, shown.table
    trailing = filters.trailing_months(12)
    trends = {name: metric(name, trailing)
              for name in ("first_response_trend", "resolution_trend", "bug_age_trend", "deflection_trend",
                           "impact_trend")}
    table_formats = {c: (_whole if c in WHOLE_COLUMNS and c != "Product line" else _number)
                     for c in table.columns if c != "Product line"}

    figures = [
        charts.trend(trends["first_response_trend"], "median_hours", "p90_hours", "Median first response per month", "hours"),
        charts.trend(trends["resolution_trend"], "median_hours", "p90_hours", "Median resolution per month", "hours"),
    ]
    if report.counts.get("issues", 0):
        figures.append(charts.bars_by_month(totals(trends["bug_age_trend"]), {"created": "Created", "fixed": "Fixed"},
                                            "Bugs created vs fixed per month", "bugs"))
    if report.counts.get("self_service_rows", 0):
        figures.append(charts.deflection(totals(trends["deflection_trend"])))
    if report.counts.get("links", 0):
        figures.append(charts.trend(trends["impact_trend"], "bug_ticket_share_pct", None,
                                    "Share of tickets about known bugs per month", "% of tickets", series=""))

    bugs = metric("bug_impact", filters)
    hurting = still_hurting(bugs)
    show_titles = warehouse.settings.show_titles
    hurting_table = pd.DataFrame({
        "Key": hurting["issue_key"],
        **({"Title": hurting["title"]} if show_titles else {}),
        "Product line": hurting["product_line"],
        "Age": hurting["age_days"].map(days),
        "Status": hurting["status"],
        "Tickets this period": hurting["tickets_in_period"].map(count),
        "Tickets all time": hurting["tickets_all_time"].map(count),
        "Last 12 months": hurting["monthly_tickets"],
        "Link": hurting["url"],
    })
    hurting_html = _table_html(hurting_table, {
        "Last 12 months": lambda v: _sparkline_svg([float(x) for x in v]),
        "Link": lambda v: "-" if not isinstance(v, str) or not v.startswith(("https://", "http://"))
        else f'<a href="{_e(v)}" rel="noopener noreferrer">open</a>',
    }, "hurting") if len(hurting) else "<p>No open bug older than the threshold got new tickets this period.</p>"

    failed = [f for f in report.files if f.failed]
    data_note = (f"Data as of {_e(report.data_as_of or '-')} · {len(report.files)} export files · "
                 f"{report.counts.get('tickets', 0):,} tickets, {report.counts.get('issues', 0):,} issues")
    if failed:
        data_note += f" · <strong>{len(failed)} files had problems</strong> (see the dashboard's Data page)"
    machine = json.dumps({"period": {"from": filters.start.isoformat(), "to": filters.end.isoformat(),
                                     "timezone": filters.timezone, "product_lines": list(filters.product_lines)},
                          **now, "previous_period": before}, default=str).replace("<", "\\u003c")
    scope = ", ".join(filters.product_lines) if filters.product_lines else "all product lines"
    definitions = "".join(f"<h3>{_e(n)}</h3><pre>{_e(definition(n))}</pre>" for n in DEFINITIONS)
    charts_html = "".join(f'<div class="chart">{_figure_html(fig, i == 0)}</div>' for i, fig in enumerate(figures))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Product health · {_e(period_label(filters))}</title>
<style>{STYLE}</style></head>
<body>
<header><h1>Product health · {_e(period_label(filters))}</h1>
<p class="sub">{_e(scope)} · compared with {_e(period_label(filters.previous()))} · times in {_e(filters.timezone)}</p>
<p class="sub">{data_note} · generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by Product Health</p></header>
<section class="tiles">{"".join(_tile_html(t, shown.sparks.get(t.label)) for t in shown.tiles)}</section>
<h2>Old bugs still hurting</h2>
<p class="sub">Open bugs older than {warehouse.settings.still_hurting_days} days that got new linked tickets in the period,
most tickets first.</p>
{hurting_html}
<h2>By product line</h2>
{_table_html(table, table_formats, "lines")}
<h2>Trends: the 12 months up to {_e(period_label(filters))}</h2>
{charts_html}
<details><summary>How the numbers are computed</summary>{definitions}</details>
<script type="application/json" id="product-health-kpis">{machine}</script>
</body></html>
"""


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; margin: 2rem auto;
       max-width: 1280px; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .3rem; }
.sub { color: #4b5563; margin: .2rem 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: .8rem; margin-top: 1.2rem; }
.tile { border: 1px solid #d1d5db; border-radius: .6rem; padding: .8rem 1rem; }
.tile .label { font-size: .9rem; color: #374151; } .tile .value { font-size: 2rem; font-weight: 600; }
.tile .caption { font-size: .8rem; color: #6b7280; margin-top: .3rem; }
.delta { font-size: .9rem; } .delta span { color: #6b7280; font-size: .8rem; }
.delta.good { color: #15803d; } .delta.bad { color: #b91c1c; } .delta.neutral { color: #4b5563; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
td { white-space: nowrap; } td:nth-child(2) { white-space: normal; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e7eb; vertical-align: middle; }
th { background: #f9fafb; } table.lines td:not(:first-child) { text-align: right; }
pre { white-space: pre-wrap; background: #f9fafb; padding: .6rem; font-size: .8rem; }
.chart { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } details { display: none; } .tile { break-inside: avoid; } }
"""
