"""Bug age: open-bug age buckets, created vs fixed per month, time to fix, the oldest open bugs.

Queries: metrics/bug_age_trend, metrics/open_bugs.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.frames import totals
from dashboard.views import (
    ISSUE_COLUMNS,
    chart,
    current_filters,
    current_model,
    explain,
    heading,
    is_meeting,
    issue_table,
    no_tracker_note,
    period_label,
    show_table,
)

model = current_model()
filters = current_filters()
key = model.fingerprint

heading("Bug age", filters)
st.caption("Open bugs at the end of the period and how old they are; time to fix for bugs fixed in the period.")
if model.report.counts.get("issues", 0) == 0:
    no_tracker_note()
    st.stop()

open_bugs = data.metric("open_bugs", filters, key)
trend = data.metric("bug_age_trend", filters.trailing_months(12), key)
edges = [(0, 30, "< 30 d"), (30, 90, "30–90 d"), (90, 180, "90–180 d"), (180, 365, "180–365 d"), (365, 1e9, "> 1 year")]
counts = [int(((open_bugs["age_days"] >= lo) & (open_bugs["age_days"] < hi)).sum()) for lo, hi, _ in edges]
# On the shared screen the three charts stand in one row, so the oldest bugs fit below them.
left, middle, right = st.columns(3) if is_meeting() else (*st.columns(2), st.container())
with left:
    chart(
        charts.buckets([e[2] for e in edges], counts, "Open bugs by age", "bugs"),
        f"No bug was open at the end of {period_label(filters)}.",
        height=360,
    )
with middle:
    chart(
        charts.bars_by_month(
            totals(trend), {"created": "Created", "fixed": "Fixed"}, "Bugs created vs fixed per month", "bugs"
        ),
        "No bug created or fixed in the 12 months up to the period's end.",
        height=360,
        narrow=True,
    )
with right:
    chart(
        charts.trend(trend, "median_days_to_fix", None, "Median time to fix per month", "days", series=""),
        "No bug fixed in the 12 months up to the period's end.",
        height=360,
        narrow=True,
    )

st.subheader("Oldest open bugs", anchor=False)
if open_bugs.empty:
    st.info(f"No bug was open at the end of {period_label(filters)}.", icon=":material/query_stats:")
else:
    table = issue_table(open_bugs.head(25), ["issue_key", "title", "age_days", "product_line", "status", "url"])
    show_table(table, ISSUE_COLUMNS, meeting_rows=5)
explain("bug_age_trend", "open_bugs")
