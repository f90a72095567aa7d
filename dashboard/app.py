"""Entry script: page config, the shared sidebar filters (bound to the URL), meeting mode, navigation."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from pathlib import Path

import streamlit as st

from dashboard import access, data
from dashboard.access import ERROR_COOKIE
from dashboard.errors import ProductHealthError
from dashboard.filters import PRESETS, Filters
from dashboard.formatting import when
from dashboard.metrics import Coverage
from dashboard.settings import load_settings
from dashboard.store import store_dir
from dashboard.tiles import coverage_text
from dashboard.views import COMPANY_TOTALS_KEY, FILTERS_KEY, MODEL_KEY, PERSON_KEY, SCHEMES, forced_scheme, is_meeting

UNBOUND_PARAMS = ("mode", "from", "to", "basis", "theme")  # URL values no widget is bound to
# Meeting mode: no sidebar, page names across the top, type sized for the room by CSS (not by
# zooming the page: plotly lays charts out at the unzoomed width, so a zoom cuts them off).
MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], [data-testid="stDecoration"] {display: none !important;}
.block-container {padding: .6rem 1.5vw 1rem 1.5vw !important; max-width: 100% !important;}
header[data-testid="stHeader"] {display: none;}
.st-key-ph_pages a p, .st-key-ph_pages a span {font-size: max(15px, 1.05vw) !important;}
h1, h2 {font-size: max(26px, 2.3vw) !important; padding: .1rem 0 !important;}
h3 {font-size: max(20px, 1.5vw) !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: max(15px, 1.1vw) !important;
    color: light-dark(#374151, #d1d5db) !important; opacity: 1 !important;}
[data-testid="stMarkdownContainer"] p, [data-testid="stExpander"] summary p {font-size: max(16px, 1.1vw);}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {font-size: max(36px, 3.2vw) !important;
    font-weight: 650;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p {font-size: max(16px, 1.3vw) !important;}
.st-key-ph_presenter button p {font-size: max(15px, 1vw) !important;}
.st-key-ph_presenter kbd {opacity: .8 !important;}  /* the key's hint: Streamlit's .6 reads 3.9:1 on white */
[role="dialog"] h2 {font-size: max(18px, 1.2vw) !important; padding: .4rem 0 0 0 !important;}
.st-key-ph_meeting_sign_out button [data-testid="stMarkdownContainer"] {position: absolute; width: 1px; height: 1px;
    overflow: hidden; clip-path: inset(50%);}
.st-key-ph_page_keys {position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
    opacity: 0;}
</style>
"""

# ?theme=light|dark for the room: Streamlit itself takes a scheme from the page address only as
# ?embed_options=light_theme|dark_theme, read once as the page loads (and kept out of
# st.query_params), so the page is loaded once more with it. Its own widgets, text and the
# project's HTML (CSS light-dark()) then follow; the viewer's stored choice is left alone.
FORCE_SCHEME = """<script>
(() => {
  const url = new URL(window.location.href);
  const options = url.searchParams.getAll("embed_options");
  if (options.includes("OPTION")) return;  /* asked for already: never a loop */
  url.searchParams.delete("embed_options");
  for (const kept of options.filter(o => !o.endsWith("_theme"))) url.searchParams.append("embed_options", kept);
  url.searchParams.append("embed_options", "OPTION");
  window.location.replace(url.toString());
})();
</script>"""


def force_scheme() -> None:
    """The scheme a presenter chose (?theme=), when Streamlit is showing the other one."""
    wanted = forced_scheme()
    if wanted is not None and st.context.theme.type != wanted:
        st.html(FORCE_SCHEME.replace("OPTION", f"{wanted}_theme"), unsafe_allow_javascript=True)


# Everywhere: Streamlit draws captions at 60 % opacity, 3.7:1 on white; a solid grey of the scheme
# (light-dark(): the one Streamlit shows) keeps 4.5:1 and more in both.
READABLE_CSS = """<style>
[data-testid="stCaptionContainer"] {opacity: 1 !important; color: light-dark(#4b5563, #b6bcc6) !important;}
</style>"""

