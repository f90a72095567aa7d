"""First response: monthly median and p90 per product line, and the distribution.

Queries: metrics/first_response_trend.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.metrics import totals
from dashboard.views import current_filters, current_model, explain, period_label

filters = current_filters()
key = current_model().fingerprint
trend = data.metric("first_response_trend", filters.trailing_months(12), key)
period = data.metric("first_response_trend", filters, key)

st.header(f"First response · {period_label(filters)}")
st.caption("First public agent reply minus creation, calendar hours, for tickets created in the month. "
           "Unanswered tickets are counted apart, not as zero.")
if trend.empty:
    st.info("No tickets in these months. Widen the period or clear the filters.")
else:
    st.plotly_chart(charts.trend(trend, "median_hours", "p90_hours", "Median first response per month (p90 in the legend)",
                                 "hours"), width="stretch")
    totals = totals(period)
    labels = ["< 1 h", "1–4 h", "4–8 h", "8–24 h", "> 24 h", "unanswered"]
    columns = ["count_under_1h", "count_1_4h", "count_4_8h", "count_8_24h", "count_over_24h", "unanswered"]
    counts = [int(totals[c].sum()) for c in columns]
    st.plotly_chart(charts.buckets(labels, counts, f"How fast tickets got a first reply · {period_label(filters)}"),
                    width="stretch")
explain("first_response_trend")
