"""Small UI pieces the pages share: number formats, the "how is this computed?" box, filters.

Text from exports is always passed to Streamlit as plain text or DataFrame cells (never as
markdown or HTML), so a `<script>` in a title stays text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.filters import Filters
from dashboard.formatting import count, days, delta, hours, is_missing, pct, period_label

__all__ = ["count", "days", "delta", "hours", "is_missing", "pct", "period_label"]

FILTERS_KEY = "ph_filters"
MODEL_KEY = "ph_model"


def current_filters() -> Filters:
    return st.session_state[FILTERS_KEY]


def current_model() -> data.Model:
    """The model the entry script loaded for this rerun."""
    return st.session_state[MODEL_KEY]


ISSUE_COLUMNS = {
    "issue_key": "Key",
    "title": st.column_config.TextColumn("Title"),
    "product_line": "Product line",
    "age_days": st.column_config.NumberColumn("Age (days)", format="%.0f"),
    "status": "Status",
    "url": st.column_config.LinkColumn("Link", display_text="open"),
}


def issue_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns of an issue list a page shows: titles only when [privacy] show_titles
    allows, links only when the export has any (Jira CSV exports carry none)."""
    table = frame[columns].copy()
    if not current_model().warehouse.settings.show_titles:
        table = table.drop(columns=["title"])
    if table["url"].isna().all():
        table = table.drop(columns=["url"])
    return table


def meeting_pack_button(filters: Filters) -> None:
    """Download the meeting pack (the HTML `product-health report` writes) for these filters."""
    key = current_model().fingerprint
    st.download_button(
        "Meeting pack (HTML)",
        data=lambda: data.meeting_pack(filters, key).encode("utf-8"),
        file_name=f"product-health-{filters.start:%Y-%m-%d}-{filters.end:%Y-%m-%d}.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/download:",
        help="One self-contained HTML file with these tiles, the product-line table, the trends and the "
        "still-hurting list: opens in any browser, no network needed.",
    )


def explain(*names: str) -> None:
    """'How is this computed?': the definition from the SQL file's header, and the SQL."""
    with st.expander("How is this computed?"):
        for name in names:
            comment, sql = data.definition(name)
            st.text(comment)
            st.caption(f"queries/metrics/{name}.sql")
            st.code(sql, language="sql")


def no_tracker_note() -> None:
    st.info(
        "No issue-tracker export found, so there is no bug age to show. Put a Jira CSV export, a Jira "
        "REST search result, a GitHub issues JSON or a Linear CSV export in the data folder "
        "(see the README), then reload."
    )
