"""Small UI pieces the pages share: number formats, the "how is this computed?" box, filters.

Text from exports is always passed to Streamlit as plain text or DataFrame cells (never as
markdown or HTML), so a `<script>` in a title stays text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data
from dashboard.catalogue import target_text
from dashboard.filters import BASES, Filters
from dashboard.formatting import count, days, hours, is_missing, pct, period_label
from dashboard.htmlparts import STYLE, sparkline_svg, table_html, tiles_html
from dashboard.tiles import Tile

__all__ = ["count", "days", "hours", "is_missing", "pct", "period_label"]

FILTERS_KEY = "ph_filters"
MODEL_KEY = "ph_model"
PERSON_KEY = "ph_person"  # (access.Person, access.SessionBook) of the signed-in viewer
COMPANY_TOTALS_KEY = "ph_company_totals"  # whether this viewer sees company-wide totals


def company_totals() -> bool:
    """False for a viewer restricted to some product lines ([access.product_lines]) unless
    [access] show_company_totals."""
    return st.session_state.get(COMPANY_TOTALS_KEY, True)


def current_filters() -> Filters:
    return st.session_state[FILTERS_KEY]


def basis_switch(filters: Filters) -> Filters:
    """Calendar or business hours for this page's times, on the page itself (so it is there in
    meeting mode too); kept in the URL as ?basis=business, which meeting mode carries between
    pages."""
    current = "business" if st.query_params.get("basis") == "business" else "calendar"
    if st.session_state.get("ph_basis") not in BASES:
        st.session_state["ph_basis"] = current
    choice = st.segmented_control(
        "Hours",
        list(BASES),
        key="ph_basis",
        format_func=lambda basis: {"calendar": "Calendar hours", "business": "Business hours"}[basis],
        help="Business hours count only the time the team's schedule is open ([[schedules]] in health.toml).",
    )
    basis = choice if choice in BASES else "calendar"
    if basis == "business":
        st.query_params["basis"] = "business"
    elif "basis" in st.query_params:
        del st.query_params["basis"]
    return replace(filters, basis=basis)


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


def show_tiles(
    tiles: list[Tile],
    sparks: dict[str, list[float | None]] | None = None,
    marks: tuple[int, ...] = (),
    drill_href: Callable[[str], str] | None = None,
) -> None:
    """A row of tiles (htmlparts), sized for the room in meeting mode; `marks`: the sparklines'
    months with an event; `drill_href(path)`: where a click on a tile's number goes (drill.href)."""
    st.html(f"<style>{STYLE}</style>" + tiles_html(tiles, sparks or {}, is_meeting(), marks, drill_href))


def show_table(
    frame: pd.DataFrame,
    column_config: dict[str, Any],
    meeting_rows: int = 8,
    links: Callable[[int, str], str | None] | None = None,
) -> None:
    """A table: sortable (st.dataframe) at the desk; on the shared screen an HTML table of text
    whose columns wrap to fit the width (no sideways scrolling), its first `meeting_rows` rows
    and a line counting the rest, a cell linking where `links(row, column)` says (the desk
    has the links as a column of its own: 'list')."""
    if not is_meeting():
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
        return
    shown = frame.head(meeting_rows).drop(columns=[c for c in ("url", "list") if c in frame.columns])
    labels = {c: _label(column_config.get(c), c) for c in shown.columns}
    formats = {
        labels[c]: (lambda v: sparkline_svg([float(x) for x in v], height=28))
        if c == "monthly_tickets"
        else (lambda v: f"{v:,.0f}")
        for c in shown.columns
        if c == "monthly_tickets" or pd.api.types.is_numeric_dtype(shown[c])
    }
    hidden = len(frame) - len(shown)
    more = f"and {hidden} more: see the dashboard without meeting mode" if hidden else ""
    columns = {label: column for column, label in labels.items()}
    st.html(
        f"<style>{STYLE}</style>"
        + table_html(
            shown.rename(columns=labels),
            formats,
            "ph-lines ph-meeting ph-list",
            more=more,
            links=(lambda row, label: links(row, columns[label])) if links else None,
        )
    )


def _label(config: Any, column: str) -> str:
    if isinstance(config, str):
        return config
    if isinstance(config, dict) and config.get("label"):
        return str(config["label"])
    return column.replace("_", " ").capitalize()


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


def heading(page: str, filters: Filters) -> None:
    """'First response · October 2026', and the product lines when some are chosen: on the
    shared screen the filter must be in the title, not only in the sidebar."""
    lines = filters.lines
    scope = "" if not lines else f" · {', '.join(lines)}" if len(lines) <= 2 else f" · {len(lines)} product lines"
    st.header(f"{page} · {period_label(filters)}{scope}", anchor=False)


def with_target(fig: go.Figure, path: str, filters: Filters, yref: str = "y") -> go.Figure:
    """The chart with the settings' target for `path` (kpis JSON path) as a dashed line, at the
    filter's level (a product line's own target when exactly one is chosen)."""
    targets = current_model().warehouse.settings.targets_for(filters.lines)
    if path in targets:
        charts.target_line(fig, targets[path], target_text(path, targets[path]), yref)
    return fig