# A local image: a material-symbol favicon would be fetched from Google's font servers.
st.set_page_config(page_title="Product Health", page_icon=str(Path(__file__).parent / "icon.png"), layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/first_response.py", title="First response", icon=":material/reply:"),
    st.Page("app_pages/resolution.py", title="Resolution", icon=":material/task_alt:"),
    st.Page("app_pages/bugs.py", title="Bug age", icon=":material/bug_report:"),
    st.Page("app_pages/deflection.py", title="Deflection", icon=":material/support:"),
    st.Page("app_pages/impact.py", title="Customer impact", icon=":material/heart_broken:"),
    st.Page("app_pages/service.py", title="SLA, backlog, CSAT", icon=":material/timer:"),
    st.Page("app_pages/data_report.py", title="Data", icon=":material/folder_open:"),
]


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


def sidebar(model: data.Model, lines: tuple[str, ...] | None = None) -> Filters:
    """The shared filters (each bound to the URL), meeting mode, a link to this view, what the
    data covers and sign-out; a value from the link that is not valid is named in a warning.
    `lines`: the product lines this viewer may see (None: every line)."""
    choices = data.choices(model.fingerprint)
    if lines is not None:
        choices = choices | {"product_line": [line for line in choices.get("product_line", []) if line in lines]}
    timezone = model.warehouse.settings.timezone
    coverage = data.coverage(timezone, model.fingerprint)
    today = dt.date.today()
    notes = url_notes(choices, today)
    with st.sidebar:
        st.title("Product Health")
        if PERSON_KEY in st.session_state:  # at the top: always in sight
            with st.container(horizontal=True, vertical_alignment="center", key="ph_signed_in"):
                st.caption(f"Signed in as {st.session_state[PERSON_KEY][0].email or 'you'}")
                sign_out_button(*st.session_state[PERSON_KEY])
        start, end = period_picker(coverage, today)
        product_lines, priorities, channels = value_filters(choices, restricted=lines is not None)
        meeting_toggle()
        with st.expander("Link to this view", icon=":material/link:"):
            st.caption("Pins the period, so the link shows the same months whenever it is opened.")
            st.code(view_link(start, end), language=None, wrap_lines=True)
        data_notes(model, coverage)
    for note in notes:
        st.warning(note, icon=":material/link_off:")
    return Filters(
        start=start,
        end=end,
        timezone=timezone,
        product_lines=tuple(product_lines),
        priorities=tuple(priorities),
        channels=tuple(channels),
        allowed_lines=lines,
    )


def url_notes(choices: dict[str, list[str]], today: dt.date) -> list[str]:
    """Takes a custom period from the link into the date picker; names the link's values that
    are not valid (they are dropped)."""
    notes: list[str] = []
    linked = url_period(today, notes)
    if linked and st.session_state.get("dates") != linked:
        st.session_state["preset"] = "Custom"
        st.session_state["dates"] = linked
    for name, allowed in (
        ("product_line", choices.get("product_line", [])),
        ("preset", list(PRESETS)),
        ("priority", choices.get("priority", [])),
        ("channel", choices.get("channel", [])),
        ("theme", list(SCHEMES)),
    ):
        bad = invalid_url_values(name, allowed)
        if bad:
            notes.append(f"Ignored {name.replace('_', ' ')} from the link: {', '.join(v[:40] for v in bad)}")
    return notes


