"""AppTest: every page renders on the sample data; filters and URL parameters drive the tiles."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import PROJECT_ROOT, SAMPLE_DATA_DIR, data

pytestmark = pytest.mark.slow

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/first_response.py",
    "app_pages/resolution.py",
    "app_pages/bugs.py",
    "app_pages/deflection.py",
    "app_pages/impact.py",
    "app_pages/service.py",
    "app_pages/data_report.py",
]


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    data._LAST_GOOD.clear()
    data.RESULTS.clear()
    data._FAILED.clear()
    monkeypatch.delenv("PRODUCT_HEALTH_DATA", raising=False)
    yield


def run(
    query: dict | None = None, page: str | None = None, user: dict | None = None, secrets: dict | None = None
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        at.user = user
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


TILE = re.compile(
    r'<div class="ph-tile" data-label="([^"]*)"><div class="ph-label">[^<]*</div>'
    r'<div class="ph-value[^"]*">([^<]*)</div>'
)


def tiles(at: AppTest) -> dict[str, str]:
    """The tiles (htmlparts.tile_html) the page shows: label -> value."""
    return {
        html.unescape(label): html.unescape(value)
        for element in at.html
        for label, value in TILE.findall(element.value)
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_sample_data(page: str) -> None:
    at = run(page=page)
    assert at.header or at.title


def test_overview_shows_a_tile_per_catalogue_kpi_with_numbers() -> None:
    values = tiles(run())
    assert list(values) == [
        "Median first response",
        "Median resolution",
        "Open bugs",
        "Deflection rate",
        "Tickets about known bugs",
        "Tickets created",
        "First replies within SLA",
        "Open tickets at the end",
        "CSAT",
    ]
    assert all(v not in ("-", "no data") for v in values.values())


@pytest.mark.parametrize("page", ["app_pages/first_response.py", "app_pages/resolution.py"])
def test_the_basis_switch_puts_business_hours_on_the_page_and_in_the_url(page: str) -> None:
    at = run(page=page)
    assert "calendar hours" in at.caption[0].value
    at.segmented_control(key="ph_basis").set_value("business").run()
    assert not at.exception
    assert "business hours" in at.caption[0].value
    assert at.query_params["basis"] == "business"
    again = run({"basis": "business"}, page=page)
    assert "business hours" in again.caption[0].value


def test_changing_the_product_line_filter_changes_the_tiles() -> None:
    at = run()
    before = tiles(at)
    at.multiselect(key="product_line").select("Mobile App").run()
    assert not at.exception
    after = tiles(at)
    assert after["Tickets created"] != before["Tickets created"]
    assert after["Median first response"] != before["Median first response"]


def test_url_query_parameters_set_the_filters() -> None:
    at = run({"product_line": "Billing", "preset": "Last 12 months"})
    assert at.multiselect(key="product_line").value == ["Billing"]
    assert at.selectbox(key="preset").value == "Last 12 months"


@pytest.mark.parametrize("value", ["x') or 1=1 --", "../../etc/passwd", "A" * 5000])
def test_an_invalid_url_value_falls_back_with_a_note(value: str) -> None:
    at = run({"product_line": value, "preset": value})
    assert at.multiselect(key="product_line").value == []
    assert any("Ignored" in w.value for w in at.warning)
    assert tiles(at)["Tickets created"] not in ("-", "0")


def test_meeting_mode_from_the_url_shows_the_month_heading() -> None:
    at = run({"mode": "meeting"})
    assert any(h.value == "Overview · October 2026" for h in at.header)


def test_an_empty_data_folder_shows_the_empty_states(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(tmp_path))
    at = run()
    assert tiles(at)["Open bugs"] == "no data" and tiles(at)["Deflection rate"] == "no data"
    at.switch_page("app_pages/bugs.py").run()
    assert any("No issue-tracker export found" in i.value for i in at.info)


def test_customer_impact_lists_the_old_bugs_still_hurting() -> None:
    at = run({"from": "2026-10-01", "to": "2026-10-31"}, page="app_pages/impact.py")
    table = at.dataframe[0].value
    assert table["issue_key"].tolist()[:2] == ["MOB-101", "BILL-101"]
    assert {"INT-101", "BILL-102"} <= set(table["issue_key"]) and "ANA-101" not in set(table["issue_key"])
    assert tiles(at)["Bugs older than 90 days still hurting"] == str(len(table))


def test_the_meeting_pack_shows_the_dashboards_numbers(tmp_path) -> None:
    """The overview for October 2026 and `product-health report --month 2026-10` agree, tile by tile."""
    from dashboard.cli import main

    at = run({"from": "2026-10-01", "to": "2026-10-31"})
    out = tmp_path / "pack.html"
    assert main(["report", "--month", "2026-10", "--out", str(out)]) == 0
    pack = out.read_text(encoding="utf-8")
    in_pack = {html.unescape(label): html.unescape(value) for label, value in TILE.findall(pack)}
    assert len(in_pack) == 9 and in_pack == tiles(at)
    table = next(h.value for h in at.html if "<table" in h.value)
    table = re.sub(r'<a class="ph-drill" href="[^"]*" target="_self">([^<]*)</a>', r"\1", table)  # cells link to lists
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td>", table)  # product line, tickets
    assert len(rows) == 4 and all(f"<tr><td>{line}</td><td>{tickets}</td>" in pack for line, tickets in rows)


def _small_folder(tmp_path: Path, settings: str = "") -> Path:
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR / "self-service", folder / "self-service")
    shutil.copytree(SAMPLE_DATA_DIR / "jira", folder / "jira")
    if settings:
        (folder / "health.toml").write_text(settings)
    return folder


def settled(at: AppTest) -> AppTest:
    """Run `at` again until no refresh is running: while new exports load, the previous model
    answers with a note (tests/test_refresh.py), and the first run after it switches."""
    for _ in range(600):
        if not any("New exports are being loaded" in i.value for i in at.info):
            return at
        time.sleep(0.1)
        at.run()
    raise AssertionError("the refresh did not finish")


def test_a_reload_that_stops_halfway_keeps_the_last_good_data(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from dashboard.build import Build

    folder = _small_folder(tmp_path)
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(folder))
    at = run()
    before = tiles(at)
    assert not at.error

    def out_of_memory(self, report):
        raise MemoryError()

    monkeypatch.setattr(Build, "build_model", out_of_memory)
    shutil.copytree(SAMPLE_DATA_DIR / "zendesk", folder / "zendesk")  # new exports arrive
    settled(at.run())
    assert not at.exception
    banner = " ".join(e.value for e in at.error)
    assert "New exports could not be loaded (since " in banner
    assert "loading stopped while building the model: MemoryError" in banner
    assert tiles(at) == before  # the last good numbers, nothing lost

    monkeypatch.undo()
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(folder))
    at.run()  # the same files: not retried, still the banner
    assert any("New exports could not be loaded" in e.value for e in at.error)
    (folder / "zendesk" / "incremental-tickets-04.json").touch()  # the files change: loaded again
    settled(at.run())
    assert not at.error
    assert tiles(at)["Tickets created"] != before["Tickets created"]


ACCESS = '[access]\nrequire_sign_in = true\nallowed_email_domains = ["acme.com"]\nallowed_groups = ["support-leads"]\n'
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only",
        "client_id": "x",
        "client_secret": "y",
        "server_metadata_url": "https://example.com/.well-known/openid-configuration",
    }
}


def test_signed_out_users_see_only_the_sign_in_button(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_small_folder(tmp_path, ACCESS)))
    at = run(user={"is_logged_in": False}, secrets=AUTH)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not tiles(at)


def test_signed_in_users_of_an_allowed_domain_or_group_see_the_dashboard(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_small_folder(tmp_path, ACCESS)))
    for user in (
        {"is_logged_in": True, "email": "ann@acme.com"},
        {"is_logged_in": True, "email": "lee@contractor.io", "groups": ["support-leads"]},
    ):
        at = run(user=user, secrets=AUTH)
        assert "Open bugs" in tiles(at)


def test_signed_in_users_outside_the_allow_list_are_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_small_folder(tmp_path, ACCESS)))
    at = run(user={"is_logged_in": True, "email": "eve@acme.com.evil.org", "groups": ["everyone"]}, secrets=AUTH)
    assert any("not on this dashboard's allow-list" in e.value for e in at.error)
    assert not tiles(at)


def test_sign_in_required_without_auth_settings_says_what_is_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_small_folder(tmp_path, ACCESS)))
    at = run(user={"is_logged_in": False})
    assert any("no secrets file with an [auth] section" in e.value for e in at.error)
    assert not tiles(at)


def test_an_unverified_address_does_not_pass_the_domain_allow_list(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_small_folder(tmp_path, ACCESS)))
    at = run(user={"is_logged_in": True, "email": "mal@acme.com", "email_verified": False}, secrets=AUTH)
    assert any("not verified" in e.value for e in at.error)
    assert not tiles(at)


def test_a_session_past_its_id_tokens_expiry_has_ended(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_small_folder(tmp_path, ACCESS)))
    user = {"is_logged_in": True, "email": "ann@acme.com", "sub": "ann", "iat": 1_000_000_000, "exp": 1_000_003_600}
    at = run(user=user, secrets=AUTH)
    assert any("Your session ended at 09 Sep 2001 02:46 UTC" in e.value for e in at.error)
    assert [b.label for b in at.button] == ["Sign in again"]
    assert not tiles(at)


LINE_ACCESS = (
    ACCESS
    + """
