"""The list behind a number on screen (dashboard/drill.py): every number links to it, the URL
opens it with the number's filters, and a link's values are checked before they reach SQL."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import PROJECT_ROOT, data
from dashboard.catalogue import value_at
from dashboard.filters import Filters
from dashboard.metrics import period_summary

pytestmark = pytest.mark.slow  # AppTest runs of the whole app

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
SENTENCE = re.compile(r'<p class="ph-drill-sentence[^"]*">([^<]*)</p>')


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    data._LAST_GOOD.clear()
    data.RESULTS.clear()
    monkeypatch.delenv("PRODUCT_HEALTH_DATA", raising=False)


def run(query: dict[str, str], page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sentence(at: AppTest) -> str | None:
    found = [html.unescape(m) for element in at.html for m in SENTENCE.findall(element.value)]
    return found[0] if found else None


def test_every_tile_with_a_number_links_to_the_list_behind_it() -> None:
    at = run(OCTOBER)
    links = {
        html.unescape(href)
        for element in at.html
        for href in re.findall(r'<a class="ph-drill" href="([^"]*)"', element.value)
    }
    for path in ("first_response.median_hours", "sla.first_response.breached", "csat.rated", "tickets_created"):
        assert f"?from=2026-10-01&to=2026-10-31&drill={path}" in links
    assert any("drill_line=Mobile+App" in link for link in links)  # the product-line table's cells
    assert sentence(at) is None  # nothing is open until a number is clicked


@pytest.mark.parametrize(
    "path, words",
    [
        ("sla.first_response.breached", "tickets created in October 2026 whose first reply breached its SLA"),
        ("first_response.unanswered", "tickets created in October 2026 and not answered"),
        ("backlog.open_at_end", "tickets open at the end of October 2026"),
        ("bug_age.open_bugs", "bugs open at the end of October 2026"),
    ],
)
def test_the_url_opens_the_list_with_the_count_of_the_number(sample, path: str, words: str) -> None:
    warehouse, _ = sample
    expected = value_at(period_summary(warehouse, Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))), path)
    at = run(OCTOBER | {"drill": path})
    assert sentence(at) == f"{expected:,} {words} · All product lines"
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == expected


def test_one_product_lines_cell_and_one_month_of_a_chart_narrow_the_list(sample) -> None:
    warehouse, _ = sample
    september = Filters(dt.date(2026, 9, 1), dt.date(2026, 9, 30), product_lines=("Billing",))
    expected = period_summary(warehouse, september)["tickets_created"]
    at = run(OCTOBER | {"drill": "tickets_created", "drill_line": "Billing", "drill_month": "2026-09"})
    assert sentence(at) == f"{expected:,} tickets created in September 2026 · Billing"


@pytest.mark.parametrize(
    "query",
    [
        {"drill": "tickets_created; drop table fct_tickets"},
        {"drill": "tickets_created", "drill_line": "Billing' or '1'='1"},
        {"drill": "tickets_created", "drill_month": "2026-13"},
        {"drill": "tickets_created", "drill_line": "Billing", "product_line": "Mobile App"},  # not a chosen line
    ],
)
def test_a_links_values_that_are_not_valid_open_nothing_and_say_so(query: dict[str, str]) -> None:
    at = run(OCTOBER | query)
    assert sentence(at) is None
    assert at.warning and "link" in at.warning[-1].value


def test_a_value_list_is_sorted_biggest_first_with_the_median_marked() -> None:
    at = run(OCTOBER | {"drill": "first_response.median_hours"})
    shown = at.dataframe[0].value
    assert list(shown.columns[:3]) == ["id", "value", "is_median"]
    assert shown["value"].is_monotonic_decreasing
    assert 1 <= (shown["is_median"] == "◆ median").sum() <= 2


def test_a_kpi_page_opens_the_list_of_a_charts_month() -> None:
    at = run(OCTOBER | {"drill": "csat.rated", "drill_month": "2026-08"}, page="app_pages/service.py")
    assert sentence(at).endswith("tickets solved in August 2026 and rated · All product lines")


def test_a_bar_of_the_first_reply_histogram_opens_its_tickets(sample) -> None:
    from dashboard.frames import totals
    from dashboard.metrics import run_metric

    warehouse, _ = sample
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    bar = int(totals(run_metric(warehouse, "first_response_trend", october))["count_1_4h"].sum())
    at = run(
        OCTOBER | {"drill": "first_response.median_hours", "drill_hours": "1-4"}, page="app_pages/first_response.py"
    )
    assert (
        sentence(at)
        == f"{bar:,} tickets created in October 2026 and answered, by first-reply time · All product lines · 1–4 h"
    )
    shown = at.dataframe[-1].value
    assert len(shown) == bar and shown["value"].between(1, 4, inclusive="left").all()
    assert sentence(run(OCTOBER | {"drill": "first_response.median_hours", "drill_hours": "x"})) is None


def test_a_still_hurting_bug_opens_its_tickets_of_the_period(sample) -> None:
    from dashboard.metrics import kpis

    warehouse, _ = sample
    bug = kpis(warehouse, Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))["impact"]["still_hurting"][0]
    at = run(OCTOBER, page="app_pages/impact.py")
    lists = [frame for frame in (d.value for d in at.dataframe) if "list" in frame.columns]  # the desk's links
    assert any(link.endswith(f"drill=impact.linked_tickets&drill_bug={bug['key']}") for link in lists[0]["list"])
    at = run(OCTOBER | {"drill": "impact.linked_tickets", "drill_bug": bug["key"]}, page="app_pages/impact.py")
    assert sentence(at) == (
        f"{bug['tickets_in_period']:,} tickets created in October 2026 about a known bug · All product lines · "
        f"{bug['key']}"
    )
    assert sentence(run(OCTOBER | {"drill": "tickets_created", "drill_bug": bug["key"]})) is None


def test_on_the_shared_screen_a_tickets_id_opens_its_page_in_the_help_desk() -> None:
    at = run(OCTOBER | {"drill": "sla.first_response.breached", "mode": "meeting"})
    listed = next(e.value for e in at.html if '<table class="ph-lines ph-meeting ph-list">' in e.value)
    assert '<a href="https://acme.zendesk.com/agent/tickets/' in listed and 'rel="noopener noreferrer"' in listed
    assert "&lt;a" not in listed  # a link, not the text of one
