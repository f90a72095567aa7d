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
import json

import pandas as pd
import plotly.graph_objects as go

from dashboard import catalogue, charts
from dashboard.build import LoadReport
from dashboard.catalogue import definitions as catalogue_definitions
from dashboard.db import Warehouse
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters, months_back
from dashboard.formatting import count, days, period_label, plural, short_period_label, when
from dashboard.htmlparts import (
    STYLE,
    changes_html,
    e,
    events_html,
    link,
    product_line_html,
    sparkline_svg,
    table_html,
    tiles_html,
)
from dashboard.metrics import coverage, plain_definition, run_all, run_metric, still_hurting
from dashboard.tiles import change_of, comparison_caption, overview, overview_queries, table_columns


def _table_parts(table: pd.DataFrame) -> list[pd.DataFrame]:
    """The product-line table split as the catalogue's columns say (Column.pack_table): fourteen
    columns are wider than a portrait page."""
    parts: dict[int, list[str]] = {}
    for kpi, column in table_columns():
        path = kpi.path_of(column.key)
        parts.setdefault(column.pack_table, []).extend([path, change_of(path)] if column.change else [path])
    return [table[["product_line", *parts[number]]] for number in sorted(parts)]


def month_filters(month: str, timezone: str, product_lines: tuple[str, ...] = ()) -> Filters:
    """The calendar month 'YYYY-MM' as filters."""
    try:
        start = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ProductHealthError(f"--month '{month}' is not a month in the form YYYY-MM") from None
    end = months_back(start, -1) - dt.timedelta(days=1)
    return Filters(start=start, end=end, timezone=timezone, product_lines=product_lines)


def _figure_html(fig: go.Figure, first: bool) -> str:
    """A chart of a fixed size that fits the printable width of A4 and Letter paper, portrait."""
    fig.update_layout(width=CHART_WIDTH, height=340, template="plotly_white")
    return fig.to_html(full_html=False, include_plotlyjs=first, config={"displaylogo": False, "responsive": False})


CHART_WIDTH = 660  # px at 96 dpi: A4 portrait less 1 cm margins is 718 px, Letter 739 px


