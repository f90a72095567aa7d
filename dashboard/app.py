"""Entry script: page config, the shared sidebar filters (bound to the URL), meeting mode, navigation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.config import load_settings
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters, last_full_month, months_back
from dashboard.views import FILTERS_KEY, MODEL_KEY, period_label

PRESETS = ("Last month", "Last quarter", "Year to date", "Last 12 months", "Custom")
MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
[data-testid="stMain"] {zoom: 1.3;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {font-size: 3.4rem !important; font-weight: 600;}
.block-container {padding-top: 1rem; max-width: 100% !important;}
</style>
"""

# A local image: a material-symbol favicon would be fetched from Google's font servers.
st.set_page_config(page_title="Product Health", page_icon=str(Path(__file__).parent / "icon.png"), layout="wide")


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    start, end = last_full_month(today)
    if preset == "Last quarter":
        first_month = (today.month - 1) // 3 * 3 + 1
        end = today.replace(month=first_month, day=1) - dt.timedelta(days=1)
        start = months_back(end, 2)
    elif preset == "Year to date":
        start, end = today.replace(month=1, day=1), today
    elif preset == "Last 12 months":
        start = months_back(end, 11)
    return start, end


def invalid_url_values(name: str, allowed: list[str]) -> list[str]:
    return [v for v in st.query_params.get_all(name) if v not in allowed]


def url_period(today: dt.date, notes: list[str]) -> tuple[dt.date, dt.date] | None:
    """A custom period from the link (?from=YYYY-MM-DD&to=YYYY-MM-DD), if it is a valid one."""
    raw_from, raw_to = st.query_params.get("from"), st.query_params.get("to")
    if raw_from is None and raw_to is None:
        return None
    try:
        start, end = dt.date.fromisoformat(str(raw_from)), dt.date.fromisoformat(str(raw_to))
    except ValueError:
        notes.append(f"Ignored the period from the link: '{str(raw_from)[:40]}' to '{str(raw_to)[:40]}' are not dates")
        return None
    if not dt.date(1990, 1, 1) <= start <= end <= today:
        notes.append(f"Ignored the period from the link: {start} to {end} is reversed or outside 1990 to today")
        return None
    return start, end


def sidebar(model: data.Model) -> Filters:
    choices = data.choices(model.fingerprint)
    today = dt.date.today()
    notes = []
    linked = url_period(today, notes)
    if linked and st.session_state.get("dates") != linked:
        st.session_state["preset"] = "Custom"
        st.session_state["dates"] = linked
    for name, allowed in (("product_line", choices.get("product_line", [])), ("preset", list(PRESETS)),
                          ("priority", choices.get("priority", [])), ("channel", choices.get("channel", []))):
        bad = invalid_url_values(name, allowed)
        if bad:
            notes.append(f"Ignored {name.replace('_', ' ')} from the link: {', '.join(v[:40] for v in bad)}")
    with st.sidebar:
        st.title("Product Health")
        preset = st.selectbox("Period", PRESETS, key="preset", bind="query-params")
        start, end = preset_period(preset, today)
        if preset == "Custom":
            default = {} if "dates" in st.session_state else {"value": (start, end)}
            picked = st.date_input("From – to", key="dates", max_value=today, **default)
            if isinstance(picked, tuple) and len(picked) == 2:
                start, end = picked
                st.query_params["from"], st.query_params["to"] = start.isoformat(), end.isoformat()
            else:
                st.caption("Pick the last day of the period.")
        else:
            for name in ("from", "to"):
                if name in st.query_params:
                    del st.query_params[name]
        product_lines = st.multiselect("Product lines", choices.get("product_line", []), key="product_line",
                                       bind="query-params", placeholder="All product lines")
        priorities, channels = [], []
        if len(choices.get("priority", [])) > 1:
            priorities = st.multiselect("Priority", choices["priority"], key="priority", bind="query-params",
                                        placeholder="All priorities")
        if len(choices.get("channel", [])) > 1:
            channels = st.multiselect("Channel", choices["channel"], key="channel", bind="query-params",
                                      placeholder="All channels")
        meeting = st.toggle("Meeting mode", value=st.query_params.get("mode") == "meeting",
                            help="Big type, no sidebar: for the shared screen. Leave with ?mode= in the URL.")
        if meeting:
            st.query_params["mode"] = "meeting"
        elif st.query_params.get("mode") == "meeting":
            del st.query_params["mode"]
        st.caption(f"Data folder: {model.report.data_dir}")
        st.caption(f"Data as of {(model.report.data_as_of or '-')[:16].replace('T', ' ')} UTC")
    for note in notes:
        st.warning(note, icon=":material/link_off:")
    return Filters(start=start, end=end, timezone=model.warehouse.settings.timezone,
                   product_lines=tuple(product_lines), priorities=tuple(priorities), channels=tuple(channels))


def sign_in_gate() -> None:
    """With [access] require_sign_in, only signed-in (and, with an allow-list, allowed) users
    get past this point. Sign-in is Streamlit's OIDC (st.login), configured in secrets.toml."""
    try:
        settings = load_settings(data.data_dir(), data.config_path())
    except ProductHealthError as exc:
        st.error(f"The settings could not be read: {exc}")
        st.stop()
    if not settings.require_sign_in:
        return
    if not st.user.is_logged_in:
        st.title("Product Health")
        if not auth_configured():
            st.error("Sign-in is required ([access] require_sign_in in health.toml), but .streamlit/secrets.toml "
                     "has no [auth] section. See the README's 'Who may open it'.")
            st.stop()
        st.write("Sign in with your company account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
        st.stop()
    if not settings.allows(st.user.get("email"), st.user.get("groups")):
        st.title("Product Health")
        st.error("Your account is not allowed to open this dashboard. Ask its owner to add your e-mail "
                 "domain or group to [access] in health.toml.")
        st.button("Sign out", on_click=st.logout)
        st.stop()


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, OSError, ValueError):
        return False


def main() -> None:
    sign_in_gate()
    try:
        model, failure = data.model()
    except ProductHealthError as exc:
        st.error(f"The data could not be loaded: {exc}")
        st.stop()
    if failure is not None:
        st.error(f"New exports could not be loaded (since {failure.since}): {failure.message}. Showing the last "
                 f"data that loaded, as of {(model.report.data_as_of or '-')[:16].replace('T', ' ')} UTC; fix or "
                 "remove the file and the dashboard picks it up on the next click.", icon=":material/sync_problem:")
    filters = sidebar(model)
    st.session_state[MODEL_KEY] = model
    st.session_state[FILTERS_KEY] = filters
    if st.query_params.get("mode") == "meeting":
        st.html(MEETING_CSS)
        st.title(f"Product health · {period_label(filters)}")
    if model.report.failed:
        st.warning("Some export files failed or had rejected rows: see the Data page before presenting these numbers.",
                   icon=":material/warning:")
    pages = [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/first_response.py", title="First response", icon=":material/reply:"),
        st.Page("app_pages/resolution.py", title="Resolution", icon=":material/task_alt:"),
        st.Page("app_pages/bugs.py", title="Bug age", icon=":material/bug_report:"),
        st.Page("app_pages/deflection.py", title="Deflection", icon=":material/support:"),
        st.Page("app_pages/impact.py", title="Customer impact", icon=":material/heart_broken:"),
        st.Page("app_pages/data_report.py", title="Data", icon=":material/folder_open:"),
    ]
    st.navigation(pages).run()


main()
