"""The monthly meeting pack: one self-contained HTML file (charts and plotly.js embedded).

`product-health report --month 2026-10 --out pack.html` and the overview's download button
both call `meeting_pack()`. The tiles and the product-line table come from dashboard.tiles,
as on the overview, so the pack and the dashboard show the same numbers. The document is the
template templates/pack.html, which escapes every text from an export. No streamlit here.

PDF: not offered. Rendering plotly charts to PDF needs kaleido or a browser at run time,
which are not dependencies of the app; the pack has a print stylesheet instead, so the
browser's "Print → Save as PDF" gives a clean document.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from dashboard import catalogue, charts, revisions
from dashboard.build import LoadReport
from dashboard.catalogue import definitions as catalogue_definitions
from dashboard.db import Warehouse
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters, months_back
from dashboard.formatting import count, days, period_label, plural, short_period_label, when
from dashboard.htmlparts import (
    changes_html,
    events_html,
    link,
    product_line_html,
    render,
    revisions_html,
    sparkline_svg,
    table_html,
    tiles_html,
)
from dashboard.metrics import coverage, plain_definition, run_all, run_metric, still_hurting
from dashboard.store import packs_dir
from dashboard.tiles import Overview, change_of, comparison_caption, overview, overview_queries, table_columns


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
    """The whole HTML document for the period of `filters` (templates/pack.html)."""
    return pack_with_record(warehouse, report, filters)[0]


def pack_with_record(warehouse: Warehouse, report: LoadReport, filters: Filters) -> tuple[str, dict[str, Any] | None]:
    """The pack, and the record of the figures it prints (revisions.record; None for a period
    that is not one calendar month), which is embedded in it. A month whose figures moved since
    its last recorded pack gets the revision note."""
    spans = coverage(warehouse, filters.timezone)
    frames = run_all(overview_queries(filters, spans), lambda name, period: run_metric(warehouse, name, period))
    shown = overview(frames, filters, spans, report.counts, warehouse.settings)
    trailing, previous = filters.trailing_months(12), short_period_label(filters.previous())
    lines = [
        product_line_html(part, previous=previous, targets_for=lambda line: warehouse.settings.targets_for((line,)))
        for part in _table_parts(shown.table)
    ]
    as_of, generated = shown.now["sla"]["as_of"], dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    found, moves = revisions.since_last_pack(
        packs_dir(Path(report.data_dir)), filters, shown.figures, warehouse.settings
    )
    recorded = (
        revisions.record(filters, shown.figures, as_of, warehouse.settings, generated)
        if revisions.month_of(filters)
        else None
    )
    html = render(
        "pack.html",
        period=period_label(filters),
        previous=previous,
        comparison=comparison_caption(filters, shown.coverage),
        timezone=filters.timezone,
        note=_data_note(report, as_of, totals=not filters.restricted or warehouse.settings.show_company_totals),
        generated=when(generated),
        revisions=Markup(revisions_html(revisions.note(found, moves, as_of))),
        tiles=Markup(tiles_html(shown.tiles, shown.sparks, marks=shown.event_months)),
        compared=shown.compared,
        changes=Markup(changes_html(shown.changes, previous, links=False)),
        events=Markup(events_html(shown.events)),
        changes_definition=plain_definition("changes"),
        still_hurting_days=warehouse.settings.still_hurting_days,
        hurting=_hurting_html(frames["bug_impact", filters], warehouse.settings.show_titles),
        lines=Markup("".join(lines)) if len(shown.table) else "",
        charts=_charts_html(frames, trailing, report, warehouse.settings.targets_for(filters.lines)),
        definitions=[plain_definition(name) for name in catalogue_definitions()],
        kpis=_kpis_json(filters, shown, moves),
        record=_script_json(recorded) if recorded else "",
    )
    return html, recorded


def _hurting_html(bugs: pd.DataFrame, show_titles: bool) -> Markup | str:
    """Old bugs still hurting, as a table ("" when there are none)."""
    hurting = still_hurting(bugs)
    if not len(hurting):
        return ""
    table = pd.DataFrame(
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
    formats = {"Last 12 months": lambda v: sparkline_svg([float(x) for x in v], height=28), "Link": link}
    return Markup(table_html(table, formats, "hurting"))


def _data_note(report: LoadReport, sla_as_of: str | None, totals: bool = True) -> dict[str, str]:
    """'Data as of …', the SLA's cut-off, the files and rows read (company-wide: left out, '',
    for a viewer restricted to some product lines unless [access] show_company_totals), and how
    many files had problems ('' for none)."""
    failed = [f for f in report.files if f.failed]
    if not totals:
        return {
            "as_of": when(report.data_as_of),
            "sla_as_of": when(sla_as_of) if sla_as_of else "",
            **dict.fromkeys(("files", "tickets", "issues", "failed"), ""),
        }
    return {
        "as_of": when(report.data_as_of),
        "sla_as_of": when(sla_as_of) if sla_as_of else "",
        "files": plural(len(report.files), "export file"),
        "tickets": plural(report.counts.get("tickets", 0), "ticket"),
        "issues": plural(report.counts.get("issues", 0), "issue"),
        "failed": plural(len(failed), "file") if failed else "",
    }


def _charts_html(
    frames: dict[tuple[str, Filters], pd.DataFrame], trailing: Filters, report: LoadReport, targets: dict[str, float]
) -> list[Markup]:
    """The catalogue's trend charts over the 12 months, with the events marked; plotly.js once, in the first."""
    events = frames["events", trailing]
    figures = [
        charts.events(charts.kpi_chart(kpi, frames[kpi.trend, trailing], targets), events)
        for kpi in catalogue.CATALOGUE
        if kpi.chart and kpi.trend and (not kpi.chart.needs or report.counts.get(kpi.chart.needs, 0))
    ]
    return [Markup(_figure_html(fig, i == 0)) for i, fig in enumerate(figures)]  # plotly's own markup


def _kpis_json(filters: Filters, shown: Overview, moves: list[dict[str, Any]]) -> Markup:
    """The numbers for machines, in <script type="application/json">."""
    machine = {
        "period": {
            "from": filters.start.isoformat(),
            "to": filters.end.isoformat(),
            "timezone": filters.timezone,
            "product_lines": list(filters.lines),
        },
        "data_as_of": shown.now["sla"]["as_of"],
        **shown.now,
        "changes": [movement.as_dict() for movement in shown.changes],
        "events": shown.events,
        "revisions": moves,
        "previous_period": shown.before,
    }
    return _script_json(machine)


def _script_json(value: Any) -> Markup:
    """JSON for a <script type="application/json">: every '<' escaped, so no text from an
    export can close the script element; only then is it markup."""
    return Markup(json.dumps(value, default=str).replace("<", "\\u003c"))
