"""SLA, backlog and CSAT: SLA attainment per month, tickets created vs solved with the backlog,
and customer satisfaction per month.

Queries: metrics/sla_trend, backlog_trend, csat_trend (and their summary files for the
definitions).
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, drill
from dashboard.formatting import when
from dashboard.frames import totals
from dashboard.views import chart, current_filters, current_model, explain, heading, is_meeting, with_target

model = current_model()
filters = current_filters()
key = model.fingerprint
months = filters.trailing_months(12)
sla = model.warehouse.settings.sla

heading("SLA, backlog, CSAT", filters)
if sla is None:
    st.caption("No SLA targets are set: add an [sla] table to health.toml (see the README) to see attainment.")
else:
    st.caption(
        f"SLA targets in {sla.basis} hours, judged as the data knows it: as of {when(data.data_as_of(key))}, "
        "the latest ticket update in the data (a reply after the month's end counts as it came); the backlog "
        "is the tickets open at the end of each month; CSAT counts the rated tickets solved in the month."
    )
left, right = st.columns(2) if is_meeting() else (st.container(), st.container())
with left:
    sla_trend = data.metric("sla_trend", months, key)
    chart(
        with_target(
            charts.trend(sla_trend, "first_response_met_pct", None, "First replies within SLA per month", "% met", ""),
            "sla.first_response.met_pct",
            filters,
        ),
        "No tickets with an SLA target in the 12 months up to the period's end.",
        height=400,
        drill="sla.first_response.breached",
    )
with right:
    csat = data.metric("csat_trend", months, key)
    chart(
        with_target(
            charts.trend(csat, "score_pct", None, "CSAT per month", "% satisfied", series=""), "csat.score_pct", filters
        ),
        "No rated tickets solved in the 12 months up to the period's end.",
        height=400,
        drill="csat.rated",
    )
backlog = totals(data.metric("backlog_trend", months, key))
chart(
    charts.bars_by_month(
        backlog, {"created": "Created", "solved": "Solved"}, "Tickets created vs solved per month", "tickets"
    ),
    "No tickets in the 12 months up to the period's end.",
    height=320,
    drill={"created": "tickets_created"},
)
explain("sla", "backlog", "csat")
drill.show(filters)
