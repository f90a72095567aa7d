"""First response: monthly median and p90 per product line, and the distribution.

Queries: metrics/first_response_trend.
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
    is_meeting,
    period_label,
    with_target,
)

filters = current_filters()
heading("First response", filters)
filters = basis_switch(filters)
key = current_model().fingerprint
trend = data.metric("first_response_trend", filters.trailing_months(12), key)
period = totals(data.metric("first_response_trend", filters, key))
st.caption(
    f"First public agent reply minus creation, {filters.basis} hours, for tickets created in the month. "
    "Unanswered tickets are counted apart, not as zero."
)
# On the shared screen the two charts stand side by side, so the page fits a 1366x768 screen too.
left, right = st.columns([3, 2]) if is_meeting() else (st.container(), st.container())
with left:
    chart(
        with_target(
            charts.trend(trend, "median_hours", "p90_hours", "Median first response per month", "hours"),
            "first_response.median_hours",
            filters,
        ),
        "No tickets in the 12 months up to the period's end: pick a period the data covers, or clear the filters.",
        height=440,
        drill="first_response.median_hours",
    )
labels = ["< 1 h", "1–4 h", "4–8 h", "8–24 h", "> 24 h", "unanswered"]
columns = ["count_under_1h", "count_1_4h", "count_4_8h", "count_8_24h", "count_over_24h", "unanswered"]
with right:
    chart(
        charts.buckets(
            labels, [int(period[c].sum()) for c in columns], f"Time to first reply · {short_period_label(filters)}"
        ),
        f"No tickets created in {period_label(filters)}.",
        height=440,
        drill={
            label: ("first_response.unanswered", "")
            if column == "unanswered"
            else ("first_response.median_hours", hours)
            for label, column, hours in zip(labels, columns, ["0-1", "1-4", "4-8", "8-24", "24-", ""], strict=True)
        },
    )
explain("first_response_trend")
drill.show(filters)
