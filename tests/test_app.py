"""AppTest: every page renders on the sample data; filters and URL parameters drive the tiles."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import PROJECT_ROOT

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
PAGES = ["app_pages/overview.py", "app_pages/first_response.py", "app_pages/resolution.py",
         "app_pages/bugs.py", "app_pages/deflection.py", "app_pages/impact.py", "app_pages/data_report.py"]


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.delenv("PRODUCT_HEALTH_DATA", raising=False)
    yield


def run(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_sample_data(page: str) -> None:
    at = run(page=page)
    assert at.header or at.title


def test_overview_shows_six_tiles_with_numbers() -> None:
    values = tiles(run())
    assert list(values) == ["Median first response", "Median resolution", "Open bugs", "Deflection rate",
                            "Tickets about known bugs", "Tickets created"]
    assert all(v not in ("-", "no data") for v in values.values())


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
    assert any(t.value.startswith("Product health · ") for t in at.title)


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
    import html
    import re

    from dashboard.cli import main

    at = run({"from": "2026-10-01", "to": "2026-10-31"})
    out = tmp_path / "pack.html"
    assert main(["report", "--month", "2026-10", "--out", str(out)]) == 0
    pack = out.read_text(encoding="utf-8")
    in_pack = {html.unescape(label): html.unescape(value) for label, value in
               re.findall(r'<div class="tile" data-label="([^"]+)"><div class="label">[^<]*</div>'
                          r'<div class="value">([^<]*)</div>', pack)}
    assert in_pack == tiles(at)
    table = at.dataframe[0].value
    for row in table.itertuples(index=False):
        assert f"<td>{row[0]}</td><td>{int(row[1]):,}</td>" in pack  # product line, tickets
