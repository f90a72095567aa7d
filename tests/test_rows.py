"""The rows behind a number (dashboard/rows.py, queries/rows/): every count adds up to the kpis
number and every median is the median of the listed values, over seeded filter states on the
sample; hand-made tickets for the SLA statuses and the median's marks."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.catalogue import value_at
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.metrics import known_values, kpis, period_summary
from dashboard.rows import TICKET_COLUMNS, drill_keys, rows, screen
from dashboard.store import open_warehouse

COUNTS = (
    "tickets_created",
    "first_response.responded",
    "first_response.unanswered",
    "resolution.resolved",
    "resolution.reopened",
    "bug_age.open_bugs",
    "impact.linked_tickets",
    "deflection.self_service_resolved",
    "sla.first_response.met",
    "sla.first_response.breached",
    "sla.first_response.pending",
    "sla.resolution.met",
    "sla.resolution.breached",
    "sla.resolution.pending",
    "backlog.open_at_end",
    "csat.rated",
    "csat.satisfied",
)
MEDIANS = (
    "first_response.median_hours",
    "resolution.median_hours",
    "bug_age.median_days",
    "backlog.median_age_days",
)
PEOPLE = ("requester", "assignee", "agent", "email", "e_mail", "name", "subject")


def expected_count(summary: dict, key: str) -> int:
    """The number a key's rows add up to: its value in the kpis JSON; reopened is the count
    behind reopened_pct (a share of the resolved tickets)."""
    if key == "resolution.reopened":
        share = summary["resolution"]["reopened_pct"]
        return 0 if share is None else round(share * summary["resolution"]["resolved"] / 100)
    return value_at(summary, key)


def filter_states(warehouse, seed: int = 22, count: int = 10) -> list[Filters]:
    """Months, a quarter and odd day ranges of the sample, with product lines, priorities and
    channels picked at random (a fixed seed) from its values, on both bases."""
    rng = random.Random(seed)
    values = known_values(warehouse)
    periods = [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2025, 12, 24), dt.date(2026, 1, 6)),
    ]
    for _ in range(count - len(periods)):
        start = dt.date(2024, 11, 1) + dt.timedelta(days=rng.randrange(700))
        periods.append((start, start + dt.timedelta(days=rng.randrange(1, 120))))

    def some(kind: str) -> tuple[str, ...]:
        return tuple(rng.sample(values[kind], rng.randrange(len(values[kind])))) if rng.random() < 0.6 else ()

    return [
        Filters(
            start,
            end,
            timezone=rng.choice(["UTC", "Europe/Berlin", "America/New_York"]),
            product_lines=some("product_line"),
            priorities=some("priority"),
            channels=some("channel"),
            basis=("calendar", "business")[index % 2],
        )
        for index, (start, end) in enumerate(periods)
    ]


def test_every_key_of_the_issue_has_rows() -> None:
    assert set(COUNTS) | set(MEDIANS) <= set(drill_keys())


def test_an_unknown_key_is_an_error_naming_the_known_ones(sample) -> None:
    warehouse, _ = sample
    with pytest.raises(ProductHealthError, match=r"no rows for 'sla\.nope'.*sla\.first_response\.breached"):
        rows(warehouse, "sla.nope", Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))


@pytest.mark.slow  # every drill key over ten filter states
def test_counts_add_up_and_medians_agree_over_seeded_filter_states(sample) -> None:
    warehouse, _ = sample
    for filters in filter_states(warehouse):
        summary = period_summary(warehouse, filters)
        for key in COUNTS:
            assert len(rows(warehouse, key, filters)) == expected_count(summary, key), (key, filters)
        for key in MEDIANS:
            frame = rows(warehouse, key, filters)
            tile = value_at(summary, key)
            if tile is None:
                assert frame.empty, (key, filters)
                continue
            assert frame["value"].median() == pytest.approx(tile, abs=1e-4), (key, filters)
            assert frame["value"].is_monotonic_increasing, key
            marked = frame.loc[frame["is_median"], "value"]
            assert len(marked) == (1 if len(frame) % 2 else 2), (key, filters)
            assert marked.mean() == pytest.approx(tile, abs=1e-4), (key, filters)


def test_counts_equal_the_kpis_command_for_the_same_arguments(sample) -> None:
    warehouse, _ = sample
    filters = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31), product_lines=("Mobile App", "Billing"))
    result = kpis(warehouse, filters)
    for key in COUNTS:
        assert len(rows(warehouse, key, filters)) == expected_count(result, key), key


def test_ticket_rows_have_the_same_columns_and_no_people(sample) -> None:
    warehouse, _ = sample
    filters = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    for key in drill_keys():
        frame = rows(warehouse, key, filters)
        assert {"id", "source", "url", "value"} <= set(frame.columns), key
        assert not [c for c in frame.columns if any(word in c for word in PEOPLE)], key
        if key.split(".")[0] not in ("bug_age", "deflection"):
            assert tuple(frame.columns) == TICKET_COLUMNS, key


def test_open_bugs_carry_their_key_age_tickets_in_the_period_and_url(sample) -> None:
    warehouse, _ = sample
    frame = rows(warehouse, "bug_age.open_bugs", Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    assert {"title", "created_at", "age_days", "tickets_in_period"} <= set(frame.columns)
    assert frame["age_days"].is_monotonic_decreasing  # oldest first
    assert frame.loc[frame["id"] == "MOB-101", "tickets_in_period"].item() == 15  # as still_hurting says


# -- hand-made tickets: March 2024, first reply due 2 h after creation, the solve 48 h ------------

TICKETS = """\
Id,Requester id,Group,Status,Via,Created at,Solved at,Reopens,First reply time in minutes
1,77,A,Solved,Mail,2024-03-01 10:00:00,2024-03-02 10:00:00,0,60
2,77,A,Solved,Mail,2024-03-05 10:00:00,2024-03-06 22:00:00,1,180
3,78,B,Open,Mail,2024-03-10 10:00:00,,0,
4,79,B,Open,Mail,2024-03-31 23:00:00,,0,
5,80,B,Open,Mail,2024-03-20 10:00:00,,0,30
"""
SLA = """\
[sla]
basis = "calendar"
first_response_hours = { default = 2 }
resolution_hours = { default = 48 }
"""
BUGS = """\
Summary,Issue key,Issue Type,Status,Resolution,Created,Resolved,Status Category
a secret title,B-1,Bug,Open,,01/Jan/24 12:00 AM,,To Do
"""
MARCH = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand")
    (folder / "tickets.csv").write_text(TICKETS)
    (folder / "health.toml").write_text(SLA)
    warehouse, report = open_warehouse(folder)
    assert not report.failed
    return warehouse


def ids(warehouse, key: str, filters: Filters = MARCH) -> list[str]:
    return rows(warehouse, key, filters)["id"].tolist()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("tickets_created", ["1", "2", "3", "5", "4"]),  # in creation order
        ("first_response.responded", ["1", "2", "5"]),
        ("first_response.unanswered", ["3", "4"]),
        ("sla.first_response.met", ["1", "5"]),  # replied within 2 h
        ("sla.first_response.breached", ["2", "3"]),  # replied after 3 h; no reply and due on 10 March
        ("sla.first_response.pending", ["4"]),  # no reply, due at 01:00 on 1 April: after the period
        ("sla.resolution.met", ["1", "2"]),
        ("sla.resolution.breached", ["3", "5"]),
        ("sla.resolution.pending", ["4"]),
        ("resolution.resolved", ["1", "2"]),
        ("resolution.reopened", ["2"]),
        ("backlog.open_at_end", ["3", "5", "4"]),
    ],
)
def test_hand_made_tickets_behind_each_count(hand, key: str, expected: list[str]) -> None:
    assert ids(hand, key) == expected


def test_a_pending_reply_stays_pending_while_its_deadline_is_after_the_data_s_cut_off(hand) -> None:
    # Ticket 4 is due at 01:00 on 1 April; the data's cut-off is its creation (23:00 on 31
    # March, the latest instant of an export without update times). A period running past the
    # deadline does not decide it: only data that reaches past it can.
    april = Filters(dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert ids(hand, "sla.first_response.pending", april) == ["4"]
    assert "4" not in ids(hand, "sla.first_response.breached", april)


def test_the_median_ticket_is_marked_odd_and_even(hand) -> None:
    frame = rows(hand, "first_response.median_hours", MARCH)
    # answered: 5 (0.5 h), 1 (1 h), 2 (3 h), by value; the median 1 h is ticket 1's
    assert list(zip(frame["id"], frame["value"], frame["is_median"], strict=True)) == [
        ("5", 0.5, False),
        ("1", 1.0, True),
        ("2", 3.0, False),
    ]
    line_a = rows(hand, "first_response.median_hours", replace(MARCH, product_lines=("A",)))
    # two answered tickets: the median (2 h) is halfway between both, so both are marked
    assert line_a["is_median"].tolist() == [True, True]
    assert period_summary(hand, replace(MARCH, product_lines=("A",)))["first_response"]["median_hours"] == 2.0


def test_rows_carry_the_sla_status_and_deadline_not_people(hand) -> None:
    frame = rows(hand, "sla.first_response.pending", MARCH).iloc[0]
    assert frame["sla_first_response_status"] == "pending"
    assert frame["first_response_due_at"] == pd.Timestamp("2024-04-01 01:00", tz="UTC")
    assert pd.isna(frame["url"]) and pd.isna(frame["value"])


def test_titles_are_left_out_when_privacy_says_so(load_files) -> None:
    shown, _ = load_files({"bugs.csv": BUGS})
    hidden, _ = load_files({"bugs.csv": BUGS, "health.toml": "[privacy]\nshow_titles = false\n"})
    assert rows(shown, "bug_age.open_bugs", MARCH)["title"].tolist() == ["a secret title"]
    frame = rows(hidden, "bug_age.open_bugs", MARCH)
    assert frame["id"].tolist() == ["B-1"] and "title" not in frame.columns


def test_a_screen_reads_the_largest_values_first_and_the_count_of_all(sample) -> None:
    warehouse, _ = sample
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    everything = rows(warehouse, "first_response.median_hours", october)
    total, largest = screen(warehouse, "first_response.median_hours", october, largest=5)
    assert total == len(everything) > 5 and list(largest.columns) == list(everything.columns)
    assert largest["value"].tolist() == sorted(everything["value"], reverse=True)[:5]
    total, created = screen(warehouse, "tickets_created", october, largest=3)  # a count's list: its own order
    assert created["id"].tolist() == rows(warehouse, "tickets_created", october)["id"].tolist()[:3]
    assert screen(warehouse, "tickets_created", Filters(dt.date(2020, 1, 1), dt.date(2020, 1, 31)))[0] == 0


def test_a_still_hurting_bugs_list_is_its_tickets_in_the_period(sample) -> None:
    warehouse, _ = sample
    for filters in (
        Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        Filters(dt.date(2026, 8, 1), dt.date(2026, 10, 31), priorities=("high", "urgent")),
    ):
        hurting = kpis(warehouse, filters)["impact"]["still_hurting"]
        assert hurting
        for bug in hurting:
            listed = rows(warehouse, "impact.linked_tickets", filters, bug=bug["key"])
            assert len(listed) == bug["tickets_in_period"], bug
            assert screen(warehouse, "impact.linked_tickets", filters, bug=bug["key"])[0] == bug["tickets_in_period"]
