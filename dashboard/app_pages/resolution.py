"""Resolution: monthly median and p90 per product line, the distribution, the reopen share.

Queries: metrics/resolution_trend.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.metrics import totals
from dashboard.views import current_filters, current_model, explain, period_label

filters = current_filters()
key = current_model().fingerprint
trend = data.metric("resolution_trend", filters.trailing_months(12), key)
period = data.metric("resolution_trend", filters, key)

st.header(f"Resolution · {period_label(filters)}")
st.caption("Solved minus created, calendar hours, for tickets whose final solve falls in the month; "
           "tickets closed by merge are left out.")
if trend.empty:
    st.info("No solved tickets in these months. Widen the period or clear the filters.")
else:
    st.plotly_chart(charts.trend(trend, "median_hours", "p90_hours", "Median resolution time per month", "hours"),
                    width="stretch")
    left, right = st.columns(2)
    totals = totals(period)
    labels = ["< 1 d", "1–3 d", "3–7 d", "7–30 d", "> 30 d"]
    columns = ["count_under_1d", "count_1_3d", "count_3_7d", "count_7_30d", "count_over_30d"]
    with left:
        st.plotly_chart(charts.buckets(labels, [int(totals[c].sum()) for c in columns],
                                       f"Time to solve · {period_label(filters)}"), width="stretch")
    with right:
        st.plotly_chart(charts.trend(trend, "reopened_pct", None, "Reopened share of solved tickets", "%"),
                        width="stretch")
explain("resolution_trend")
