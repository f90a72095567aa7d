"""Overview: six tiles with deltas and sparklines, one row per product line, the meeting pack.

Queries: metrics/first_response, resolution, bug_age, deflection, impact (+ their _trend files).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.metrics import totals
from dashboard.tiles import WHOLE_COLUMNS, product_line_table, tiles
from dashboard.views import current_filters, current_model, explain, is_missing, meeting_pack_button, period_label

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

model_counts = model.report.counts
for column, tile in zip(st.columns(6), tiles(now, before, model_counts), strict=True):
    with column:
        if tile.spark:
            st.metric(tile.label, tile.value, delta=tile.delta, delta_color=tile.delta_color, border=True,
                      chart_data=spark(*tile.spark), delta_description="vs previous")
        else:
            st.metric(tile.label, tile.value, border=True)
        st.caption(tile.caption)

st.subheader("By product line")
table = product_line_table(lambda name, previous: data.metric(name, filters.previous() if previous else filters, key))
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        column: st.column_config.NumberColumn(format="%.1f") for column in table.columns if column not in WHOLE_COLUMNS
    },
)
meeting_pack_button(filters)
explain("first_response", "resolution", "bug_age", "deflection", "impact")
