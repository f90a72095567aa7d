"""Overview: five tiles with deltas and sparklines, and one row per product line.

Queries: metrics/first_response, resolution, bug_age, deflection (+ their _trend files).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.views import count, current_filters, days, delta, explain, hours, is_missing, pct, period_label

model = data.model()
key = model.fingerprint
filters = current_filters()
now = data.summary(filters, key)
before = data.summary(filters.previous(), key)
trailing = filters.trailing_months(12)


def spark(name: str, column: str) -> list[float]:
    frame = data.metric(name, trailing, key)
    values = frame[frame["product_line"].isna()][column].tolist()
    return [0.0 if is_missing(v) else float(v) for v in values]


st.header(f"Overview · {period_label(filters)}")
st.caption(f"Compared with {period_label(filters.previous())}. Sparklines: the 12 months up to the period's end.")

fr, res, bug, dfl = now["first_response"], now["resolution"], now["bug_age"], now["deflection"]
has_issues = model.report.counts.get("issues", 0) > 0
has_sessions = model.report.counts.get("self_service_rows", 0) > 0
tiles = st.columns(5)
with tiles[0]:
    st.metric("Median first response", hours(fr["median_hours"]),
              delta=delta(fr["median_hours"], before["first_response"]["median_hours"], " h"),
              delta_color="inverse", border=True, chart_data=spark("first_response_trend", "median_hours"),
              delta_description="vs previous period")
    st.caption(f"p90 {hours(fr['p90_hours'])} · {count(fr['unanswered'])} unanswered"
               + (" · business hours" if fr["basis"] == "business" else ""))
with tiles[1]:
    st.metric("Median resolution", hours(res["median_hours"]),
              delta=delta(res["median_hours"], before["resolution"]["median_hours"], " h"),
              delta_color="inverse", border=True, chart_data=spark("resolution_trend", "median_hours"),
              delta_description="vs previous period")
    st.caption(f"p90 {hours(res['p90_hours'])} · {count(res['resolved'])} solved · {pct(res['reopened_pct'])} reopened")
with tiles[2]:
    if has_issues:
        st.metric("Open bugs", count(bug["open_bugs"]),
                  delta=delta(bug["open_bugs"], before["bug_age"]["open_bugs"]), delta_color="inverse",
                  border=True, chart_data=spark("bug_age_trend", "open_bugs"), delta_description="vs previous period")
        st.caption(f"median age {days(bug['median_days'])} · {count(bug['older_than_365_days'])} older than a year")
    else:
        st.metric("Open bugs", "no data", border=True)
        st.caption("No issue-tracker export found: add one to the data folder.")
with tiles[3]:
    if has_sessions:
        st.metric("Deflection rate", pct(dfl["rate_pct"]),
                  delta=delta(dfl["rate_pct"], before["deflection"]["rate_pct"], " pts"), border=True,
                  chart_data=spark("deflection_trend", "rate_pct"), delta_description="vs previous period")
        st.caption(f"{count(dfl['self_service_resolved'])} resolved in self-service / (those + tickets)")
    else:
        st.metric("Deflection rate", "no data", border=True)
        st.caption("No self-service sessions export found: add one to the data folder.")
with tiles[4]:
    st.metric("Tickets created", count(now["tickets_created"]),
              delta=delta(now["tickets_created"], before["tickets_created"]), delta_color="off", border=True,
              chart_data=spark("first_response_trend", "tickets_created"), delta_description="vs previous period")
    st.caption(f"{count(before['tickets_created'])} in the previous period")

st.subheader("By product line")
split = {
    name: data.metric(name, filters, key).set_index("product_line")
    for name in ("first_response", "resolution", "bug_age", "deflection")
}
previous = data.metric("first_response", filters.previous(), key).set_index("product_line")
lines = sorted({line for frame in split.values() for line in frame.index.dropna()})
rows = []
for line in lines:
    def get(name: str, column: str, frame: dict = split) -> object:
        table = frame[name] if isinstance(frame, dict) else frame
        return table[column].get(line) if line in table.index else None

    prev_median = previous["median_hours"].get(line) if line in previous.index else None
    median_now = get("first_response", "median_hours")
    rows.append({
        "Product line": line,
        "Tickets": get("first_response", "tickets_created"),
        "Median first response (h)": median_now,
        "Change vs previous (h)": None if is_missing(median_now) or is_missing(prev_median) else median_now - prev_median,
        "p90 first response (h)": get("first_response", "p90_hours"),
        "Median resolution (h)": get("resolution", "median_hours"),
        "Reopened %": get("resolution", "reopened_pct"),
        "Open bugs": get("bug_age", "open_bugs"),
        "Median bug age (d)": get("bug_age", "median_days"),
        "Deflection %": get("deflection", "rate_pct"),
    })
table = pd.DataFrame(rows)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        column: st.column_config.NumberColumn(format="%.1f")
        for column in table.columns if column not in ("Product line", "Tickets", "Open bugs")
    },
)
explain("first_response", "resolution", "bug_age", "deflection")
