"""Overview: six tiles with deltas and sparklines, one row per product line, the meeting pack.

Queries: metrics/first_response, resolution, bug_age, deflection, impact, bug_impact (this
period and the previous one) and their _trend files (tiles.overview_queries), through
data.overview: one cache entry per filter state.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.tiles import WHOLE_COLUMNS
from dashboard.views import current_filters, current_model, explain, meeting_pack_button, period_label

model = current_model()
key = model.fingerprint
filters = current_filters()
shown = data.overview(filters, key)

st.header(f"Overview · {period_label(filters)}")
st.caption(f"Compared with {period_label(filters.previous())}. Sparklines: the 12 months up to the period's end.")

for column, tile in zip(st.columns(6), shown.tiles, strict=True):
    with column:
        if tile.spark:
            st.metric(tile.label, tile.value, delta=tile.delta, delta_color=tile.delta_color, border=True,
                      chart_data=shown.sparks[tile.label], delta_description="vs previous")
        else:
            st.metric(tile.label, tile.value, border=True)
        st.caption(tile.caption)

st.subheader("By product line")
st.dataframe(
    shown.table,
    hide_index=True,
    width="stretch",
    column_config={
        column: st.column_config.NumberColumn(format="%.1f")
        for column in shown.table.columns if column not in WHOLE_COLUMNS
    },
)
meeting_pack_button(filters)
explain("first_response", "resolution", "bug_age", "deflection", "impact")