SCHEMES = ("light", "dark")


def forced_scheme() -> str | None:
    """The scheme a presenter chose for the room (?theme=light|dark), if a valid one."""
    value = st.query_params.get("theme")
    return value if value in SCHEMES else None


def scheme() -> str:
    """The colour scheme on screen: the forced one, else the one Streamlit reports for this
    browser (its system setting or its settings menu, as of this run); light if not known yet.
    The project's HTML follows the scheme by itself (CSS light-dark()); charts need this."""
    return forced_scheme() or st.context.theme.type or "light"


def is_meeting() -> bool:
    """Meeting mode (?mode=meeting): the shared screen."""
    return st.query_params.get("mode") == "meeting"


# The URL values of the list behind a number (drill.py): its kpis path, and what narrows it to one
# product line, one month, a range of hours or one bug's tickets.
DRILL_PARAMS = ("drill", "drill_line", "drill_month", "drill_hours", "drill_bug")
Drill = str | dict[str, str] | dict[str, tuple[str, str]]  # what a click on a chart opens (chart())


def chart(fig: go.Figure, empty: str, height: int = 360, narrow: bool = False, drill: Drill | None = None) -> None:
    """A plotly chart across its column, or, when it has nothing to draw, why (never an empty
    frame with axes from -1 to 1). In meeting mode its type is sized for the room and its
    height fitted to the screen (`height`: the page's share of it); a `narrow` chart (a third
    of the screen) labels every other month. A monthly chart marks the events (events.csv,
    [[events]]) of the 12 months up to the period's end. `drill`: the kpis path whose rows a
    click on a month's point or bar opens (drill.py), or one per bar series (its column); for a
    chart of buckets, (path, 'low-high' hours or '') per bar label."""
    if not charts.has_data(fig):
        st.info(empty, icon=":material/query_stats:")
        return
    lines = current_filters().lines
    if lines:  # the black total is of the chosen (or, restricted, the viewer's) lines, not of all
        scope = ", ".join(lines) if len(lines) <= 2 else "Chosen lines"
        for trace in fig.data:
            if trace.name and trace.name.startswith("All product lines"):
                trace.name = trace.name.replace("All product lines", f"{scope}, total", 1)
    if fig.layout.xaxis.dtick == "M1":  # a trend: the launches and incidents of its months
        charts.events(fig, data.metric("events", current_filters().trailing_months(12), current_model().fingerprint))
    dark = scheme() == "dark"
    if dark:
        charts.for_dark(fig)
    if is_meeting():
        charts.for_the_room(fig, height, dark)
        if narrow and fig.layout.xaxis.dtick == "M1":
            fig.update_xaxes(dtick="M2")
        options = {"theme": None, "config": {"displaylogo": False, "displayModeBar": False}}
    else:
        options = {"config": {"displaylogo": False}}
    if drill:
        key = f"ph_chart_{len(fig.data)}_{fig.layout.title.text}"
        options |= {"on_select": lambda: _drill_point(fig, key, drill), "selection_mode": "points", "key": key}
    st.plotly_chart(fig, width="stretch", **options)


def _drill_point(fig: go.Figure, key: str, drill: Drill) -> None:
    """A click on a chart: the list behind that point: a month's (its series' product line), or
    a bucket's (its hours)."""
    points = st.session_state[key].selection.points
    if not points:
        return
    trace, index = fig.data[points[0]["curve_number"]], points[0]["point_index"]
    meta, x = trace.meta or {}, trace.x[index]  # a grouped bar's x in the event is offset: the data's
    params = {name: st.query_params.get_all(name) for name in st.query_params if name not in DRILL_PARAMS}
    if fig.layout.xaxis.dtick in ("M1", "M2"):
        path = drill if isinstance(drill, str) else drill.get(meta.get("column", ""))
        params |= {"drill_month": [f"{pd.Timestamp(x):%Y-%m}"]} | (
            {"drill_line": [meta["line"]]} if meta.get("line") else {}
        )
    else:
        path, hours = drill.get(str(x), ("", "")) if isinstance(drill, dict) else (drill, "")
        params |= {"drill_hours": [hours]} if hours else {}
    if path:
        st.query_params.from_dict(params | {"drill": [path]})  # one change of the URL: back closes the list


def explain(*names: str) -> None:
    """'How is this computed?': the plain-language definitions first; the SQL files (their
    technical header and the query) behind a second expander, closed."""
    with st.expander("How is this computed?", icon=":material/help:"):
        for name in names:
            st.text(data.definition(name)[0])
    if is_meeting():
        return
    with st.expander("The SQL behind these numbers", icon=":material/code:"):
        for name in names:
            st.caption(f"queries/metrics/{name}.sql")
            st.code(data.definition(name)[1], language="sql")


def no_tracker_note() -> None:
    st.info(
        "No issue-tracker export found, so there is no bug age to show. Put a Jira CSV export, a Jira "
        "REST search result, a GitHub issues JSON or a Linear CSV export in the data folder "
        "(see the README), then reload."
    )