def period_picker(coverage: Coverage, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period: a preset, or custom days (kept in the URL as ?from=&to=)."""
    preset = st.selectbox("Period", PRESETS, key="preset", bind="query-params")
    start, end = coverage.preset(preset, today)
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
    return start, end


def value_filters(choices: dict[str, list[str]], restricted: bool = False) -> tuple[list[str], list[str], list[str]]:
    """Product lines (a restricted viewer's own only), and priority and channel where the data
    has more than one of them."""
    product_lines = st.multiselect(
        "Product lines",
        choices.get("product_line", []),
        key="product_line",
        bind="query-params",
        placeholder=f"Yours: {', '.join(choices.get('product_line', []))}"[:60] if restricted else "All product lines",
    )
    priorities, channels = [], []
    if len(choices.get("priority", [])) > 1:
        priorities = st.multiselect(
            "Priority", choices["priority"], key="priority", bind="query-params", placeholder="All priorities"
        )
    if len(choices.get("channel", [])) > 1:
        channels = st.multiselect(
            "Channel", choices["channel"], key="channel", bind="query-params", placeholder="All channels"
        )
    return product_lines, priorities, channels


def meeting_toggle() -> None:
    meeting = st.toggle(
        "Meeting mode",
        value=st.query_params.get("mode") == "meeting",
        help="For the shared screen: big type, page names across the top, ← / → (or a "
        "clicker's Page Up / Page Down) move between pages, Esc leaves.",
    )
    if meeting:
        st.query_params["mode"] = "meeting"
    elif st.query_params.get("mode") == "meeting":
        del st.query_params["mode"]


def data_notes(model: data.Model, coverage: Coverage) -> None:
    """What the data covers, where it is, how fresh, and whether any file failed."""
    if coverage.spans:
        st.caption(" · ".join(coverage_text(coverage, entity) for entity in coverage.spans))
    else:
        st.caption("The data folder has no tickets, issues or sessions yet.")
    st.caption(f"Data folder: {model.report.data_dir}")
    st.caption(f"Data as of {when(model.report.data_as_of)}")
    if model.report.failed:
        st.warning(
            "Some export files failed or had rejected rows: see the Data page before presenting these numbers.",
            icon=":material/warning:",
        )


def view_link(start: dt.date, end: dt.date) -> str:
    """This page's address with its filters and the period pinned as ?from=&to=."""
    params = {name: st.query_params.get_all(name) for name in st.query_params if name not in ("preset", "from", "to")}
    params |= {"from": [start.isoformat()], "to": [end.isoformat()]}
    base = (st.context.url or "").split("?")[0].split("#")[0]
    return f"{base}?{urllib.parse.urlencode(params, doseq=True)}"


def presenter_bar(current: st.Page) -> None:
    """Meeting mode's controls: the pages by name, previous / next (← → and a clicker's Page Up /
    Page Down) and a way out (Esc). The mode, the period and the filters stay in the URL."""
    index = next((i for i, page in enumerate(PAGES) if page.url_path == current.url_path), 0)
    keep = {name: st.query_params.get_all(name) for name in UNBOUND_PARAMS if name in st.query_params}
    target = None
    with st.container(horizontal=True, key="ph_presenter", vertical_alignment="center", gap="small"):
        with st.container(horizontal=True, key="ph_pages", gap=None, width="content"):
            for page in PAGES:
                st.page_link(page, query_params=keep)
        st.space("stretch")
        if st.button("Previous", icon=":material/arrow_back:", shortcut="Left", disabled=index == 0):
            target = index - 1
        if st.button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=index == len(PAGES) - 1):
            target = index + 1
        if st.button("Leave", icon=":material/close_fullscreen:", shortcut="Esc", help="Leave meeting mode (Esc)"):
            del st.query_params["mode"]
            st.rerun()
        if PERSON_KEY in st.session_state:
            sign_out_button(*st.session_state[PERSON_KEY], key="ph_meeting_sign_out")  # its icon only (CSS)
    with st.container(key="ph_page_keys"):  # out of sight: a presenter clicker sends Page Up / Page Down
        if st.button("Previous page", shortcut="PageUp", disabled=index == 0):
            target = index - 1
        if st.button("Next page", shortcut="PageDown", disabled=index == len(PAGES) - 1):
            target = index + 1
    if target is not None:
        # Widget-bound values (period preset, product lines, ...) follow their widgets by themselves;
        # Streamlit refuses them here.
        st.switch_page(PAGES[target], query_params=keep)


def sign_in_gate() -> tuple[str, ...] | None:
    """With [access] require_sign_in, only signed-in, allowed users in a live session get past
    this point; returns the product lines they may see (None: every line). Sign-in is
    Streamlit's OIDC (st.login), configured in secrets.toml; sessions end by access.py."""
    try:
        settings = load_settings(data.data_dir(), data.config_path())
    except ProductHealthError as exc:
        st.error(f"The settings could not be read: {exc}")
        st.stop()
    st.session_state[COMPANY_TOTALS_KEY] = True
    if not settings.require_sign_in:
        return None
    if not auth_configured():  # before st.user: without [auth] it has no is_logged_in at all
        st.title("Product Health")
        st.error(
            "Sign-in is required ([access] require_sign_in in health.toml), but no secrets file with an [auth] "
            "section was found (looked for .streamlit/secrets.toml where `product-health serve` was started, "
            "~/.streamlit/secrets.toml, or the file given with --secrets). See the README's 'Who may open it'."
        )
        st.stop()
    if not st.user.get("is_logged_in", False):
        sign_in_screen("Sign in with your company account to see the dashboard.")
    person = access.Person.from_claims(st.user.to_dict())
    book = access.book_at(store_dir(data.data_dir()))
    verdict = access.verdict(settings, person, book)
    access.record(book, person, verdict)
    if not verdict.admitted:
        st.title("Product Health")
        st.error(verdict.reason, icon=":material/block:")
        if verdict.ended:
            st.button("Sign in again", on_click=st.login, type="primary", icon=":material/login:")
        else:
            st.caption("Ask the dashboard's owner to add your e-mail domain or group to [access] in health.toml.")
            sign_out_button(person, book)
        st.stop()
    st.session_state[PERSON_KEY] = (person, book)
    st.session_state[COMPANY_TOTALS_KEY] = verdict.lines is None or settings.show_company_totals
    return verdict.lines


def sign_in_screen(message: str) -> None:
    """The signed-out screen: why a sign-in just failed (server.py leaves the reason in a
    cookie), and the button."""
    st.title("Product Health")
    failed = st.context.cookies.get(ERROR_COOKIE)
    if failed:
        st.error(f"Sign-in failed. {urllib.parse.unquote(failed)[:300]}", icon=":material/error:")
    st.write(message)
    st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
    st.stop()


def sign_out_button(person: access.Person, book: access.SessionBook, key: str = "ph_sign_out") -> None:
    """Sign out: this session is recorded as ended (its cookie, replayed anywhere, no longer
    opens anything), then Streamlit's own sign-out (the cookie, the provider's session)."""

    def sign_out() -> None:
        book.sign_out(person.session)
        access.record(book, person, "sign-out")
        st.logout()

    st.button("Sign out", on_click=sign_out, icon=":material/logout:", key=key, help="Sign out")


def url_lines_refused(lines: tuple[str, ...]) -> None:
    """A link asking for a product line outside the viewer's is refused, not widened or narrowed."""
    asked = [*st.query_params.get_all("product_line"), *st.query_params.get_all("drill_line")]
    outside = [value for value in dict.fromkeys(asked) if value not in lines]
    if outside:
        named = ", ".join("'" + re.sub(r"[^\w .,&/+-]", "?", value[:40]) + "'" for value in outside)
        st.title("Product Health")
        st.error(
            f"This link asks for product line {named}, which your account may not see. Open the dashboard "
            f"without it: you see {', '.join(lines)}.",
            icon=":material/block:",
        )
        st.stop()


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, OSError, ValueError):
        return False


