"""Deflection: the monthly rate with the self-service and ticket volumes behind it.

Queries: metrics/deflection_trend.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, drill
from dashboard.frames import totals
from dashboard.views import chart, current_filters, current_model, explain, heading, with_target

model = current_model()
filters = current_filters()

heading("Deflection", filters)
st.caption("Self-service sessions resolved without a ticket ÷ (those sessions + tickets created).")
if model.report.counts.get("self_service_rows", 0) == 0:
    st.info(
        "No self-service export found. Add a sessions CSV (session_id, started_at, product_line, channel, "
        "outcome) or daily counts (date, product_line, channel, sessions, resolved, escalated); see the README."
    )
    st.stop()
trend = data.metric("deflection_trend", filters.trailing_months(12), model.fingerprint)
empty = "No self-service sessions or tickets in the 12 months up to the period's end: pick a period the data covers."
chart(
    with_target(charts.deflection(totals(trend)), "deflection.rate_pct", filters, "y2"),
    empty,
    drill=dict.fromkeys(("self_service_resolved", "rate_pct"), "deflection.self_service_resolved")
    | {"tickets_created": "tickets_created"},
)
chart(
    with_target(
        charts.trend(trend, "rate_pct", None, "Deflection rate by product line", "%", series=""),
        "deflection.rate_pct",
        filters,
    ),
    empty,
    drill="deflection.self_service_resolved",
)
explain("deflection_trend")
drill.show(filters)