def meeting_pack(warehouse: Warehouse, report: LoadReport, filters: Filters) -> str:
    """The whole HTML document for the period of `filters`."""
    spans = coverage(warehouse, filters.timezone)
    frames = run_all(overview_queries(filters, spans), lambda name, period: run_metric(warehouse, name, period))

    def metric(name: str, period: Filters) -> pd.DataFrame:  # the pack's charts and list: the overview's queries
        return frames[name, period]

    shown = overview(frames, filters, spans, report.counts, warehouse.settings)
    now, before, table = shown.now, shown.before, shown.table
    trailing = filters.trailing_months(12)
    targets = warehouse.settings.targets_for(filters.product_lines)
    events = metric("events", trailing)
    figures = [
        charts.events(charts.kpi_chart(kpi, metric(kpi.trend, trailing), targets), events)
        for kpi in catalogue.CATALOGUE
        if kpi.chart and kpi.trend and (not kpi.chart.needs or report.counts.get(kpi.chart.needs, 0))
    ]

    bugs = metric("bug_impact", filters)
    hurting = still_hurting(bugs)
    show_titles = warehouse.settings.show_titles
    hurting_table = pd.DataFrame(
        {
            "Key": hurting["issue_key"],
            **({"Title": hurting["title"]} if show_titles else {}),
            "Product line": hurting["product_line"],
            "Age": hurting["age_days"].map(days),
            "Status": hurting["status"],
            "Tickets this period": hurting["tickets_in_period"].map(count),
            "Tickets all time": hurting["tickets_all_time"].map(count),
            "Last 12 months": hurting["monthly_tickets"],
            "Link": hurting["url"].fillna(""),
        }
    )
    hurting_html = (
        table_html(
            hurting_table,
            {
                "Last 12 months": lambda v: sparkline_svg([float(x) for x in v], height=28),
                "Link": link,
            },
            "hurting",
        )
        if len(hurting)
        else "<p>No open bug older than the threshold got new tickets this period.</p>"
    )

    failed = [f for f in report.files if f.failed]
    data_note = (
        f"Data as of {e(when(report.data_as_of))} · {plural(len(report.files), 'export file')} · "
        f"{plural(report.counts.get('tickets', 0), 'ticket')}, {plural(report.counts.get('issues', 0), 'issue')}"
    )
    if failed:
        data_note += f" · <strong>{plural(len(failed), 'file')} had problems</strong> (see the dashboard's Data page)"
    machine = json.dumps(
        {
            "period": {
                "from": filters.start.isoformat(),
                "to": filters.end.isoformat(),
                "timezone": filters.timezone,
                "product_lines": list(filters.product_lines),
            },
            **now,
            "changes": [movement.as_dict() for movement in shown.changes],
            "events": shown.events,
            "previous_period": before,
        },
        default=str,
    ).replace("<", "\\u003c")
    definitions = "".join(f"<p>{e(plain_definition(n))}</p>" for n in catalogue_definitions())
    charts_html = "".join(f'<div class="chart">{_figure_html(fig, i == 0)}</div>' for i, fig in enumerate(figures))
    lines_html = "".join(
        product_line_html(
            part,
            previous=short_period_label(filters.previous()),
            targets_for=lambda line: warehouse.settings.targets_for((line,)),
        )
        for part in _table_parts(table)
    )
    changes_section = (
        f"<h2>What changed since {e(short_period_label(filters.previous()))}</h2>"
        + changes_html(shown.changes, short_period_label(filters.previous()), links=False)
        + events_html(shown.events)
        + f'<p class="sub">{e(plain_definition("changes"))}</p>'
        if shown.compared
        else (f"<h2>Events</h2>{events_html(shown.events)}" if shown.events else "")
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Product health · {e(period_label(filters))}</title>
<style>{STYLE}{PACK_STYLE}</style></head>
<body>
<header><h1>Product health · {e(period_label(filters))}</h1>
<p class="sub">{e(comparison_caption(filters, shown.coverage))}
Times in {e(filters.timezone)}.</p>
<p class="sub">{data_note} · generated {e(when(dt.datetime.now(dt.UTC).isoformat()))} by Product Health</p></header>
<section>{tiles_html(shown.tiles, shown.sparks, marks=shown.event_months)}</section>
{changes_section}
<h2>Old bugs still hurting</h2>
<p class="sub">Open bugs older than {warehouse.settings.still_hurting_days} days that got new linked tickets in the
period,
most tickets first.</p>
{hurting_html}
<h2>By product line</h2>
{lines_html if len(table) else "<p>No data.</p>"}
<h2>Trends: the 12 months up to {e(period_label(filters))}</h2>
<div class="charts">{charts_html}</div>
<h2>How the numbers are computed</h2>
<div class="definitions">{definitions}</div>
<script type="application/json" id="product-health-kpis">{machine}</script>
</body></html>
"""


PACK_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; margin: 2rem auto;
       max-width: 1380px; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .3rem; }
.sub { color: #4b5563; margin: .2rem 0; }
table.hurting { border-collapse: collapse; width: 100%; font-size: .9rem; }
table.hurting th, table.hurting td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e7eb;
                                     vertical-align: middle; }
table.hurting th { background: #f9fafb; }
table.hurting img.ph-spark { width: 120px; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.chart { break-inside: avoid; width: 660px; max-width: 100%; }
.definitions p { max-width: 60rem; }
@page { margin: 1cm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #4b5563; } }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  .ph-tiles { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .ph-tile, tr { break-inside: avoid; }
  table.ph-lines, table.hurting { font-size: 7.5pt; table-layout: auto; }
  table.ph-lines th, table.ph-lines td, table.hurting th, table.hurting td { padding: .2rem .25rem;
      white-space: normal; overflow-wrap: normal; word-break: normal; }
  table.ph-lines th:first-child, table.ph-lines td:first-child { overflow-wrap: normal; }
  table.hurting img.ph-spark { width: 100%; }
  h2 { break-after: avoid; }
}
"""
