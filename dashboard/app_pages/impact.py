"""Customer impact: which bugs cost us tickets. The still-hurting list, the share of tickets
about known bugs per product line, and a CSV download.

Queries: metrics/bug_impact, metrics/impact, metrics/impact_trend.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, drill
from dashboard.downloads import csv_bytes
from dashboard.frames import total_row
from dashboard.metrics import still_hurting
from dashboard.tiles import NO_DATA, Tile
from dashboard.views import (
    ISSUE_COLUMNS,
    chart,
    count,
    current_filters,
    current_model,
    explain,
    heading,
    is_meeting,
    issue_table,
    no_tracker_note,
    pct,
    period_label,
    show_table,
    show_tiles,
    with_target,
)

model = current_model()
filters = current_filters()
key = model.fingerprint
settings = model.warehouse.settings

heading("Customer impact", filters)
st.caption(
    "Which known bugs keep costing support tickets: tickets are tied to tracker issues by the links "
    "the exports carry (see the README)."
)
if model.report.counts.get("issues", 0) == 0:
    no_tracker_note()
    st.stop()
if model.report.counts.get("links", 0) == 0:
    st.info(
        "No ticket-issue links found. Add the Zendesk Jira links export (or any CSV with ticket_id and "
        "issue_key columns) to the data folder, or tag tickets with issue keys such as MOB-101, then reload."
    )
    st.stop()

impact = data.metric("impact", filters, key)
total = total_row(impact)
bugs = data.metric("bug_impact", filters, key)
hurting = still_hurting(bugs)

show_tiles(
    [
        Tile(
            "Tickets about known bugs",
            count(total.get("bug_tickets")),
            caption="Tickets created in the period that are linked to an issue the settings call a bug.",
        ),
        Tile(
            "Share of all tickets", pct(total.get("bug_ticket_share_pct")) if total.get("tickets_created") else NO_DATA
        ),
        Tile(
            f"Bugs older than {settings.still_hurting_days} days still hurting",
            count(len(hurting)),
            caption="Open bugs older than the threshold (links.still_hurting_days) that got new tickets in the period.",
        ),
    ]
)

st.subheader("Still hurting", anchor=False)
show_all = st.toggle(
    "Show every bug with linked tickets",
    value=False,
    help="Also young bugs, fixed bugs and bugs without tickets in the period.",
)
shown = bugs if show_all else hurting
if shown.empty:
    st.success(f"No open bug older than {settings.still_hurting_days} days got new tickets in this period.")
else:
    columns = [
        "issue_key",
        "title",
        "product_line",
        "age_days",
        "status",
        "tickets_in_period",
        "tickets_all_time",
        "monthly_tickets",
        "url",
    ]
    table = issue_table(shown, columns)
    keys = table["issue_key"].tolist()
    table["list"] = [drill.href("impact.linked_tickets", bug=key) for key in keys]  # its tickets this period
    show_table(
        table,
        meeting_rows=5,
        links=lambda row, column: table["list"].iloc[row] if column == "tickets_in_period" else None,
        column_config={
            "list": st.column_config.LinkColumn("Its tickets", display_text="open the list"),
            **ISSUE_COLUMNS,
            "title": st.column_config.TextColumn("Title", width="medium"),
            "tickets_in_period": st.column_config.NumberColumn("Tickets this period"),
            "tickets_all_time": st.column_config.NumberColumn(
                "Tickets all time", help="Linked tickets so far, or Jira's Zendesk Ticket Count if larger."
            ),
            "monthly_tickets": st.column_config.BarChartColumn("Tickets, last 12 months", y_min=0),
        },
    )
    export = table.drop(columns="list").assign(
        monthly_tickets=table["monthly_tickets"].map(lambda v: " ".join(map(str, v)))
    )
    if not is_meeting():
        st.download_button(
            "Download as CSV",
            lambda: csv_bytes(export),  # made on click, served only to a signed-in browser (server.py)
            file_name=f"bugs-{filters.start}-{filters.end}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
        )

st.subheader("Share of tickets about known bugs", anchor=False)
by_line = impact[impact["product_line"].notna() & (impact["tickets_created"] > 0)]
chart_left, chart_right = st.columns(2)
with chart_left:
    chart(
        charts.buckets(
            by_line["product_line"].tolist(),
            by_line["bug_ticket_share_pct"].round(1).tolist(),
            "By product line, this period",
            "% of tickets",
        ),
        f"No tickets created in {period_label(filters)}.",
        height=330,
    )
with chart_right:
    trend = data.metric("impact_trend", filters.trailing_months(12), key)
    chart(
        with_target(
            charts.trend(trend, "bug_ticket_share_pct", None, "Per month", "% of tickets", series=""),
            "impact.bug_ticket_share_pct",
            filters,
        ),
        "No tickets in the 12 months up to the period's end.",
        height=330,
        drill="impact.linked_tickets",
    )
explain("impact", "bug_impact", "impact_trend")
drill.show(filters)
