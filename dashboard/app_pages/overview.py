"""Overview: five tiles with deltas and sparklines, and one row per product line.

Queries: metrics/first_response, resolution, bug_age, deflection (+ their _trend files).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.metrics import totals
from dashboard.views import count, current_filters, current_model, days, delta, explain, hours, is_missing, pct, period_label

model = current_model()
key = model.fingerprint
filters = current_filters()
now = data.summary(filters, key)
before = data.summary(filters.previous(), key)
trailing = filters.trailing_months(12)


def spark(name: str, column: str) -> list[float]:
    frame = data.metric(name, trailing, key)
    values = totals(frame)[column].tolist()
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


def cell(frame: pd.DataFrame, line: str, column: str) -> object:
    return frame[column].get(line) if line in frame.index else None


rows = []
for line in lines:
    median_now = cell(split["first_response"], line, "median_hours")
    median_before = cell(previous, line, "median_hours")
    rows.append({
        "Product line": line,
        "Tickets": cell(split["first_response"], line, "tickets_created"),
        "Median first response (h)": median_now,
        "Change vs previous (h)": None if is_missing(median_now) or is_missing(median_before)
        else median_now - median_before,
        "p90 first response (h)": cell(split["first_response"], line, "p90_hours"),
        "Median resolution (h)": cell(split["resolution"], line, "median_hours"),
        "Reopened %": cell(split["resolution"], line, "reopened_pct"),
        "Open bugs": cell(split["bug_age"], line, "open_bugs"),
        "Median bug age (d)": cell(split["bug_age"], line, "median_days"),
        "Deflection %": cell(split["deflection"], line, "rate_pct"),
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
