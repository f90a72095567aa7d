"""Overview: a tile per KPI with its change against the previous period and a year earlier, a
12-month sparkline, one row per product line, the meeting pack.

Queries: metrics/first_response, resolution, bug_age, deflection, impact, bug_impact (this
period and the periods it is compared with) and their _trend files (tiles.overview_queries),
through data.overview: one cache entry per filter state.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.formatting import short_period_label
from dashboard.htmlparts import STYLE, product_line_html
from dashboard.tiles import comparison_caption
from dashboard.views import (
    current_filters,
    current_model,
    explain,
    heading,
    is_meeting,
    meeting_pack_button,
    show_tiles,
)

model = current_model()
filters = current_filters()
shown = data.overview(filters, model.fingerprint)
meeting = is_meeting()

heading("Overview", filters)
st.caption(
    comparison_caption(filters, shown.coverage)
    + (
        ""
        if meeting
        else " Sparklines: the 12 months up to the period's end, the last month marked "
        "green (better) or red (worse) than the one before."
    )
)
show_tiles(shown.tiles, shown.sparks)
if not shown.table.empty:
    st.subheader("By product line", anchor=False)
    settings = model.warehouse.settings
    lines = product_line_html(
        shown.table, meeting, short_period_label(filters.previous()), lambda line: settings.targets_for((line,))
    )
    st.html(f"<style>{STYLE}</style>" + lines)
if not meeting:
    meeting_pack_button(filters)
explain("first_response", "resolution", "bug_age", "deflection", "impact", "sla", "backlog", "csat")
