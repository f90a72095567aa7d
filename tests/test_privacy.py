"""Privacy on a shared screen: names, e-mails and ticket bodies never reach the model or a
page; issue titles are shown only where a page needs them, and [privacy] show_titles=false
hides them everywhere (pages, meeting pack, CSV download)."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import PROJECT_ROOT, data
from dashboard.pack import meeting_pack, month_filters
from tests.test_links import GITHUB

pytestmark = pytest.mark.slow

PEOPLE = ("Ada Lovelace", "ada@example.com", "Grace Hopper", "grace@example.org", "my password is hunter2")

ZENDESK = (
    "Id,Requester,Requester email,Requester id,Assignee,Status,Via,Created at,Subject,Description\n"
    "1,Ada Lovelace,ada@example.com,77,Grace Hopper,Open,Mail,2026-10-05 10:00:00,"
    'see https://github.com/acme/app/issues/7,"Hi, my password is hunter2, grace@example.org"\n'
)
FRESHDESK = (
    "Ticket ID,Subject,Description,Status,Priority,Source,Type,Agent,Group,Created time,Resolved time,"
    "Initial response time,Full name,Email,Product\n"
    "9,Login,my password is hunter2,Open,Low,Email,Q,Grace Hopper,Support,05/10/2026 10:00,,,"
    "Ada Lovelace,ada@example.com,Billing\n"
)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "zendesk.csv").write_text(ZENDESK)
    (tmp_path / "freshdesk.csv").write_text(FRESHDESK)
    (tmp_path / "issues.json").write_text(json.dumps([{**json.loads(GITHUB)[0], "title": "Crash on start"}]))
    return tmp_path


def test_names_emails_and_bodies_never_reach_the_model(folder) -> None:
    from dashboard.store import open_warehouse

    warehouse, report = open_warehouse(folder)
    assert not report.failed, [(f.path, f.error, f.rejects) for f in report.files]
    tables = warehouse.sql("select table_name from duckdb_tables() where not internal")["table_name"]
    for table in tables:
        columns = warehouse.sql(
            f"select column_name from duckdb_columns() where table_name = '{table}' and data_type like 'VARCHAR%'"
        )["column_name"]
        for column in columns:
            for secret in PEOPLE:
                hits = warehouse.con.execute(
                    f'select count(*) from "{table}" where cast("{column}" as varchar) ilike $pattern',
                    {"pattern": f"%{secret}%"},
                ).fetchone()[0]
                assert hits == 0, f"{secret!r} in {table}.{column}"


def _pages(folder, monkeypatch, settings: str = "") -> list[str]:
    st.cache_data.clear()
    st.cache_resource.clear()
    data._LAST_GOOD.clear()
    data.RESULTS.clear()
    if settings:
        (folder / "health.toml").write_text(settings)
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(folder))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.query_params["from"] = "2026-10-01"
    at.query_params["to"] = "2026-10-31"
    at.run()
    shown = []
    for page in ("overview", "first_response", "resolution", "bugs", "deflection", "impact", "data_report"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception
        shown.append(repr([e.proto for e in at.main]) + repr([e.proto for e in at.sidebar]))
        shown.extend(frame.value.to_csv() for frame in at.dataframe)
    return shown


def test_no_page_shows_a_name_an_email_or_a_ticket_body(folder, monkeypatch) -> None:
    shown = "\n".join(_pages(folder, monkeypatch))
    assert "Crash on start" in shown  # issue titles are on the bug pages
    for secret in PEOPLE:
        assert secret not in shown


def test_show_titles_false_hides_issue_titles_everywhere(folder, monkeypatch) -> None:
    from dashboard.store import open_warehouse

    shown = "\n".join(_pages(folder, monkeypatch, "[privacy]\nshow_titles = false\n"))
    assert "Crash on start" not in shown
    warehouse, report = open_warehouse(folder)
    assert "Crash on start" not in meeting_pack(warehouse, report, month_filters("2026-10", "UTC"))
