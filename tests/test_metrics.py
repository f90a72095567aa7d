"""Every KPI against rows small enough to check in your head, and against plain Python."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import QUERIES_DIR
from dashboard.catalogue import drillable
from dashboard.db import read_sql
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.formatting import period_label, plural, short_period_label, when
from dashboard.layers import build_only, model_relations
from dashboard.metrics import kpis, metric_names, period_summary, run_metric
from dashboard.rows import TICKET_TAIL, rows
from dashboard.sources.formats import ALL_FORMATS
from dashboard.store import open_warehouse

MARCH = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))

TICKETS = """\
Id,Requester id,Group,Status,Via,Created at,Solved at,Reopens,First reply time in minutes,Tags
1,77,A,Solved,Mail,2024-03-01 10:00:00,2024-03-02 10:00:00,0,60,
2,77,A,Solved,Mail,2024-03-05 10:00:00,2024-03-06 22:00:00,1,180,
3,78,B,Open,Mail,2024-03-10 10:00:00,,0,,
4,79,B,Closed,Mail,2024-03-20 10:00:00,2024-03-21 10:00:00,0,120,closed_by_merge
5,80,A,Solved,Mail,2024-02-28 10:00:00,2024-03-01 10:00:00,0,30,
"""

BUGS = """\
Summary,Issue key,Issue Type,Status,Resolution,Created,Resolved,Status Category
old,B-1,Bug,Open,,01/Jan/24 12:00 AM,,To Do
older than a year,B-2,Bug,Open,,01/Mar/23 12:00 AM,,To Do
fixed exactly at the end,B-3,Bug,Done,Done,01/Feb/24 12:00 AM,01/Apr/24 12:00 AM,Done
fixed in March,B-4,Bug,Done,Done,01/Mar/24 12:00 AM,11/Mar/24 12:00 AM,Done
not planned,B-5,Bug,Done,Won't Do,01/Mar/24 12:00 AM,05/Mar/24 12:00 AM,Done
a story,B-6,Story,Open,,01/Jan/24 12:00 AM,,To Do
"""

SESSIONS = """\
session_id,started_at,product_line,channel,outcome
s1,2024-03-02 10:00:00,A,chatbot,resolved
s2,2024-03-03 10:00:00,A,chatbot,resolved
s3,2024-03-04 10:00:00,B,chatbot,resolved
s4,2024-03-05 10:00:00,B,chatbot,escalated
s5,2024-03-06 10:00:00,B,chatbot,abandoned
"""


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand")
    (folder / "tickets.csv").write_text(TICKETS)
    (folder / "bugs.csv").write_text(BUGS)
    (folder / "sessions.csv").write_text(SESSIONS)
    warehouse, report = open_warehouse(folder)
    assert not report.failed
    return warehouse


def test_first_response_counts_unanswered_apart_and_takes_median_of_the_answered(hand) -> None:
    fr = period_summary(hand, MARCH)["first_response"]
    # created in March: 1 (1 h), 2 (3 h), 3 (no reply), 4 (2 h); ticket 5 was created in February
    assert (fr["responded"], fr["unanswered"], fr["median_hours"], fr["p90_hours"], fr["mean_hours"]) == (
        3,
        1,
        2.0,
        2.8,
        2.0,
    )
    assert fr["basis"] == "calendar"
    assert period_summary(hand, MARCH)["tickets_created"] == 4


def test_resolution_counts_solves_in_the_period_without_merges_and_reports_reopens(hand) -> None:
    res = period_summary(hand, MARCH)["resolution"]
    # solved in March, not merged: 1 (24 h), 2 (36 h, reopened), 5 (48 h: created 28 February
    # of a leap year); ticket 4 was closed by merge
    assert (res["resolved"], res["median_hours"], res["p90_hours"]) == (3, 36.0, 45.6)
    assert res["reopened_pct"] == pytest.approx(100 / 3, abs=1e-3)


def test_bug_age_counts_a_bug_fixed_exactly_at_the_period_end_as_open(hand) -> None:
    bug = period_summary(hand, MARCH)["bug_age"]
    # open at 2024-04-01 00:00: B-1 (91 days), B-2 (397), B-3 (60; resolved at the end, not before it)
    assert (bug["open_bugs"], bug["median_days"], bug["p90_days"], bug["older_than_365_days"]) == (3, 91.0, 335.8, 1)
    # fixed in March: B-4 (10 days); B-5 was not planned, B-3 is fixed in April
    assert (bug["fixed"], bug["median_days_to_fix"], bug["p90_days_to_fix"]) == (1, 10.0, 10.0)


def test_deflection_is_resolved_sessions_over_sessions_plus_tickets(hand) -> None:
    dfl = period_summary(hand, MARCH)["deflection"]
    assert dfl["self_service_resolved"] == 3
    assert dfl["rate_pct"] == pytest.approx(100 * 3 / 7, abs=1e-3)  # 3 / (3 + 4 tickets)
    assert dfl["self_service_score"] == pytest.approx(5 / 3, abs=1e-3)  # 5 sessions / requesters 77, 78, 79


def test_product_line_filter_and_split_agree(hand) -> None:
    only_a = period_summary(hand, Filters(MARCH.start, MARCH.end, product_lines=("A",)))
    assert (only_a["tickets_created"], only_a["first_response"]["median_hours"]) == (2, 2.0)
    split = run_metric(hand, "first_response", MARCH).set_index("product_line", drop=False)
    assert split.loc["A", "tickets_created"] == 2 and split.loc["B", "tickets_created"] == 2


def test_no_data_is_null_not_zero(hand) -> None:
    empty = period_summary(hand, Filters(dt.date(2020, 1, 1), dt.date(2020, 1, 31)))
    assert empty["tickets_created"] == 0
    assert empty["first_response"]["median_hours"] is None
    assert empty["resolution"]["median_hours"] is None
    assert empty["deflection"]["rate_pct"] is None


def test_a_month_is_compared_with_the_month_before(hand) -> None:
    result = kpis(hand, MARCH)
    assert result["previous_period"]["period"] == {"from": "2024-02-01", "to": "2024-02-29"}
    assert result["previous_period"]["tickets_created"] == 1  # ticket 5


def test_comparison_periods_are_the_ones_people_say() -> None:
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (october.previous().start, october.previous().end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert (october.year_ago().start, october.year_ago().end) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    quarter = Filters(dt.date(2026, 7, 1), dt.date(2026, 9, 30))  # a quarter: the quarter before
    assert (quarter.months, quarter.previous().start, quarter.previous().end) == (
        3,
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    march = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))  # 31 days, after a 29-day February
    assert march.previous().days == 29 and march.previous().months == 1
    feb = Filters(dt.date(2024, 2, 1), dt.date(2024, 2, 29))  # a leap February a year back
    assert (feb.year_ago().start, feb.year_ago().end) == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    days = Filters(dt.date(2026, 10, 3), dt.date(2026, 10, 16))  # not whole months: equal length before
    assert (days.months, days.previous().start, days.previous().end) == (0, dt.date(2026, 9, 19), dt.date(2026, 10, 2))
    assert (days.year_ago().start, days.year_ago().end) == (dt.date(2025, 10, 3), dt.date(2025, 10, 16))


def test_periods_read_as_people_say_them() -> None:
    assert period_label(Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))) == "October 2026"
    assert period_label(Filters(dt.date(2026, 7, 1), dt.date(2026, 9, 30))) == "July – September 2026"
    assert period_label(Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))) == "November 2025 – October 2026"
    assert period_label(Filters(dt.date(2026, 10, 3), dt.date(2026, 10, 16))) == "3 Oct – 16 Oct 2026"
    assert short_period_label(Filters(dt.date(2026, 9, 1), dt.date(2026, 9, 30))) == "Sep 2026"
    assert when("2026-11-01T00:57:34+00:00") == "1 November 2026, 00:57 UTC" and when(None) == "no data"
    assert (
        plural(1, "file") + ", " + plural(2, "file") + ", " + plural(1200, "ticket") == "1 file, 2 files, 1,200 tickets"
    )


def test_period_boundaries_follow_the_reporting_time_zone(load_files) -> None:
    # 2024-04-01 03:00 UTC is still 31 March (23:00) in New York
    w, _ = load_files({"t.csv": "Id,Status,Via,Created at\n1,Open,Mail,2024-04-01 03:00:00\n"})
    utc = period_summary(w, MARCH)["tickets_created"]
    new_york = period_summary(w, Filters(MARCH.start, MARCH.end, timezone="America/New_York"))["tickets_created"]
    assert (utc, new_york) == (0, 1)


def test_deleted_tickets_and_pull_requests_are_not_counted(load_files) -> None:
    page = {
        "tickets": [
            {"id": 1, "created_at": "2024-03-01T10:00:00Z", "updated_at": "2024-03-01T10:00:00Z", "status": "open"},
            {"id": 2, "created_at": "2024-03-01T10:00:00Z", "updated_at": "2024-03-02T10:00:00Z", "status": "deleted"},
        ]
    }
    issues = [
        {
            "number": 1,
            "state": "open",
            "labels": [{"name": "bug"}],
            "created_at": "2024-01-01T00:00:00Z",
            "html_url": "https://github.com/a/b/issues/1",
        },
        {
            "number": 2,
            "state": "open",
            "labels": [{"name": "bug"}],
            "created_at": "2024-01-01T00:00:00Z",
            "html_url": "https://github.com/a/b/pull/2",
            "pull_request": {},
        },
    ]
    w, _ = load_files({"z.json": json.dumps(page), "gh.json": json.dumps(issues)})
    summary = period_summary(w, MARCH)
    assert (summary["tickets_created"], summary["bug_age"]["open_bugs"]) == (1, 1)


def test_unknown_product_line_is_an_error_not_an_empty_result(hand) -> None:
    with pytest.raises(ProductHealthError, match="unknown product line 'Z'"):
        kpis(hand, Filters(MARCH.start, MARCH.end, product_lines=("Z",)))


def test_a_reversed_period_is_an_error() -> None:
    with pytest.raises(ProductHealthError, match="ends .* before it starts"):
        Filters(dt.date(2024, 3, 31), dt.date(2024, 3, 1))


def test_hostile_filter_values_are_bound_not_spliced(hand) -> None:
    hostile = Filters(
        MARCH.start, MARCH.end, product_lines=("x') or 1=1 --",), channels=("'; drop table fct_tickets; --",)
    )
    assert period_summary(hand, hostile)["tickets_created"] == 0
    assert hand.sql("select count(*) n from fct_tickets")["n"][0] == 5


SQL_FILES = sorted(p.relative_to(QUERIES_DIR).with_suffix("").as_posix() for p in QUERIES_DIR.rglob("*.sql"))


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_query_file_runs_against_the_sample_data(sample, name: str) -> None:
    warehouse, _ = sample
    if name.startswith("metrics/"):
        frame = warehouse.query(
            name, Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31)).params() | {"min_age_days": 90}
        )
        assert len(frame) > 0
    elif name == TICKET_TAIL:  # the columns of every ticket list: run after a ticket rows file
        assert len(rows(warehouse, "tickets_created", Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))) > 0
    elif name.startswith("rows/"):  # the rows behind a number: each part runs (tests/test_rows.py checks them)
        params = Filters(dt.date(2026, 1, 1), dt.date(2026, 10, 31)).params()
        parts = [part for kpi, part in drillable().values() if f"rows/{kpi.rows}" == name]
        assert parts, f"{name} is no KPI's rows (catalogue: rows=, drill=)"
        for part in parts:
            warehouse.query(name, params | {"part": part, "issue_key": None})
    elif name == "macros":
        assert "create or replace macro" in read_sql(name)
    else:  # staging and marts are built by the load; they must have rows from the sample
        table = name.split("/")[1]
        if table in build_only(model_relations()):
            # A view over the raw rows only a build holds (Format.keeps_raw): not in the model
            # file; its rows are the staged rows of its formats' source.
            assert table not in {v for (v,) in warehouse.con.execute("select view_name from duckdb_views()").fetchall()}
            fmts = [f for f in ALL_FORMATS if table in f.staging or table == f"stg_union_{f.entity}"]
            staged = {f"stg_{entity}" for f in fmts for entity in f.staging.values()}
            sources = sorted({f.source for f in fmts} - {""})
            count = sum(
                warehouse.sql(f"select count(*) n from {name} where source in (select unnest($s))", {"s": sources})[
                    "n"
                ][0]
                for name in staged
            )
        else:
            count = warehouse.sql(f"select count(*) n from {table}")["n"][0]
        assert count > 0 or table in (
            "stg_zendesk_csv",
            "stg_freshdesk_csv",
            "stg_jira_tickets",
            "stg_linear",
            "stg_custom",
        )


def test_every_metric_file_states_grain_params_and_definition() -> None:
    for name in metric_names():
        header = read_sql(f"metrics/{name}").split("\nwith\n", 1)[0].split("\nselect\n", 1)[0]
        assert "Grain:" in header and "Params:" in header, name


# -- the SQL against a plain-Python reading of the same definition ------------------------


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    h = (len(values) - 1) * q
    lo, hi = math.floor(h), math.ceil(h)
    return values[lo] + (h - lo) * (values[hi] - values[lo])


ticket = st.tuples(
    st.integers(0, 60 * 24 * 90),  # created: minutes after 2024-02-01
    st.one_of(st.none(), st.integers(0, 60 * 24 * 10)),  # first reply after minutes
    st.one_of(st.none(), st.integers(1, 60 * 24 * 40)),  # solved after minutes
    st.booleans(),  # reopened
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ticket, min_size=0, max_size=30))
def test_sql_matches_python_on_random_tickets(tmp_path_factory, rows) -> None:
    base = dt.datetime(2024, 2, 1)
    lines = ["Id,Status,Via,Created at,Solved at,Reopens,First reply time in minutes"]
    for i, (created, reply, solved, reopened) in enumerate(rows):
        c = base + dt.timedelta(minutes=created)
        s = c + dt.timedelta(minutes=solved) if solved else None
        lines.append(
            f"{i},{'Solved' if s else 'Open'},Mail,{c:%Y-%m-%d %H:%M:%S},{s:%Y-%m-%d %H:%M:%S}"
            if s
            else f"{i},Open,Mail,{c:%Y-%m-%d %H:%M:%S},"
        )
        lines[-1] += f",{int(reopened)},{'' if reply is None else reply}"
    folder = tmp_path_factory.mktemp("prop")
    (folder / "t.csv").write_text("\n".join(lines) + "\n")
    warehouse, _ = open_warehouse(folder, persist=False)
    got = period_summary(warehouse, MARCH)
    start, end = dt.datetime(2024, 3, 1), dt.datetime(2024, 4, 1)
    in_march = [r for r in rows if start <= base + dt.timedelta(minutes=r[0]) < end]
    replies = [r[1] / 60 for r in in_march if r[1] is not None]
    solved = [(r[2] / 60, r[3]) for r in rows if r[2] and start <= base + dt.timedelta(minutes=r[0] + r[2]) < end]
    assert got["tickets_created"] == len(in_march)
    assert got["first_response"]["responded"] == len(replies)
    assert got["first_response"]["unanswered"] == len(in_march) - len(replies)
    assert got["first_response"]["median_hours"] == pytest.approx(quantile(replies, 0.5), abs=1e-3)
    assert got["first_response"]["p90_hours"] == pytest.approx(quantile(replies, 0.9), abs=1e-3)
    assert got["resolution"]["resolved"] == len(solved)
    assert got["resolution"]["median_hours"] == pytest.approx(quantile([h for h, _ in solved], 0.5), abs=1e-3)
    expected_reopened = 100 * sum(r for _, r in solved) / len(solved) if solved else None
    assert got["resolution"]["reopened_pct"] == pytest.approx(expected_reopened, abs=1e-3)


@pytest.mark.slow
def test_trends_read_from_the_precomputed_months_equal_the_live_query(sample) -> None:
    """run_metric answers trends for all product lines or one from pre_<trend> tables; for
    every kind of period (whole months, a cut-short last month, trailing 12 months, before the
    data) the answer is the live SQL's, row for row."""

    import pandas as pd

    from dashboard.catalogue import precomputed_trends

    warehouse, _ = sample
    rng = random.Random(3)
    for _ in range(25):
        start = dt.date(rng.choice([2019, 2024, 2025, 2026]), rng.randint(1, 12), 1)  # 2019: before some bugs
        end = start + dt.timedelta(days=rng.choice([15, 30, 58, 89, 364, 500]))
        filters = Filters(start, end).trailing_months(12) if rng.random() < 0.5 else Filters(start, end)
        lines = rng.choice([(), (), ("Billing",), ("Mobile App",), ("Unassigned",), ("Analytics", "Billing")])
        filters = replace(filters, product_lines=lines)
        for name in precomputed_trends():
            served = run_metric(warehouse, name, filters).reset_index(drop=True)
            live = warehouse.query(f"metrics/{name}", filters.params()).reset_index(drop=True)
            pd.testing.assert_frame_equal(served, live, check_dtype=False)