@st.fragment(run_every=1.0)
def refresh_note(as_of: str) -> None:
    """While new exports are loaded, the last model answers: a note, the load's progress, and
    a rerun of the whole page once the new model is ready (or failed: main() says so)."""
    progress = data.refreshing()
    if progress is None:
        st.rerun()
    st.info(
        f"New exports are being loaded; the dashboard shows the data as of {as_of} UTC until they are ready.",
        icon=":material/sync:",
    )
    st.progress(progress.fraction)
    st.text(progress.text())  # plain text: file names are the user's, not markdown


def main() -> None:
    force_scheme()
    st.html(READABLE_CSS)
    styled = is_meeting()
    if styled:  # first, so the sidebar never flashes up on the shared screen
        st.html(MEETING_CSS)
    lines = sign_in_gate()
    if lines is not None:
        url_lines_refused(lines)
    try:
        model, failure = data.model()
    except ProductHealthError as exc:
        st.error(f"The data could not be loaded: {exc}")
        st.stop()
    if failure is not None:
        st.error(
            f"New exports could not be loaded (since {failure.since}): {failure.message}. Showing the last "
            f"data that loaded, as of {(model.report.data_as_of or '-')[:16].replace('T', ' ')} UTC; fix or "
            "remove the file and the dashboard picks it up on the next click.",
            icon=":material/sync_problem:",
        )
    elif data.refreshing() is not None:
        refresh_note((model.report.data_as_of or "-")[:16].replace("T", " "))
    filters = sidebar(model, lines)
    st.session_state[MODEL_KEY] = model
    st.session_state[FILTERS_KEY] = filters
    meeting = is_meeting()
    page = st.navigation(PAGES, position="hidden" if meeting else "sidebar")
    if meeting:
        if not styled:
            st.html(MEETING_CSS)
        presenter_bar(page)
    with data.RESULTS.busy():  # the warm-up waits while this page is drawn
        page.run()


main()
