"""What changed (queries/metrics/changes.sql, dashboard/changes.py): planted movements are
found, pure noise lists nothing, and the sample's story is told."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.changes import movements
from dashboard.cli import main
from dashboard.config import Settings
from dashboard.db import Warehouse, read_sql
from dashboard.filters import Filters
from dashboard.metrics import kpis, run_metric

JANUARY = Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31))  # compared with December 2025: 31 days each
DECEMBER_START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
JANUARY_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LINES = ("Billing", "Mobile App", "Analytics", "Integrations")


def _model() -> Warehouse:
    """An empty model with just the columns changes.sql reads."""
    warehouse = Warehouse(Settings())
    con = warehouse.con
    con.execute(read_sql("macros"))
    con.execute(
        "create table fct_tickets (created_at timestamptz, solved_at timestamptz, is_solved boolean, "
        "first_response_hours double, resolution_hours double, product_line varchar, priority varchar, "
        "channel varchar, first_response_due_at timestamptz, has_response_data boolean, "
        "first_reply_at timestamptz, is_csat_satisfied boolean, updated_at timestamptz)"
    )
    # The SLA statuses are judged as of the data's cut-off: the real mart, as a view over these rows.
    con.execute(f"create view fct_cutoff as {read_sql('marts/fct_cutoff')}")
    con.execute(
        "create table fct_self_service (started_at timestamptz, product_line varchar, count_sessions int, "
        "count_resolved int)"
    )
    con.execute(
        "create table ticket_issue_links (issue_source varchar, issue_key varchar, ticket_created_at timestamptz, "
        "is_bug boolean, ticket_priority varchar, ticket_channel varchar)"
    )
    con.execute(
        "create table fct_issues (source varchar, issue_key varchar, product_line varchar, "
        "created_at timestamptz, resolved_at timestamptz)"
    )
    con.execute("create table pre_range (timezone varchar, first_month date, last_month date)")
    return warehouse


def _fill(warehouse: Warehouse, rng: random.Random, plant: dict[str, float] | None = None) -> None:
    """A month of tickets, sessions and bug links per product line, in December and January,
    from the same distributions unless `plant` changes January: 'fr' (Mobile App's first
    response times multiplied), 'deflection' (every line's resolved share), 'bug' (MOB-1's
    tickets per month), 'csat' (Mobile App's satisfied share)."""
    plant = plant or {}
    tickets, sessions, links = [], [], []
    for start, january in ((DECEMBER_START, False), (JANUARY_START, True)):
        for line in LINES:
            for _ in range(_poisson(rng, 150)):  # tickets arrive at a steady rate
                created = start + dt.timedelta(seconds=rng.uniform(0, 31 * 86400 - 1))
                first = rng.lognormvariate(1.0, 1.0)
                if january and line == "Mobile App":
                    first *= plant.get("fr", 1.0)
                resolution = rng.lognormvariate(3.5, 1.0)
                solved = created + dt.timedelta(hours=resolution)
                # keep solves inside the month they were created in, so both periods have as many
                solved = min(solved, start + dt.timedelta(days=31, seconds=-1))
                resolution = (solved - created).total_seconds() / 3600
                # an 8-hour first-reply SLA; a third of the solved tickets rated, 80 % satisfied
                due, replied = created + dt.timedelta(hours=8), created + dt.timedelta(hours=first)
                satisfied = plant.get("csat", 0.8) if january and line == "Mobile App" else 0.8
                rating = (rng.random() < satisfied) if rng.random() < 0.33 else None
                tickets.append(
                    (created, solved, True, first, resolution, line, "normal", "email", due, True, replied, rating)
                )
            share = plant.get("deflection", 0.3) if january else 0.3
            for _ in range(300):
                started = start + dt.timedelta(seconds=rng.uniform(0, 31 * 86400 - 1))
                sessions.append((started, line, 1, int(rng.random() < share)))
        for key, rate in (("BILL-1", 4.0), ("MOB-1", plant.get("bug", 4.0) if january else 4.0)):
            for _ in range(_poisson(rng, rate)):
                created = start + dt.timedelta(seconds=rng.uniform(0, 31 * 86400 - 1))
                links.append(("jira", key, created, True, "normal", "email"))
    con = warehouse.con
    con.execute("delete from fct_tickets; delete from fct_self_service; delete from ticket_issue_links")
    con.execute("delete from fct_issues")
    _insert(warehouse, "fct_tickets", tickets)
    _insert(warehouse, "fct_self_service", sessions)
    _insert(warehouse, "ticket_issue_links", links)
    old = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    bugs = [("jira", "BILL-1", "Billing", old, None), ("jira", "MOB-1", "Mobile App", old, None)]
    _insert(warehouse, "fct_issues", bugs)


def _insert(warehouse: Warehouse, table: str, rows: list[tuple]) -> None:
    """Rows into a table through a DataFrame (executemany is slow in DuckDB)."""
    if not rows:
        return
    columns = [c for (c,) in warehouse.con.execute(f"select column_name from (describe {table})").fetchall()]
    columns = columns[: len(rows[0])]  # the leading ones; the rest stay null
    frame = pd.DataFrame(rows, columns=columns)  # noqa: F841 (read by name in the SQL below)
    warehouse.con.execute(f"insert into {table} ({', '.join(columns)}) select * from frame")


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: fine for the small rates here."""
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _significant(warehouse: Warehouse, filters: Filters = JANUARY) -> pd.DataFrame:
    frame = run_metric(warehouse, "changes", filters)
    return frame[frame["is_significant"]]


@pytest.fixture(scope="module")
def model() -> Warehouse:
    return _model()


@pytest.mark.slow
def test_pure_noise_lists_nothing_in_at_least_95_of_100_seeded_trials(model) -> None:
    noisy = []
    for seed in range(100):
        _fill(model, random.Random(seed))
        found = _significant(model)
        if len(found):
            noisy.append((seed, found[["metric", "product_line", "previous", "current", "p"]].to_dict("records")))
    assert len(noisy) <= 5, noisy


def test_a_tripled_median_first_response_is_found_and_is_worse(model) -> None:
    _fill(model, random.Random(1), {"fr": 3.0})
    found = _significant(model)
    mobile = found[(found["metric"] == "first_response.median_hours") & (found["product_line"] == "Mobile App")]
    assert len(mobile) == 1
    assert mobile["current"].iloc[0] > 2 * mobile["previous"].iloc[0]
    words = movements(found, JANUARY, lambda lines: {"first_response.median_hours": 6.0}, lambda entity: True)
    first = next(m for m in words if m.metric == "first_response.median_hours" and m.product_line == "Mobile App")
    assert first.better is False
    assert first.sentence.startswith("Mobile App — median first response ")
    assert "up from" in first.sentence and "in Dec 2025 (×" in first.sentence
    # the overview with the list of the tickets behind it open, for that product line
    assert first.link.startswith("./?") and "drill=first_response.median_hours" in first.link
    assert "drill_line=Mobile+App" in first.link and "product_line=" not in first.link
    assert "from=2026-01-01" in first.link and "to=2026-01-31" in first.link


def test_a_doubled_deflection_rate_is_found_and_is_better(model) -> None:
    _fill(model, random.Random(2), {"deflection": 0.6})
    found = _significant(model)
    total = found[(found["metric"] == "deflection.rate_pct") & found["product_line"].isna()]
    assert len(total) == 1
    words = movements(found, JANUARY, lambda lines: {}, lambda entity: True)
    assert next(m for m in words if m.metric == "deflection.rate_pct" and m.product_line is None).better is True


def test_a_fall_in_satisfaction_and_in_sla_are_found(model) -> None:
    _fill(model, random.Random(8), {"csat": 0.4, "fr": 3.0})
    found = _significant(model)
    mobile = found[found["product_line"] == "Mobile App"].set_index("metric")
    assert mobile.loc["csat.score_pct", "current"] < 60 < 70 < mobile.loc["csat.score_pct", "previous"]
    assert mobile.loc["sla.first_response.met_pct", "current"] < mobile.loc["sla.first_response.met_pct", "previous"]
    words = movements(found, JANUARY, lambda lines: {}, lambda entity: True)
    csat = next(m for m in words if m.metric == "csat.score_pct" and m.product_line == "Mobile App")
    assert csat.better is False and csat.page == "service" and csat.sentence.startswith("Mobile App — CSAT ")
    assert csat.sentence.endswith(" pts)")


def test_an_old_bug_whose_tickets_jumped_is_listed(model) -> None:
    _fill(model, random.Random(3), {"bug": 30.0})
    found = _significant(model)
    bug = found[found["metric"] == "impact.still_hurting"]
    assert bug["issue_key"].tolist() == ["MOB-1"]
    words = movements(found, JANUARY, lambda lines: {}, lambda entity: True)
    line = next(m for m in words if m.issue_key == "MOB-1")
    assert line.better is False and line.page == "impact" and "MOB-1 (Mobile App) — an old open bug" in line.sentence


def test_sessions_that_stop_are_no_data_not_a_deflection_collapse(model) -> None:
    _fill(model, random.Random(6))
    model.con.execute("delete from fct_self_service where started_at >= $at", {"at": JANUARY_START})
    frame = run_metric(model, "changes", JANUARY)
    deflection = frame[frame["metric"] == "deflection.rate_pct"]
    assert len(deflection) and not deflection["is_tested"].any()


def test_a_bug_new_in_the_compared_period_is_no_jump(model) -> None:
    """MOB-1 created in mid-December: its January tickets are its first, not a rise."""
    _fill(model, random.Random(3), {"bug": 30.0})
    model.con.execute(
        "update fct_issues set created_at = $at where issue_key = 'MOB-1'",
        {"at": DECEMBER_START + dt.timedelta(days=15)},
    )
    frame = run_metric(model, "changes", replace(JANUARY, product_lines=()))
    assert "MOB-1" not in set(frame["issue_key"].dropna())


def test_what_changed_needs_data_over_both_periods() -> None:
    from dashboard.metrics import Coverage

    def span(first: str, last: str) -> Coverage:
        return Coverage({"tickets": (dt.date.fromisoformat(first), dt.date.fromisoformat(last))}, {})

    assert span("2025-12-01", "2026-01-31").covers("tickets", JANUARY)
    assert span("2025-12-01", "2026-01-30").covers("tickets", JANUARY)  # the last day may not be in yet
    assert not span("2025-12-15", "2026-01-31").covers("tickets", JANUARY)  # half of December
    assert not span("2025-12-01", "2026-01-20").covers("tickets", JANUARY)  # the export stopped
    assert not span("2025-12-01", "2026-01-31").covers("self_service", JANUARY)


def test_a_movement_a_few_tickets_could_explain_is_not_tested(model) -> None:
    """Ten tickets a month whose median triples: too few to tell (fewer than 20 a side)."""
    _fill(model, random.Random(4))
    model.con.execute("delete from fct_tickets where product_line = 'Analytics'")
    for start, factor in ((DECEMBER_START, 1.0), (JANUARY_START, 3.0)):
        rows = [
            (start + dt.timedelta(days=day), None, False, (1 + day / 10) * factor, None, "Analytics", "n", "e")
            for day in range(10)
        ]
        _insert(model, "fct_tickets", rows)
    frame = run_metric(model, "changes", JANUARY)
    analytics = frame[(frame["metric"] == "first_response.median_hours") & (frame["product_line"] == "Analytics")]
    assert analytics["current"].iloc[0] == pytest.approx(3 * analytics["previous"].iloc[0])
    assert not analytics["is_tested"].iloc[0] and not analytics["is_significant"].iloc[0]


def test_a_tiny_shift_in_a_huge_sample_is_not_listed() -> None:
    """Significant but small (under 10 %): not something a meeting should discuss."""
    warehouse = _model()
    rng = random.Random(5)
    rows = []
    for start, factor in ((DECEMBER_START, 1.0), (JANUARY_START, 1.05)):
        for _ in range(40_000):
            created = start + dt.timedelta(seconds=rng.uniform(0, 31 * 86400 - 1))
            rows.append((created, None, False, rng.lognormvariate(1.0, 0.3) * factor, None, "Billing", "n", "e"))
    _insert(warehouse, "fct_tickets", rows)
    frame = run_metric(warehouse, "changes", replace(JANUARY, product_lines=("Billing",)))
    billing = frame[frame["metric"] == "first_response.median_hours"].iloc[0]
    assert billing["p"] * billing["tests"] < 0.01  # the test alone would call it real
    assert not billing["is_significant"]


def test_the_median_test_agrees_with_a_hand_computed_case() -> None:
    """December 1, 2, ..., 20 h; January 21, ..., 40 h. Both together have the median 20.5 h;
    all of January is above it, none of December: shares 1 and 0, pooled 0.5, so
    z = (1 - 0) / sqrt(0.5 * 0.5 * (1/20 + 1/20)) = 6.32 (Mood's median test)."""
    warehouse = _model()
    rows = [
        (start + dt.timedelta(hours=i), None, False, float(i + offset), None, "Billing", "n", "e")
        for start, offset in ((DECEMBER_START, 1), (JANUARY_START, 21))
        for i in range(20)
    ]
    _insert(warehouse, "fct_tickets", rows)
    frame = run_metric(warehouse, "changes", replace(JANUARY, product_lines=("Billing",)))
    row = frame[frame["metric"] == "first_response.median_hours"].iloc[0]
    assert (row["previous"], row["current"]) == (10.5, 30.5)
    assert row["z"] == pytest.approx(1 / math.sqrt(0.25 * 0.1), rel=1e-9)
    assert row["p"] == pytest.approx(math.erfc(row["z"] / math.sqrt(2)), abs=2e-7)
    volume = frame[frame["metric"] == "tickets_created"].iloc[0]
    assert (volume["previous"], volume["current"], volume["z"]) == (20, 20, 0)  # all on the 1st, both months


def test_the_daily_volume_rank_test_agrees_with_a_hand_computed_case() -> None:
    """One ticket every day of December, two every day of January: every January day ranks
    above every December day. U = 31 x 31 = 961, mean 480.5; two blocks of 31 ties."""
    warehouse = _model()
    rows = [
        (start + dt.timedelta(days=day, hours=hour), None, False, 1.0, None, "Billing", "n", "e")
        for start, per_day in ((DECEMBER_START, 1), (JANUARY_START, 2))
        for day in range(31)
        for hour in range(per_day)
    ]
    _insert(warehouse, "fct_tickets", rows)
    frame = run_metric(warehouse, "changes", replace(JANUARY, product_lines=("Billing",)))
    volume = frame[frame["metric"] == "tickets_created"].iloc[0]
    n, ties = 62, 2 * (31**3 - 31)
    sd = math.sqrt(31 * 31 / 12 * (n + 1 - ties / (n * (n - 1))))
    assert (volume["previous"], volume["current"]) == (31, 62)
    assert volume["z"] == pytest.approx((961 - 480.5) / sd, rel=1e-9)
    assert volume["is_significant"]


# -- the sample's story -----------------------------------------------------------------


def _changes(warehouse: Warehouse, start: str, end: str) -> list[dict]:
    filters = Filters(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return kpis(warehouse, filters)["changes"]


def test_the_v3_launch_month_lists_mobile_apps_first_response_as_worse(sample) -> None:
    warehouse, _ = sample
    changes = _changes(warehouse, "2026-08-01", "2026-08-31")
    first = changes[0]
    assert (first["metric"], first["product_line"], first["better"], first["significant"]) == (
        "first_response.median_hours",
        "Mobile App",
        False,
        True,
    )
    assert first["current"] > 3 * first["previous"]
    assert first["sentence"].endswith("off target (≤ 6.0 h)")
    assert all(c["significant"] for c in changes)


def test_the_help_center_push_month_lists_deflection_as_better(sample) -> None:
    warehouse, _ = sample
    changes = _changes(warehouse, "2026-05-01", "2026-05-31")
    deflection = [c for c in changes if c["metric"] == "deflection.rate_pct"]
    assert deflection and all(c["better"] is True for c in deflection)
    assert {c["metric"] for c in changes} == {"deflection.rate_pct"}


@pytest.mark.parametrize("month", ["2026-03", "2026-06", "2026-09", "2026-10"])
def test_quiet_months_of_the_sample_list_nothing(sample, month) -> None:
    warehouse, _ = sample
    start = dt.date.fromisoformat(month + "-01")
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    assert _changes(warehouse, start.isoformat(), end.isoformat()) == []


def test_kpis_json_has_changes_and_events(capsys) -> None:
    assert main(["kpis", "--from", "2026-08-01", "--to", "2026-08-31", "--product-line", "Mobile App"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [c["metric"] for c in result["changes"]][:1] == ["first_response.median_hours"]
    assert all(c["product_line"] == "Mobile App" for c in result["changes"])  # one line: no total row
    launch = {"date": "2026-08-01", "end_date": None, "label": "v3 launch", "product_line": "Mobile App"}
    assert result["events"] == [launch]


def test_a_comparison_the_data_does_not_reach_lists_nothing() -> None:
    frame = pd.DataFrame(
        [
            {
                "metric": "tickets_created",
                "product_line": None,
                "issue_key": None,
                "previous": 10.0,
                "current": 100.0,
                "change_pct": 900.0,
                "is_significant": True,
            }
        ]
    )
    assert movements(frame, JANUARY, lambda lines: {}, lambda entity: False) == []
    (only,) = movements(frame, JANUARY, lambda lines: {}, lambda entity: True)
    assert (
        only.better is None and only.page == "" and only.link.startswith("./?") and "drill=tickets_created" in only.link
    )
    assert only.sentence == "All product lines — tickets created 100, up from 10 in Dec 2025 (×10.0)"
    frame.loc[0, ["previous", "current", "change_pct"]] = [100.0, 40.0, -60.0]
    (down,) = movements(frame, JANUARY, lambda lines: {}, lambda entity: True)
    assert down.sentence.endswith("down from 100 in Dec 2025 (−60 %)")