[access.product_lines]
"group:support-billing" = ["Billing"]
"group:support-leads" = "*"
"""
)
BILLING_LEAD = {"is_logged_in": True, "email": "ann@acme.com", "groups": ["support-billing"]}


def _sample_with(tmp_path: Path, settings: str) -> Path:
    import shutil

    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".product-health"))
    (folder / "health.toml").write_text((SAMPLE_DATA_DIR / "health.toml").read_text() + settings)
    return folder


def test_a_billing_lead_sees_only_billing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_sample_with(tmp_path, LINE_ACCESS)))
    at = run(user=BILLING_LEAD, secrets=AUTH)
    assert any(h.value == "Overview · October 2026 · Billing" for h in at.header)
    assert at.multiselect(key="product_line").options == ["Billing"]
    lead = tiles(at)
    table = next(h.value for h in at.html if "ph-lines" in h.value)
    assert "Mobile App" not in table and "Analytics" not in table
    everyone = run({"product_line": "Billing"}, user={**BILLING_LEAD, "groups": ["support-leads"]}, secrets=AUTH)
    assert tiles(everyone) == lead  # the same numbers as anyone choosing Billing
    data_page = run(user=BILLING_LEAD, secrets=AUTH, page="app_pages/data_report.py")
    assert not tiles(data_page)  # no company-wide counts on the Data page


@pytest.mark.parametrize(
    "query",
    [
        {"product_line": "Mobile App"},
        {"product_line": ["Billing", "Mobile App"]},
        {"product_line": "Mobile%20App"},
        {"drill": "first_response.median_hours", "drill_line": "Analytics"},
    ],
)
def test_a_link_to_a_product_line_outside_the_viewers_is_refused(tmp_path: Path, monkeypatch, query: dict) -> None:
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(_sample_with(tmp_path, LINE_ACCESS)))
    at = run(query, user=BILLING_LEAD, secrets=AUTH)
    assert any("which your account may not see" in e.value for e in at.error)
    assert not tiles(at)


def test_the_data_folder_cannot_be_chosen_from_the_url(tmp_path: Path) -> None:
    at = run({"data": str(tmp_path), "config": "/etc/passwd", "PRODUCT_HEALTH_DATA": str(tmp_path)})
    assert tiles(at)["Tickets created"] not in ("-", "0", "no data")
    assert any(str(SAMPLE_DATA_DIR) in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize(
    "start, end", [("2026-10-31", "2026-01-01"), ("x') or 1=1 --", "2026-01-01"), ("9999-99-99", "../../etc/passwd")]
)
def test_reversed_or_hostile_dates_in_the_url_fall_back_with_a_note(start: str, end: str) -> None:
    at = run({"preset": "Custom", "from": start, "to": end})
    assert any("Ignored the period from the link" in w.value for w in at.warning)
    assert tiles(at)["Tickets created"] not in ("-", "no data")


def test_a_period_in_the_link_is_the_period_shown() -> None:
    at = run({"from": "2025-03-01", "to": "2025-03-31"})
    assert at.selectbox(key="preset").value == "Custom"
    assert any("March 2025" in h.value for h in at.header)
    assert not at.warning


def test_october_is_compared_with_september_and_a_year_earlier() -> None:
    at = run({"from": "2026-10-01", "to": "2026-10-31"})
    assert any("compared with September 2026 and October 2025" in c.value for c in at.caption)
    overview = next(h.value for h in at.html if "ph-tile" in h.value)
    assert "vs Sep 2026" in overview and "vs Oct 2025" in overview and "vs 31 Aug" not in overview


def test_the_sample_opens_on_its_last_full_month_whatever_the_date() -> None:
    at = run()  # the calendar says November 2026 or later; the sample ends with October 2026
    assert any(h.value == "Overview · October 2026" for h in at.header)
    assert any("Tickets cover 1 Nov 2024 – 31 Oct 2026" in c.value for c in at.sidebar.caption)


def test_a_period_after_the_data_shows_no_data_never_zero() -> None:
    at = run({"from": "2026-11-01", "to": "2026-11-20"})
    assert set(tiles(at).values()) == {"no data"}
    assert not any("<table" in h.value for h in at.html)
    at.switch_page("app_pages/first_response.py").run()
    assert any("No tickets created in 1 Nov – 20 Nov 2026" in i.value for i in at.info)


def test_the_real_exports_open_on_numbers_without_touching_a_filter(monkeypatch) -> None:
    from tests.conftest import REAL_EXPORTS

    if not REAL_EXPORTS.is_dir():
        pytest.skip("the shared real exports are not here")
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(REAL_EXPORTS))
    at = run()
    values = tiles(at)
    assert values["Tickets created"] == "21" and values["Median first response"] != "no data"
    at.switch_page("app_pages/data_report.py").run()
    assert any("[sources.jira]" in c.value and '"DOIT" = "DOIT"' in c.value for c in at.code)


def test_the_link_to_this_view_pins_the_period() -> None:
    at = run({"product_line": "Billing"})  # "Last month": October 2026 today, but not in a mailed link
    (link,) = [c.value for c in at.sidebar.code]
    assert link.endswith("?product_line=Billing&from=2026-10-01&to=2026-10-31")
    assert "preset" not in link


def test_twelve_months_are_compared_with_the_twelve_before_once() -> None:
    at = run({"from": "2025-11-01", "to": "2026-10-31"})
    caption = next(c.value for c in at.caption if "compared with" in c.value)
    assert caption.count("November 2024") == 1, caption
    overview = next(h.value for h in at.html if "ph-tile" in h.value)
    # the change a year earlier would be the same change again: shown once
    assert "vs Nov 2024 – Oct 2025" in overview and "ph-delta ph-year" not in overview


def _scripts(at: AppTest) -> str:
    return " ".join(element.proto.body for element in at.get("html"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_scheme_from_the_link_asks_streamlit_to_show_it(scheme: str) -> None:
    """?theme= for the room: the page is loaded once more with Streamlit's own embed option (AppTest
    reports no scheme for the browser, so the request is always made here)."""
    at = run({"theme": scheme, "mode": "meeting"})
    assert f'"embed_options", "{scheme}_theme"' in _scripts(at)
    assert not at.warning


def test_no_scheme_in_the_link_leaves_the_viewers_own() -> None:
    assert "embed_options" not in _scripts(run({"mode": "meeting"}))


def test_an_unknown_scheme_in_the_link_is_named_and_ignored() -> None:
    at = run({"theme": "<b>sepia</b>"})
    assert "embed_options" not in _scripts(at)
    assert any("Ignored theme from the link: <b>sepia</b>" in w.value for w in at.warning)
