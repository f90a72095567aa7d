"""Overview: a tile per KPI with its change against the previous period and a year earlier, a
12-month sparkline, one row per product line, the meeting pack.

Queries: the catalogue's (catalogue.summary_sql for this period and the periods it is
compared with, their trends), changes (What changed) and events: tiles.overview_queries,
run by data.overview through the shared results, one cache entry per filter state.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data, drill
from dashboard.catalogue import definitions
from dashboard.formatting import short_period_label
from dashboard.htmlparts import STYLE, changes_html, events_html, product_line_html, revisions_html
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
        "green (better) or red (worse) than the one before; a dotted line marks a month with an event."
    )
)
revised = revisions_html(data.revision_note(filters, model.fingerprint))
if revised:
    st.html(f"<style>{STYLE}</style>" + revised)
show_tiles(shown.tiles, shown.sparks, shown.event_months, drill.href)
compared = shown.compared
story = compared or bool(shown.events)
# On the shared screen What changed and the product lines stand side by side: one 1080p screen.
left, right = st.columns([2, 3], gap="medium") if meeting and story and not shown.table.empty else (st.container(),) * 2
if story:
    with left:
        against = short_period_label(filters.previous())
        st.subheader(f"What changed since {against}" if compared else "Events", anchor=False)
        what = changes_html(shown.changes, against, meeting) if compared else ""
        st.html(f"<style>{STYLE}</style>" + what + events_html(shown.events, meeting))
if not shown.table.empty:
    with right:
        st.subheader("By product line", anchor=False)
        settings = model.warehouse.settings
        lines = product_line_html(
            shown.table,
            meeting,
            short_period_label(filters.previous()),
            lambda line: settings.targets_for((line,)),
            drill.href,
        )
        st.html(f"<style>{STYLE}</style>" + lines)
if not meeting:
    meeting_pack_button(filters)
if not meeting:  # on the shared screen each KPI's page explains it; the overview keeps to one screen
    explain(*definitions(), "changes")
drill.show(filters)
