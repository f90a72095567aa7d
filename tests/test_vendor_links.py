"""Links back to the vendor: each ticket's and issue's page in its tool (fct_tickets.url,
fct_issues.url), from the export's own addresses or a [sources.<name>] ticket_url template."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.rows import rows
from dashboard.settings import load_settings

MARCH = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))

# The documented page forms: Zendesk's agent interface (/agent/tickets/<id>; the export's
# `url` is the API address /api/v2/tickets/<id>.json), Jira's /browse/<KEY>, GitHub's html_url.
ZENDESK_AGENT = re.compile(r"https://[a-z0-9-]+\.zendesk\.com/agent/tickets/([0-9]+)")
JIRA_BROWSE = re.compile(r"https://[a-z0-9-]+\.atlassian\.net/browse/([A-Z][A-Z0-9]+-[0-9]+)")
GITHUB_ISSUE = re.compile(r"https://github\.com/[^/]+/[^/]+/issues/([0-9]+)")

ZENDESK_CSV = """\
Id,Group,Status,Via,Created at,Solved at
7/8 #x,A,Open,Mail,2024-03-01 10:00:00,
9,A,Open,Mail,2024-03-02 10:00:00,
"""


def zendesk_json(*tickets: dict) -> str:
    base = {"created_at": "2024-03-05T10:00:00Z", "updated_at": "2024-03-05T11:00:00Z", "status": "open"}
    return json.dumps({"tickets": [base | t for t in tickets], "end_of_stream": True, "next_page": None})


def jira_service_desk(self_url: str) -> str:
    fields = {
        "created": "2024-03-06T09:00:00.000+0000",
        "updated": "2024-03-06T10:00:00.000+0000",
        "issuetype": {"name": "Incident"},
        "project": {"key": "HELP", "projectTypeKey": "service_desk"},
        "status": {"name": "Open", "statusCategory": {"key": "new", "name": "To Do"}},
        "summary": "printer",
    }
    return json.dumps({"issues": [{"id": "10001", "key": "HELP-1", "self": self_url, "fields": fields}]})


def urls(warehouse, table: str = "tickets") -> dict[str, str | None]:
    key = "ticket_id" if table == "tickets" else "issue_key"
    frame = warehouse.sql(f"select {key} as k, url from {table}")
    return {k: (None if pd.isna(u) else u) for k, u in zip(frame["k"], frame["url"], strict=True)}


# -- the real exports -------------------------------------------------------------------------


@pytest.mark.slow
def test_real_zendesk_json_tickets_link_to_the_agent_page_on_the_exports_host(real) -> None:
    warehouse, _ = real
    frame = warehouse.sql("select ticket_id, url, _file from tickets where source = 'zendesk'")
    from_json = frame[frame["_file"].str.endswith(".json")]
    assert len(from_json) == 485  # the page's 1,000 tickets less the 515 deleted ones
    for ticket_id, url in zip(from_json["ticket_id"], from_json["url"], strict=True):
        match = ZENDESK_AGENT.fullmatch(url)
        assert match and match.group(1) == ticket_id, url
    assert from_json["url"].str.startswith("https://z3n-jteitelbaum.zendesk.com/agent/tickets/").all()
    # the CSV export carries no address and there is no template: no link
    assert frame[frame["_file"].str.endswith(".csv")]["url"].isna().all()


@pytest.mark.slow
def test_real_jira_rest_issues_link_to_browse_and_github_to_html_url(real) -> None:
    warehouse, _ = real
    jira = warehouse.sql("select issue_key, url from issues where source = 'jira' and url is not null")
    assert len(jira) == 6  # the REST export's issues; the CSV exports name no site
    for key, url in zip(jira["issue_key"], jira["url"], strict=True):
        match = JIRA_BROWSE.fullmatch(url)
        assert match and match.group(1) == key, url
    github = warehouse.sql("select issue_id, url from issues where source = 'github'")
    assert len(github) == 123
    for number, url in zip(github["issue_id"], github["url"], strict=True):
        match = GITHUB_ISSUE.fullmatch(url)
        assert match and match.group(1) == number, url


@pytest.mark.slow
def test_real_zendesk_links_reach_the_rows_behind_a_number(real) -> None:
    warehouse, _ = real
    first = warehouse.sql(
        "select ticket_id, created_at from tickets where source = 'zendesk' and url is not null "
        "order by created_at limit 1"
    ).iloc[0]
    day = first["created_at"].tz_convert("UTC").date()
    frame = rows(warehouse, "tickets_created", Filters(day, day))
    row = frame[(frame["source"] == "zendesk") & (frame["id"] == first["ticket_id"])].iloc[0]
    assert row["url"].endswith(f"/agent/tickets/{first['ticket_id']}")


# -- templates ----------------------------------------------------------------------------------


def test_a_template_fills_the_url_encoded_id_and_wins_over_the_exports_address(load_files) -> None:
    settings = '[sources.zendesk]\nticket_url = "https://help.example.com/agent/tickets/{id}"\n'
    api = {"id": 10, "url": "https://acme.zendesk.com/api/v2/tickets/10.json"}
    warehouse, _ = load_files({"t.csv": ZENDESK_CSV, "t.json": zendesk_json(api), "health.toml": settings})
    assert urls(warehouse) == {
        "7/8 #x": "https://help.example.com/agent/tickets/7%2F8%20%23x",
        "9": "https://help.example.com/agent/tickets/9",
        "10": "https://help.example.com/agent/tickets/10",
    }
    listed = rows(warehouse, "tickets_created", MARCH)
    assert listed["url"].tolist() == [urls(warehouse)[i] for i in listed["id"]]


def test_without_a_template_only_the_exports_own_address_gives_a_link(load_files) -> None:
    api = {"id": 10, "url": "https://acme.zendesk.com/api/v2/tickets/10.json"}
    warehouse, _ = load_files({"t.csv": ZENDESK_CSV, "t.json": zendesk_json(api)})
    assert urls(warehouse) == {"7/8 #x": None, "9": None, "10": "https://acme.zendesk.com/agent/tickets/10"}


def test_a_jira_service_desk_ticket_links_to_browse_or_its_template(load_files) -> None:
    rest = jira_service_desk("https://acme.atlassian.net/rest/api/2/issue/10001")
    warehouse, _ = load_files({"jsm.json": rest})
    assert urls(warehouse) == {"HELP-1": "https://acme.atlassian.net/browse/HELP-1"}
    settings = '[sources.jira_service_management]\nticket_url = "https://acme.atlassian.net/servicedesk/{id}"\n'
    warehouse, _ = load_files({"jsm.json": rest, "health.toml": settings})
    assert urls(warehouse) == {"HELP-1": "https://acme.atlassian.net/servicedesk/HELP-1"}


def test_a_freshdesk_template_links_its_csv_tickets(load_files) -> None:
    export = "Ticket ID,Subject,Status,Created time\n19381,Printer,Open,08/03/2024 15:00\n"
    settings = '[sources.freshdesk]\nticket_url = "https://acme.freshdesk.com/a/tickets/{id}"\n'
    warehouse, _ = load_files({"fd.csv": export, "health.toml": settings})
    assert urls(warehouse) == {"19381": "https://acme.freshdesk.com/a/tickets/19381"}


def write(tmp_path: Path, text: str) -> None:
    (tmp_path / "health.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('"https://acme.zendesk.com/agent/tickets/"', "has no {id}"),
        ('"javascript:alert(1)//{id}"', "must be an http:// or https:// address"),
        ('"ftp://acme.example/{id}"', "must be an http:// or https:// address"),
        ('"https:///tickets/{id}"', "must be an http:// or https:// address"),
        ("5", "must be a non-empty string"),
    ],
)
def test_a_bad_template_is_a_settings_error_naming_the_key_and_its_line(tmp_path: Path, value, reason) -> None:
    write(tmp_path, f'timezone = "UTC"\n\n[sources.zendesk]\ntimezone = "UTC"\nticket_url = {value}\n')
    with pytest.raises(
        ProductHealthError, match=rf"line 5: setting 'sources.zendesk.ticket_url': .*{re.escape(reason)}"
    ):
        load_settings(tmp_path)


def test_a_template_on_an_issue_source_is_a_settings_error(tmp_path: Path) -> None:
    write(tmp_path, '[sources.github]\nticket_url = "https://github.com/acme/app/issues/{id}"\n')
    with pytest.raises(ProductHealthError, match=r"line 2: setting 'sources.github.ticket_url': github exports issues"):
        load_settings(tmp_path)


# -- never a script ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "javascript://acme.zendesk.com/api/v2/tickets/10.json",
        "https://acme.zendesk.com/api/v2/tickets/10.json\njavascript:alert(1)",
        "https://evil.example/phish",  # not the API address: nothing to make an agent page of
    ],
)
def test_a_zendesk_export_address_that_is_not_its_api_url_gives_no_link(load_files, url: str) -> None:
    warehouse, _ = load_files({"t.json": zendesk_json({"id": 10, "url": url})})
    assert urls(warehouse) == {"10": None}


def test_a_javascript_self_in_a_jira_export_gives_no_link(load_files) -> None:
    warehouse, _ = load_files({"jsm.json": jira_service_desk("javascript:alert(1)//rest/api/2/issue/10001")})
    assert urls(warehouse) == {"HELP-1": None}
