"""Each format, hand-made and real: recognised by content, read as the vendor writes it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import file_report

UTC = dt.UTC


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC) if "+" not in text else dt.datetime.fromisoformat(text)


def tickets(warehouse, where: str = "true"):
    return warehouse.sql(f"select * from tickets where {where} order by source, ticket_id")


def test_zendesk_csv_reads_minutes_list_fields_and_placeholder_solved_dates(load_files) -> None:
    w, report = load_files(
        {
            "export.csv": """
        Id,Requester id,Group,Status,Priority,Via,Created at,Updated at,Solved at,Reopens,First reply time in minutes,First reply time in minutes within business hours,Full resolution time in minutes,Product [list],Tags
        1,77,Billing team,Solved,Low,Mail,2024-03-01 10:00:00,2024-03-02 10:00:00,2024-03-02 10:00:00,1,30,20,1440,Payments,vip
        2,78,Billing team,Open,High,Web form,2024-03-01 11:00:00,2024-03-01 11:00:00,1900-01-01 00:00:00,0,,,,Payments,
        3,79,Apps team,Closed,Low,Mail,2024-03-01 12:00:00,2024-03-03 12:00:00,2024-03-03 12:00:00,0,90,60,2880,Mobile,closed_by_merge
    """
        }
    )
    f = file_report(report, "export.csv")
    assert (f.format, f.rows_loaded, f.rows_rejected) == ("Zendesk Support CSV export", 3, 0)
    rows = tickets(w)
    assert rows["product_line"].tolist() == ["Billing team", "Billing team", "Apps team"]
    assert rows["first_response_hours"].tolist()[0] == 0.5
    assert rows["first_response_basis"].tolist()[0] == "calendar"
    assert rows["solved_at"].isna().tolist() == [False, True, False]
    assert rows["is_merged"].tolist() == [False, False, True]
    assert rows["is_solved"].tolist() == [True, False, False]  # merged tickets are not resolutions
    assert rows["is_reopened"].tolist() == [True, False, False]


def test_zendesk_csv_product_line_from_a_list_custom_field(load_files) -> None:
    w, _ = load_files(
        {
            "health.toml": '[sources.zendesk]\nproduct_line_from = "field"\nproduct_line_field = "Product"\n',
            "export.csv": """
            Id,Status,Via,Created at,Solved at,Product [list]
            1,Open,Mail,2024-03-01 10:00:00,,Payments
        """,
        }
    )
    assert tickets(w)["product_line"].tolist() == ["Payments"]


def zendesk_page(tickets: list[dict], metric_sets: list[dict] | None = None) -> dict:
    page: dict = {"tickets": tickets, "count": len(tickets), "end_of_stream": True, "next_page": None}
    if metric_sets is not None:
        page["metric_sets"] = metric_sets
    return page


def zticket(id: int, updated: str, status: str = "open", **extra) -> dict:
    return {
        "id": id,
        "created_at": "2024-03-01T10:00:00Z",
        "updated_at": updated,
        "status": status,
        "via": {"channel": "email"},
        "tags": [],
        "requester_id": 5,
        "group_id": 9,
        **extra,
    }


def test_zendesk_json_keeps_the_latest_version_across_overlapping_pages_and_drops_deleted(load_files) -> None:
    page1 = zendesk_page([zticket(1, "2024-03-01T11:00:00Z"), zticket(2, "2024-03-01T11:00:00Z")])
    page2 = zendesk_page(
        [
            zticket(
                1,
                "2024-03-02T09:00:00Z",
                "solved",
                metric_set={
                    "reply_time_in_minutes": {"calendar": 45, "business": 30},
                    "solved_at": "2024-03-02T09:00:00Z",
                    "reopens": 0,
                },
            ),
            zticket(2, "2024-03-02T09:00:00Z", "deleted"),
            zticket(3, "2024-03-02T09:00:00Z"),
        ]
    )
    w, report = load_files({"a/page1.json": json.dumps(page1), "b/page2.json": json.dumps(page2)})
    rows = tickets(w)
    assert rows["ticket_id"].tolist() == ["1", "3"]
    first = rows.iloc[0]
    assert (first["status"], first["first_response_hours"]) == ("solved", 0.75)
    assert rows.iloc[1]["has_response_data"] == False  # noqa: E712 - no metric set: reply unknown
    assert "2 rows superseded" in " ".join(file_report(report, "page1.json").notes)
    assert "1 deleted tickets left out" in " ".join(file_report(report, "page2.json").notes)


def test_zendesk_json_reads_sideloaded_metric_sets_and_several_pages_in_one_file(load_files) -> None:
    pages = [
        zendesk_page(
            [zticket(1, "2024-03-01T11:00:00Z")],
            [{"ticket_id": 1, "reply_time_in_minutes": {"calendar": None, "business": None}}],
        ),
        zendesk_page(
            [zticket(2, "2024-03-01T11:00:00Z")],
            [{"ticket_id": 2, "reply_time_in_minutes": {"calendar": 120, "business": 60}}],
        ),
    ]
    w, _ = load_files({"pages.json": "\n".join(json.dumps(p) for p in pages)})
    rows = tickets(w)
    assert rows["first_response_hours"].tolist()[1] == 2.0
    assert rows["has_response_data"].tolist() == [True, True]
    assert pd_isna(rows["first_response_hours"].tolist()[0])  # a metric set without a reply: unanswered


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_freshdesk_prefers_timestamps_over_the_zero_duration(load_files) -> None:
    w, report = load_files(
        {
            "fd.csv": """
        Ticket ID,Subject,Status,Priority,Source,Group,Created time,Resolved time,Closed time,Last update time,Initial response time,First response time (in hrs),Product
        10,Help,Resolved,Low,Email,Platform,25/01/2025 1:30,26/01/2025 1:30,,26/01/2025 1:30,25/01/2025 3:00,0:00:00,Widgets
        11,Help,Open,Low,Email,Platform,25/01/2025 9:00,,,25/01/2025 9:00,,0:00:00,No Product
    """
        }
    )
    rows = tickets(w)
    assert rows["created_at"].tolist()[0] == ts("2025-01-25T01:30:00")
    assert rows["first_response_hours"].tolist()[0] == 1.5
    assert pd_isna(rows["first_response_hours"].tolist()[1])  # '0:00:00' without a timestamp: no reply
    assert rows["product_line"].tolist() == ["Widgets", "Unassigned"]
    assert rows["resolution_hours"].tolist()[0] == 24


JIRA_CSV = (
    "\ufeffSummary,Issue key,Issue id,Issue Type,Status,Project key,Project type,Resolution,Created,Updated,Resolved,"
    "Labels,Labels,Component/s,Description,Status Category\r\n"
    'Crash,APP-1,1,Bug,Done,APP,software,Done,12/Mar/24 3:15 PM,13/Mar/24 9:00 AM,13/Mar/24 9:00 AM,ios,crash,Login,"two\r\nlines",Done\r\n'
    "Idea,APP-2,2,Story,Done,APP,software,,12/Mar/24 3:15 PM,14/Mar/24 10:00 AM,,,,,,Done\r\n"
    "Bad,APP-3,3,Bug,To Do,APP,software,,31/Feb/24 3:15 PM,,,,,,,To Do\r\n"
)


def test_jira_csv_bom_repeated_labels_multiline_cells_and_zone(load_files) -> None:
    w, report = load_files({"health.toml": '[sources.jira]\ntimezone = "Europe/Berlin"\n', "jira.csv": JIRA_CSV})
    f = file_report(report, "jira.csv")
    assert (f.rows_loaded, f.rows_rejected) == (2, 1)
    assert f.rejects[0].line == 4 and "'31/Feb/24 3:15 PM' is not a date" in f.rejects[0].reason
    issues = w.sql("select * from issues order by issue_key")
    bug = issues.iloc[0]
    assert bug["labels"].tolist() == ["ios", "crash"]
    assert bug["created_at"] == ts("2024-03-12T14:15:00")  # 3:15 PM in Berlin (CET) is 14:15 UTC
    assert (bug["is_bug"], bug["resolution"]) == (True, "completed")
    story = issues.iloc[1]
    # Done without a resolution date: resolved at its last update, and the report says so
    assert story["resolved_at"] == ts("2024-03-14T09:00:00") and story["is_resolved_at_inferred"]
    assert any("without a resolution date" in n for n in f.notes)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("header", "created"),
    [
        ("Resumen,Clave de incidencia,ID de la incidencia,Tipo de incidencia,Estado,Creada", "04/nov/25 1:16 PM"),
        ("Resumo,Chave da item,ID da item,Tipo de item,Status,Criado", "05/set/25 1:16 PM"),
        ("Summary,Work item key,Work item id,Work type,Status,Created", "05/Sep/25 1:16 PM"),
    ],
)
def test_jira_csv_in_spanish_portuguese_and_new_english_headers(load_files, header: str, created: str) -> None:
    w, report = load_files({"j.csv": f"{header}\nX,OPS-7,7,Bug,Open,{created}\n"})
    row = w.sql("select * from issues").iloc[0]
    assert row["issue_key"] == "OPS-7" and row["product_line"] == "OPS" and row["is_bug"]
    assert row["created_at"].hour == 13 and row["created_at"].minute == 16


def test_jira_service_desk_rows_are_tickets_with_first_response(load_files) -> None:
    w, report = load_files(
        {
            "jsm.csv": """
        Summary,Issue key,Issue Type,Status,Project key,Project type,Created,Resolved,Custom field ([CHART] Date of First Response),Status Category
        Printer,HELP-1,Incident,Resolved,HELP,service_desk,01/Mar/24 9:00 AM,01/Mar/24 5:00 PM,2024-03-01 10:30:00.000,Done
    """
        }
    )
    row = tickets(w).iloc[0]
    assert (row["source"], row["first_response_hours"], row["resolution_hours"]) == ("jira_service_management", 1.5, 8)
    assert file_report(report, "jsm.csv").entity == "tickets"


@pytest.mark.slow
def test_jira_rest_json_uses_status_category_and_changelog(load_files) -> None:
    doc = {
        "issues": [
            {
                "key": "SP-1",
                "id": "1",
                "self": "https://acme.atlassian.net/rest/api/2/issue/1",
                "fields": {
                    "created": "2021-06-18T18:43:02.284+0000",
                    "updated": "2021-12-14T00:30:34.153+0000",
                    "resolutiondate": None,
                    "issuetype": {"name": "Bug"},
                    "project": {"key": "SP"},
                    "status": {"name": "Shipped", "statusCategory": {"key": "done", "name": "Done"}},
                    "labels": ["x"],
                    "components": [{"name": "API"}],
                    "summary": "s",
                },
                "changelog": {
                    "histories": [
                        {"created": "2021-07-01T10:00:00.000+0000", "items": [{"field": "status"}]},
                        {"created": "2021-08-01T10:00:00.000+0000", "items": [{"field": "Rank"}]},
                    ]
                },
            }
        ]
    }
    w, _ = load_files({"search.json": json.dumps(doc)})
    row = w.sql("select * from issues").iloc[0]
    assert row["resolved_at"] == ts("2021-07-01T10:00:00") and row["is_resolved_at_inferred"]
    assert row["url"] == "https://acme.atlassian.net/browse/SP-1"


def test_github_rest_and_gh_cli_shapes_and_pull_requests_are_not_issues(load_files) -> None:
    rest = [
        {
            "number": 1,
            "title": "Crash",
            "state": "closed",
            "state_reason": "not_planned",
            "labels": [{"name": "bug"}],
            "created_at": "2024-01-01T00:00:00Z",
            "closed_at": "2024-01-03T00:00:00Z",
            "html_url": "https://github.com/acme/app/issues/1",
            "repository_url": "https://api.github.com/repos/acme/app",
        },
        {
            "number": 2,
            "title": "PR",
            "state": "open",
            "labels": [{"name": "bug"}],
            "created_at": "2024-01-01T00:00:00Z",
            "pull_request": {},
            "html_url": "https://github.com/acme/app/pull/2",
        },
    ]
    gh = [
        {
            "number": 5,
            "title": "Slow",
            "state": "OPEN",
            "labels": [{"name": "Bug"}],
            "createdAt": "2024-02-01T00:00:00Z",
            "url": "https://github.com/acme/web/issues/5",
        }
    ]
    w, report = load_files({"rest.json": json.dumps([rest]), "gh.json": json.dumps(gh)})
    rows = w.sql("select * from issues order by issue_key")
    assert rows["issue_key"].tolist() == ["acme/app#1", "acme/web#5"]
    assert rows["resolution"].tolist()[0] == "not_planned"
    assert rows["is_bug"].tolist() == [True, True]
    assert "1 pull requests left out" in " ".join(file_report(report, "rest.json").notes)


def test_linear_csv_strips_the_protective_quote_and_splits_labels(load_files) -> None:
    w, _ = load_files(
        {
            "linear.csv": """
        ID,Team,Title,Status,Priority,Labels,Created,Updated,Completed,Canceled
        ENG-1,Platform,'=cmd,Done,High,"Bug, Backend",2024-01-01T10:00:00.000Z,2024-01-05T10:00:00.000Z,2024-01-05T10:00:00.000Z,
        ENG-2,Platform,Idea,Canceled,Low,Feature,Mon Jan 15 2024 10:00:00 GMT+0100 (Central European Standard Time),,,Tue Jan 16 2024 10:00:00 GMT+0100 (Central European Standard Time)
    """
        }
    )
    rows = w.sql("select * from issues order by issue_key")
    assert rows["title"].tolist()[0] == "=cmd"
    assert rows["labels"].tolist()[0].tolist() == ["Bug", "Backend"]
    assert rows["is_bug"].tolist() == [True, False]
    assert rows["resolution"].tolist() == ["completed", "not_planned"]
    assert rows["created_at"].tolist()[1] == ts("2024-01-15T09:00:00")


@pytest.mark.slow
def test_self_service_sessions_and_daily_counts(load_files) -> None:
    w, report = load_files(
        {
            "s.csv": "session_id,started_at,product_line,channel,outcome\na,2024-03-01 10:00:00,Billing,chatbot,resolved\n"
            "b,2024-03-01 11:00:00,Billing,chatbot,escalated\nc,2024-03-01 11:00:00,Billing,chatbot,maybe\n",
            "d.csv": "date,product_line,channel,sessions,resolved,escalated\n2024-03-02,Apps,help_center,10,4,2\n",
        }
    )
    totals = w.sql("select sum(count_sessions) s, sum(count_resolved) r from self_service").iloc[0]
    assert (totals["s"], totals["r"]) == (12, 5)
    f = file_report(report, "s.csv")
    assert f.rows_rejected == 1 and f.rejects[0].line == 4 and "maybe" in f.rejects[0].reason


@pytest.mark.slow
def test_a_custom_csv_is_read_through_its_column_mapping(load_files) -> None:
    w, report = load_files(
        {
            "health.toml": '[[custom]]\nname = "helpscout"\ntimezone = "America/New_York"\n'
            'columns = { ticket_id = "Conversation", created_at = "Opened", solved_at = "Closed", '
            'product_line = "Mailbox" }\n',
            "hs.csv": "Conversation,Opened,Closed,Mailbox\n9,2024-07-01 08:00,2024-07-01 10:00,Sales\n",
        }
    )
    row = tickets(w).iloc[0]
    assert (row["source"], row["product_line"], row["resolution_hours"]) == ("helpscout", "Sales", 2)
    assert row["created_at"] == ts("2024-07-01T12:00:00")  # 08:00 in New York (EDT) is 12:00 UTC


# -- the real exports --------------------------------------------------------------------

REAL_EXPECTED = {
    # file: (format, entity, rows loaded, first created, last created)
    "zendesk-support-csv-export.csv": ("Zendesk Support CSV export", "tickets", 16476, "2023-04-01", "2023-05-31"),
    "zendesk-incremental-tickets-page.json": (
        "Zendesk incremental ticket export (JSON)",
        "tickets",
        485,
        "2023-09-18",
        "2023-09-18",
    ),
    "freshdesk-tickets-export.csv": ("Freshdesk ticket CSV export", "tickets", 21, "2025-01-08", "2025-01-29"),
    "jira-cloud-export-all-fields.csv": ("Jira CSV export", "issues", 127, "2020-12-07", "2021-01-23"),
    "jira-cloud-export-support-project.csv": ("Jira CSV export", "issues", 311, "2020-10-02", "2026-01-27"),
    "jira-service-management-export-pt-BR.csv": ("Jira CSV export", "tickets", 25, "2023-03-09", "2023-09-05"),
    "jira-cloud-export-es.csv": ("Jira CSV export", "issues", 2443, "2024-01-02", "2026-05-25"),
    "jira-rest-search-changelog.json": ("Jira REST search result (JSON)", "issues", 6, "2021-06-18", "2021-06-18"),
    "github-issues-rest.json": (
        "GitHub issues (REST JSON or gh issue list --json)",
        "issues",
        123,
        "2023-06-15",
        "2023-08-19",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REAL_EXPECTED))
def test_real_export_is_recognised_with_its_rows_and_dates(real, name: str) -> None:
    _, report = real
    f = file_report(report, name)
    fmt, entity, rows, first, last = REAL_EXPECTED[name]
    assert (f.format, f.entity, f.rows_loaded, f.rows_rejected, f.error) == (fmt, entity, rows, 0, None)
    assert (f.first_at[:10], f.last_at[:10]) == (first, last)


@pytest.mark.slow
def test_the_servicenow_event_log_is_reported_as_not_supported(real) -> None:
    _, report = real
    f = file_report(report, "servicenow-incident-event-log.csv")
    assert "not a supported export" in f.error and "line 1" in f.error


@pytest.mark.slow
def test_real_zendesk_csv_has_only_business_hours_first_reply(real) -> None:
    w, _ = real
    basis = w.sql(
        "select distinct first_response_basis b from tickets where _file like '%zendesk-support%' and b is not null"
    )
    assert basis["b"].tolist() == ["business"]


@pytest.mark.slow
def test_real_jira_support_project_keeps_all_four_label_columns(real) -> None:
    w, _ = real
    labels = w.sql("select labels from issues where _file like '%support-project%' and len(labels) = 3")
    assert labels["labels"].iloc[0].tolist() == ["duplicates", "requests", "schdedule"]
