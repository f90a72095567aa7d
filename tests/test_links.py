"""Ticket-to-issue links from every place exports carry them, and the impact metrics,
on cases small enough to check in your head."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.filters import Filters
from dashboard.metrics import kpis, run_metric, still_hurting, total_row
from tests.conftest import file_report

MARCH = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))

# Ticket 1: tag (Zendesk lower-cases tags) and the links export; 2: key in the subject;
# 3: key in a custom field; 4: GitHub issue URL in the subject; 5: links export only;
# 6: links JSON by Jira's issue id (its key is stale), created in February; 7: linked to a
# story, and 'UTF-8' in its subject looks like a key of no issue; 8: Jira's Zendesk Ticket IDs.
TICKETS = """\
Id,Group,Status,Via,Created at,Solved at,Tags,Subject,Jira issue [txt]
1,A,Open,Mail,2024-03-01 10:00:00,,bg-1 vip,Login broken,
2,A,Open,Mail,2024-03-05 10:00:00,,,Crash again (BG-1),
3,A,Open,Mail,2024-03-10 10:00:00,,,Export,BG-2
4,B,Open,Mail,2024-03-20 10:00:00,,,see https://github.com/acme/app/issues/7 please,
5,B,Open,Mail,2024-03-25 10:00:00,,,nothing,
6,B,Open,Mail,2024-02-10 10:00:00,,,old one,
7,A,Open,Mail,2024-03-26 10:00:00,,,UTF-8 question,
8,A,Open,Mail,2024-03-27 10:00:00,,,,
"""

BUGS = """\
Summary,Issue key,Issue id,Issue Type,Status,Resolution,Created,Resolved,Status Category,Custom field (Zendesk Ticket IDs),Custom field (Zendesk Ticket Count)
five years old,BG-1,10001,Bug,Open,,01/Jan/23 12:00 AM,,To Do,,
young,BG-2,10002,Bug,Open,,01/Mar/24 12:00 AM,,To Do,,
fixed in March,BG-3,10003,Bug,Done,Done,01/Jan/23 12:00 AM,15/Mar/24 12:00 AM,Done,"8, 99",40
a story,BG-4,10004,Story,Open,,01/Jan/23 12:00 AM,,To Do,,
"""

LINKS_CSV = """\
ticket_id,issue_key
5,BG-1
1,bg-1
7,BG-4
404,BG-1
8,NOPE-1
"""

LINKS_JSON = json.dumps(
    {
        "links": [
            {"id": 1, "ticket_id": "6", "issue_id": "10002", "issue_key": "OLD-9", "created_at": "2024-02-10T12:00:00Z"}
        ]
    }
)

GITHUB = json.dumps(
    [
        {
            "url": "https://api.github.com/repos/acme/app/issues/7",
            "repository_url": "https://api.github.com/repos/acme/app",
            "html_url": "https://github.com/acme/app/issues/7",
            "number": 7,
            "title": "Crash on start",
            "labels": [{"name": "bug"}],
            "state": "open",
            "created_at": "2023-06-01T00:00:00Z",
            "updated_at": "2023-06-01T00:00:00Z",
            "closed_at": None,
            "state_reason": None,
        }
    ]
)


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("links")
    for name, text in {
        "tickets.csv": TICKETS,
        "bugs.csv": BUGS,
        "links.csv": LINKS_CSV,
        "links.json": LINKS_JSON,
        "github.json": GITHUB,
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    from dashboard.store import open_warehouse

    warehouse, report = open_warehouse(folder)
    assert not report.failed, [f.error for f in report.files]
    return warehouse, report


def _pairs(warehouse) -> dict[str, str]:
    frame = warehouse.sql("select ticket_id, issue_key, found_in from ticket_issue_links order by 1, 2")
    return {f"{r.ticket_id}->{r.issue_key}": r.found_in for r in frame.itertuples()}


def test_links_come_from_every_place_and_each_pair_is_kept_once(linked) -> None:
    assert _pairs(linked[0]) == {
        "1->BG-1": "links export, ticket tag",
        "2->BG-1": "ticket subject",
        "3->BG-2": "ticket custom field",
        "4->acme/app#7": "ticket subject",
        "5->BG-1": "links export",
        "6->BG-2": "links export",  # matched by issue_id 10002: the key OLD-9 is stale
        "7->BG-4": "links export",
        "8->BG-3": "Zendesk Ticket IDs",
    }


def test_links_to_unknown_tickets_or_issues_are_counted_in_the_report(linked) -> None:
    _, report = linked
    links_notes = file_report(report, "links.csv").notes
    assert "1 links name a ticket that is not in the data (links export)" in links_notes
    assert any(
        n.startswith("1 links name an issue that is not in the data (links export), e.g. NOPE-1") for n in links_notes
    )
    assert "1 links name a ticket that is not in the data (Zendesk Ticket IDs)" in file_report(report, "bugs.csv").notes
    assert any("(ticket subject), e.g. UTF-8" in n for n in file_report(report, "tickets.csv").notes)
    assert file_report(report, "links.csv").rows_loaded == 5
    assert file_report(report, "links.json").rows_loaded == 1


def test_share_of_tickets_about_known_bugs(linked) -> None:
    total = total_row(run_metric(linked[0], "impact", MARCH))
    # March tickets: 1, 2, 3, 4, 5, 7, 8 (6 is February); about a bug: all but 7 (a story).
    assert total["tickets_created"] == 7
    assert total["bug_tickets"] == 6
    assert total["bug_ticket_share_pct"] == pytest.approx(600 / 7, abs=1e-3)
    # Open at the end of March with a linked ticket: BG-1, BG-2, acme/app#7 (BG-3 was fixed).
    assert total["impacting_bugs"] == 3
    per_line = run_metric(linked[0], "impact", MARCH).dropna(subset=["product_line"]).set_index("product_line")
    assert per_line.loc["A", "bug_tickets"] == 4 and per_line.loc["A", "tickets_created"] == 5
    assert per_line.loc["B", "bug_tickets"] == 2 and per_line.loc["B", "tickets_created"] == 2


def test_still_hurting_is_old_open_bugs_with_new_tickets_ranked_by_tickets_then_age(linked) -> None:
    bugs = run_metric(linked[0], "bug_impact", MARCH).set_index("issue_key")
    hurting = still_hurting(bugs.reset_index())
    assert hurting["issue_key"].tolist() == ["BG-1", "acme/app#7"]  # BG-2 is 31 days old; BG-3 is fixed
    assert bugs.loc["BG-1", "tickets_in_period"] == 3
    assert bugs.loc["BG-1", "age_days"] == pytest.approx(456)  # 2023-01-01 .. 2024-04-01
    assert bugs.loc["acme/app#7", "age_days"] == pytest.approx(305)
    assert (bugs.loc["BG-2", "tickets_in_period"], bugs.loc["BG-2", "tickets_all_time"]) == (1, 2)
    assert bugs.loc["BG-3", "tickets_all_time"] == 40  # Jira's Zendesk Ticket Count beats 1 link
    assert "BG-4" not in bugs.index  # a story, not a bug
    assert list(bugs.loc["BG-1", "monthly_tickets"]) == [0] * 11 + [3]
    assert list(bugs.loc["BG-2", "monthly_tickets"]) == [0] * 10 + [1, 1]


def test_kpis_json_carries_impact(linked) -> None:
    impact = kpis(linked[0], MARCH)["impact"]
    assert impact["linked_tickets"] == 6
    assert impact["still_hurting"] == [
        {"key": "BG-1", "age_days": 456.0, "tickets_in_period": 3},
        {"key": "acme/app#7", "age_days": 305.0, "tickets_in_period": 1},
    ]


@pytest.mark.slow
def test_the_key_pattern_and_threshold_are_settings(load_files) -> None:
    warehouse, _ = load_files(
        {
            "health.toml": '[links]\nkey_pattern = "BUG#[0-9]+"\nstill_hurting_days = 0\n',
            "tickets.csv": "Id,Status,Via,Created at,Subject\n1,Open,Mail,2024-03-05 10:00:00,about BUG#12 and BG-1\n",
            "bugs.json": json.dumps([{**json.loads(GITHUB)[0], "number": 12, "created_at": "2024-03-01T00:00:00Z"}]),
        }
    )
    assert warehouse.sql("select count(*) n from fct_link_refs")["n"][0] == 1  # BG-1 no longer matches
    assert warehouse.sql("select count(*) n from ticket_issue_links")["n"][0] == 0  # BUG#12 is not 'acme/app#12'


def test_sample_story_old_bugs_are_still_hurting(sample) -> None:
    warehouse, _ = sample
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    keys = still_hurting(run_metric(warehouse, "bug_impact", october))["issue_key"].tolist()
    # The five old bugs the generator planted, less ANA-101 whose tickets stopped in January 2026.
    assert {"BILL-101", "MOB-101", "INT-101", "BILL-102"} <= set(keys)
    assert "ANA-101" not in keys
    assert keys[0] == "MOB-101"  # tickets about it tripled after the v3 launch
