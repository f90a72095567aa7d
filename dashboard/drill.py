"""The list behind a number, on screen: a click on a tile, a product-line cell, a What-changed
sentence, a month of a KPI page's chart, a bar of the first-reply histogram or a still-hurting
bug opens `?drill=<kpis path>` (narrowed by `&drill_line=` one product line, `&drill_month=`
one month, `&drill_hours=` a range of hours, `&drill_bug=` one bug's tickets), which shows the
tickets, bugs or sessions behind that number (rows.py) in a dialog: its count and filters in a
sentence, sortable at the desk, paged on the shared screen, a CSV of all of them. The URL holds
it, so a link reopens the same list and the browser's back button closes it.

Values from the URL are checked against the known keys and product lines, and reach SQL only
as bound parameters (rows.py).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import data, rows
from dashboard.downloads import csv_bytes
from dashboard.filters import Filters, months_back
from dashboard.formatting import count, day, days, hours, shown_as
from dashboard.htmlparts import STYLE, render, table_html
from dashboard.views import DRILL_PARAMS, current_model, is_meeting

MEETING_ROWS = 10  # rows a page on the shared screen
# What the shared screen shows of a list (those that have values): what tells one row from
# another, and the number it adds to the list.
MEETING_COLUMNS = (
    "id",
    "title",
    "created_at",
    "started_at",
    "product_line",
    "priority",
    "channel",
    "status",
    "age_days",
    "tickets_in_period",
    "value",
    "is_median",
)
# ... and, for an SLA's lists, why each ticket is there: its time and its deadline.
WHY = (
    ("sla.first_response.", ("first_response_hours", "first_response_due_at")),
    ("sla.resolution.", ("resolution_hours", "resolution_due_at")),
)

# The columns people read, by the rows' own names (rows.TICKET_COLUMNS and the bugs' and
# sessions'); a column with no value in the list is left out. Never a person's name or e-mail.
LABELS = {
    "id": "Ticket",
    "title": "Title",
    "source": "Source",
    "created_at": "Created",
    "started_at": "Started",
    "product_line": "Product line",
    "priority": "Priority",
    "channel": "Channel",
    "status": "Status",
    "value": "Value",
    "first_response_hours": "First reply (h)",
    "first_response_business_hours": "First reply, business (h)",
    "resolution_hours": "Resolution (h)",
    "sla_first_response_status": "First-reply SLA",
    "first_response_due_at": "First reply due",
    "sla_resolution_status": "Resolution SLA",
    "resolution_due_at": "Resolution due",
    "rating": "Rating",
    "linked_bug_key": "Linked bug",
    "age_days": "Age (d)",
    "tickets_in_period": "Tickets in period",
    "is_median": "Median",
    "url": "Link",
}


def href(path: str, line: str | None = None, bug: str | None = None) -> str:
    """This page's address with its filters and the list of `path` open (for one product line,
    or one still-hurting bug's tickets)."""
    params = {name: st.query_params.get_all(name) for name in st.query_params if name not in DRILL_PARAMS}
    params |= {"drill": [path]} | ({"drill_line": [line]} if line else {}) | ({"drill_bug": [bug]} if bug else {})
    return "?" + urllib.parse.urlencode(params, doseq=True)


def show(filters: Filters) -> None:
    """The dialog of the list the URL asks for, if it asks for one."""
    path = st.query_params.get("drill")
    if not path:
        return
    if path not in rows.drill_keys():
        st.warning("The link asks for a list this dashboard does not have.", icon=":material/link_off:")
        return
    line = st.query_params.get("drill_line")
    if line is not None:
        known = data.choices(current_model().fingerprint).get("product_line", [])
        if line not in known or (filters.lines and line not in filters.lines):
            st.warning("The link's product line is not one of the chosen ones.", icon=":material/link_off:")
            return
        filters = replace(filters, product_lines=(line,))
    month = st.query_params.get("drill_month")
    if month is not None:
        try:
            start = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            st.warning("The link's month is not a month.", icon=":material/link_off:")
            return
        filters = replace(filters, start=start, end=months_back(start, -1) - dt.timedelta(days=1))
    hours = _hours(st.query_params.get("drill_hours"))
    if hours is False:
        st.warning("The link's hours are not a range such as 1-4.", icon=":material/link_off:")
        return
    bug = st.query_params.get("drill_bug")
    if bug is not None and (path != "impact.linked_tickets" or not 0 < len(bug) <= 200):
        st.warning("The link's bug does not go with its list.", icon=":material/link_off:")
        return
    st.dialog("The list behind the number", width="large", on_dismiss=_close)(_body)(path, filters, hours, bug)


def _within(frame: pd.DataFrame, hours: tuple[float, float] | None) -> pd.DataFrame:
    return frame if hours is None else frame[(frame["value"] >= hours[0]) & (frame["value"] < hours[1])]


def _hours(text: str | None) -> tuple[float, float] | None | bool:
    """'1-4' -> (1, 4): the values from 1 up to 4 hours; '24-' -> (24, inf); None -> None; else False."""
    if text is None:
        return None
    low, dash, high = text.partition("-")
    try:
        return (float(low or 0), float(high) if high else float("inf")) if dash else False
    except ValueError:
        return False


def _close() -> None:
    for name in DRILL_PARAMS:
        if name in st.query_params:
            del st.query_params[name]


