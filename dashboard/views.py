"""Small UI pieces the pages share: number formats, the "how is this computed?" box, filters.

Text from exports is always passed to Streamlit as plain text or DataFrame cells (never as
markdown or HTML), so a `<script>` in a title stays text.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import streamlit as st

from dashboard import data
from dashboard.filters import Filters

FILTERS_KEY = "ph_filters"
MODEL_KEY = "ph_model"


def current_filters() -> Filters:
    return st.session_state[FILTERS_KEY]


def current_model() -> data.Model:
    """The model the entry script loaded for this rerun."""
    return st.session_state[MODEL_KEY]


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def hours(value: Any) -> str:
    if is_missing(value):
        return "-"
    return f"{value * 60:.0f} min" if value < 1 else f"{value:.1f} h"


def days(value: Any) -> str:
    return "-" if is_missing(value) else f"{value:.0f} d"


def pct(value: Any) -> str:
    return "-" if is_missing(value) else f"{value:.1f} %"


def count(value: Any) -> str:
    return "-" if is_missing(value) else f"{int(value):,}"


def delta(now: Any, before: Any, unit: str = "") -> str | None:
    if is_missing(now) or is_missing(before):
        return None
    change = now - before
    if isinstance(now, int) and isinstance(before, int):
        return f"{change:+,d}{unit}"
    return f"{change:+.1f}{unit}"


def explain(*names: str) -> None:
    """'How is this computed?': the definition from the SQL file's header, and the SQL."""
    with st.expander("How is this computed?"):
        for name in names:
            comment, sql = data.definition(name)
            st.text(comment)
            st.caption(f"queries/metrics/{name}.sql")
            st.code(sql, language="sql")


def period_label(filters: Filters) -> str:
    if filters.start.day == 1 and (filters.end + dt.timedelta(days=1)).day == 1 and filters.days <= 31:
        return filters.start.strftime("%B %Y")
    return f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y}"


def no_tracker_note() -> None:
    st.info(
        "No issue-tracker export found, so there is no bug age to show. Put a Jira CSV export, a Jira "
        "REST search result, a GitHub issues JSON or a Linear CSV export in the data folder "
        "(see the README), then reload."
    )
