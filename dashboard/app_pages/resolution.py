"""Resolution: monthly median and p90 per product line, the distribution, the reopen share.

Queries: metrics/resolution_trend.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, drill
from dashboard.formatting import short_period_label
from dashboard.frames import totals
from dashboard.views import (
    basis_switch,
    chart,
    current_filters,
    current_model,
    explain,
    heading,
    period_label,
    with_target,
)

filters = current_filters()
heading("Resolution", filters)
filters = basis_switch(filters)
key = current_model().fingerprint
trend = data.metric("resolution_trend", filters.trailing_months(12), key)
period = totals(data.metric("resolution_trend", filters, key))
st.caption(
    f"Solved minus created, {filters.basis} hours, for tickets whose final solve falls in the month; "
    "tickets closed by merge are left out."
)
none_solved = "No solved tickets in the 12 months up to the period's end: pick a period the data covers."
chart(
    with_target(
        charts.trend(trend, "median_hours", "p90_hours", "Median resolution time per month", "hours"),
        "resolution.median_hours",
        filters,
    ),
    none_solved,
    drill="resolution.median_hours",
)
left, right = st.columns(2)
labels = ["< 1 d", "1–3 d", "3–7 d", "7–30 d", "> 30 d"]
columns = ["count_under_1d", "count_1_3d", "count_3_7d", "count_7_30d", "count_over_30d"]
with left:
    chart(
        charts.buckets(
            labels, [int(period[c].sum()) for c in columns], f"Time to solve · {short_period_label(filters)}"
        ),
        f"No tickets solved in {period_label(filters)}.",
    )
with right:
    chart(
        charts.trend(trend, "reopened_pct", None, "Reopened share of solved tickets", "%", series=""),
        none_solved,
        drill="resolution.reopened",
    )
explain("resolution_trend")
drill.show(filters)