def _body(path: str, filters: Filters, hours: tuple[float, float] | None, bug: str | None) -> None:
    key = current_model().fingerprint
    if hours is None:
        total, frame = data.rows_on_screen(path, filters, key, bug)
        sentence = rows.sentence(path, filters, total) + (f" · {bug}" if bug else "")
    else:  # a bar of a histogram: the values in its range (a period's list: short enough to read whole)
        frame = _within(data.all_rows(path, filters, key), hours)
        total, frame = len(frame), frame.head(rows.SCREEN_ROWS)
        upper = f"–{hours[1]:g} h" if hours[1] != float("inf") else " h and more"
        sentence = rows.sentence(path, filters, total) + f" · {hours[0]:g}{upper}"
    more = f"The {len(frame):,} largest are listed; the CSV has all {total:,}." if total > len(frame) else ""
    st.html(f"<style>{STYLE}</style>" + render("drill.html", sentence=sentence, more=more, meeting=is_meeting()))
    shown = _readable(frame)
    if is_meeting():
        _meeting_page(shown, path)
    else:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=_column_config(shown, path), height=420)
    st.download_button(
        "All of them (CSV)",
        data=lambda: csv_bytes(_within(data.all_rows(path, filters, key, bug), hours)),  # made on click
        file_name=f"{path}-{filters.start:%Y-%m-%d}-{filters.end:%Y-%m-%d}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def _web(url: object) -> str | None:
    """A web address to link to (http/https only), else None."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _value_label(path: str) -> str:
    """The value column's header: what a value list is sorted by."""
    unit = path.rsplit(".", 1)[-1]
    return "Hours" if unit.endswith("_hours") else "Days" if "days" in unit else LABELS["value"]


def _day(value: object) -> str:
    return day(pd.Timestamp(value).date())


def _when(value: object) -> str:
    moment = pd.Timestamp(value)
    return f"{day(moment.date())}, {moment:%H:%M}"


def _column_config(shown: pd.DataFrame, path: str) -> dict[str, object]:
    """Labels, one decimal for hours and days, dates as people write them, links as 'open'."""
    config: dict[str, object] = {}
    for name in shown.columns:
        label = LABELS.get(name, name)
        if name == "url":
            config[name] = st.column_config.LinkColumn(label, display_text="open")
        elif pd.api.types.is_datetime64_any_dtype(shown[name]):
            config[name] = st.column_config.DatetimeColumn(label, format="D MMM YYYY, HH:mm")
        elif pd.api.types.is_float_dtype(shown[name]):
            config[name] = st.column_config.NumberColumn(
                _value_label(path) if name == "value" else label, format="%.1f"
            )
        else:
            config[name] = st.column_config.Column(label)
    return config


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The list's columns people read: the largest values first where it has values; the
    median's rows marked in words; columns without any value left out."""
    shown = frame.drop(columns=[c for c in frame.columns if c not in LABELS or frame[c].isna().all()])
    if "value" in shown.columns:  # what the list is sorted by, beside what names each row
        shown = shown.sort_values("value", ascending=False, kind="stable")
        first = [c for c in ("id", "title", "value", "is_median") if c in shown.columns]
        shown = shown[first + [c for c in shown.columns if c not in first]]
    if "is_median" in shown.columns:
        shown["is_median"] = shown["is_median"].map(lambda marked: "◆ median" if marked is True or marked == 1 else "")
        if not (shown["is_median"] != "").any():
            shown = shown.drop(columns="is_median")
    return shown.reset_index(drop=True)


def _meeting_page(shown: pd.DataFrame, path: str) -> None:
    """On the shared screen: MEETING_ROWS rows of text a page (the columns that tell them apart
    and the number they add), with Previous / Next."""
    pages = max(1, -(-len(shown) // MEETING_ROWS))
    state = f"ph_drill_page_{path}"  # each list opens on its first page
    page = min(max(int(st.session_state.get(state, 0)), 0), pages - 1)
    part = shown.iloc[page * MEETING_ROWS : (page + 1) * MEETING_ROWS]
    urls = part["url"].tolist() if "url" in part.columns else [None] * len(part)
    wanted = [*MEETING_COLUMNS, *next((extra for prefix, extra in WHY if path.startswith(prefix)), ())]
    part = part[[c for c in wanted if c in part.columns]]
    formats = {
        LABELS["age_days"]: days,
        LABELS["tickets_in_period"]: count,
        LABELS["created_at"]: _day,
        LABELS["started_at"]: _day,
        LABELS["first_response_hours"]: hours,
        LABELS["resolution_hours"]: hours,
        LABELS["first_response_due_at"]: _when,
        LABELS["resolution_due_at"]: _when,
    }
    body = table_html(
        part.rename(columns=LABELS | {"value": _value_label(path)}),
        formats | {_value_label(path): shown_as(path)},
        "ph-lines ph-meeting ph-list",
        links=lambda row, column: _web(urls[row]) if column == LABELS["id"] else None,  # the id opens its page
    )
    st.html(f"<style>{STYLE}</style>{body}")
    left, middle, right = st.columns([1, 2, 1])
    if left.button("Previous", icon=":material/arrow_back:", disabled=page == 0, key="ph_drill_prev"):
        st.session_state[state] = page - 1
        st.rerun(scope="fragment")
    middle.caption(f"Rows {page * MEETING_ROWS + 1:,}–{min((page + 1) * MEETING_ROWS, len(shown)):,} of {len(shown):,}")
    if right.button("Next", icon=":material/arrow_forward:", disabled=page >= pages - 1, key="ph_drill_next"):
        st.session_state[state] = page + 1
        st.rerun(scope="fragment")
