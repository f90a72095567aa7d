"""The KPI catalogue is the one declaration of a KPI: the tiles, the product-line table, the
pack, the explanations, the [targets] keys, `kpis`, What changed and the precomputed trends are
derived from it. test_a_kpi_declared_once_appears_everywhere adds one inside the test only."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from dashboard import QUERIES_DIR, catalogue
from dashboard.catalogue import (
    CATALOGUE,
    Column,
    Kpi,
    TileSpec,
    changes,
    directions,
    lower,
    plain,
    precomputed_trends,
    summary_sql,
    trend_sql,
)
from dashboard.filters import Filters
from dashboard.metrics import Coverage, metric_names, period_summary
from dashboard.tiles import overview_queries

OCTOBER = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def test_every_entry_names_sql_that_exists_and_declares_only_its_own_keys() -> None:
    for kpi in CATALOGUE:
        assert (QUERIES_DIR / "metrics" / f"{kpi.sql}.sql").is_file(), kpi.name
        assert kpi.trend is None or (QUERIES_DIR / "metrics" / f"{kpi.trend}.sql").is_file(), kpi.name
        assert kpi.entity in {"tickets", "issues", "self_service"}
        assert all(key.better in {"lower", "higher", "neither"} for key in kpi.keys.values()), kpi.name
        assert kpi.tile is None or kpi.tile.key in kpi.keys, kpi.name
        assert all(column.key in kpi.keys for column in kpi.columns), kpi.name
        assert all(change.key in kpi.keys or change.better_as in kpi.keys for change in kpi.changes), kpi.name
        if kpi.chart and kpi.chart.target:
            assert kpi.chart.target in kpi.keys, kpi.name
    labels = [kpi.tile.label for kpi in CATALOGUE if kpi.tile]
    assert len(labels) == len(set(labels))
    assert set(summary_sql()) | set(trend_sql()) <= set(metric_names()) and set(precomputed_trends()) <= set(
        trend_sql()
    )


def test_the_numbers_that_should_fall_and_rise_are_the_ones_people_expect() -> None:
    """The directions the tiles' colours, the targets and What changed read."""
    falling = {
        *(f"first_response.{k}" for k in ("median_hours", "p90_hours", "mean_hours", "unanswered")),
        *(f"{part}.business_{k}" for part in ("first_response", "resolution") for k in ("median_hours", "p90_hours")),
        *(f"resolution.{k}" for k in ("median_hours", "p90_hours", "mean_hours", "reopened_pct")),
        *(f"bug_age.{k}" for k in ("open_bugs", "median_days", "p90_days", "older_than_365_days")),
        "bug_age.median_days_to_fix",
        "bug_age.p90_days_to_fix",
        "impact.linked_tickets",
        "impact.bug_ticket_share_pct",
        "impact.impacting_bugs",
        "sla.first_response.breached",
        "sla.resolution.breached",
        "backlog.open_at_end",
        "backlog.median_age_days",
        "backlog.p90_age_days",
    }
    rising = {
        "deflection.rate_pct",
        "deflection.self_service_score",
        "sla.first_response.met_pct",
        "sla.resolution.met_pct",
        "csat.score_pct",
    }
    assert directions() == dict.fromkeys(falling, "lower") | dict.fromkeys(rising, "higher")


def test_what_changed_names_only_numbers_the_catalogue_declares(sample) -> None:
    """Every metric changes.sql tests is a catalogue Change, and its current and previous
    values are the KPI's own numbers for the two periods (changes.sql restates their filters)."""
    from dashboard.metrics import run_metric

    warehouse, _ = sample
    rows = run_metric(warehouse, "changes", OCTOBER)
    assert set(rows["metric"]) <= set(changes())
    now, before = period_summary(warehouse, OCTOBER), period_summary(warehouse, OCTOBER.previous())
    totals = rows[rows["product_line"].isna() & (rows["metric"] != "impact.still_hurting")]
    assert len(totals) >= 5
    for row in totals.itertuples():
        assert row.current == pytest.approx(catalogue.value_at(now, row.metric), abs=1e-3), row.metric
        assert row.previous == pytest.approx(catalogue.value_at(before, row.metric), abs=1e-3), row.metric


def test_the_kpis_json_has_every_key_the_catalogue_declares(sample) -> None:
    warehouse, _ = sample
    summary = period_summary(warehouse, OCTOBER)
    for kpi in CATALOGUE:
        for name in kpi.keys:
            assert catalogue.value_at(summary, kpi.path_of(name)) is not None or name.endswith(
                ("_hours", "_pct", "_days", "basis", "_score", "_fix")
            ), kpi.path_of(name)
            inner = summary
            for part in kpi.path_of(name).split("."):
                assert isinstance(inner, dict) and part in inner, kpi.path_of(name)
                inner = inner[part]
        if kpi.tile:
            assert catalogue.value_at(summary, kpi.path_of(kpi.tile.key)) is not None, kpi.name


def test_the_overview_runs_each_catalogue_query_once_per_period() -> None:
    nothing_before = Coverage({"tickets": (OCTOBER.start, OCTOBER.end)}, {"tickets": frozenset({OCTOBER.start})})
    queries = overview_queries(OCTOBER, nothing_before)
    # + What changed (this period) and the events (the trend's months)
    assert len(queries) == len(set(queries)) == len(summary_sql()) + len(trend_sql()) + 2


def test_twelve_months_are_compared_once_the_year_before_is_the_period_before() -> None:
    year = Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert year.previous() == year.year_ago()
    months = {dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(10, 34)}  # Nov 2024 - Oct 2026
    covered = Coverage({"tickets": (dt.date(2024, 11, 1), year.end)}, {"tickets": frozenset(months)})
    queries = overview_queries(year, covered)
    compared = [name for name, period in queries if period == year.previous()]
    assert len(queries) == len(set(queries)) and len(compared) == len(set(compared)) == len(summary_sql()) - 1


def test_the_cached_overview_holds_what_it_shows_not_its_queries_results(sample) -> None:
    """data.overview is an st.cache_data entry, pickled on every store and read: with every
    query's frames in it (the still-hurting query lists every linked bug), it was 39 MB and
    took 0.3 s to read back at ten million tickets."""
    import pickle

    from dashboard.metrics import coverage, run_metric
    from dashboard.tiles import overview_of

    warehouse, report = sample
    spans = coverage(warehouse, "UTC")
    shown = overview_of(warehouse, report.counts, OCTOBER, spans)
    behind = sum(len(pickle.dumps(run_metric(warehouse, *query))) for query in overview_queries(OCTOBER, spans))
    assert len(pickle.dumps(shown)) < behind / 4


# The KPI the next test declares: urgent tickets created, two small SQL files and one Kpi(...).
URGENT_SQL = """
-- Urgent tickets created, overall and per product line.
-- In plain words: Urgent tickets: the tickets created in the period with the priority urgent.
-- Grain: one row per product line plus one total row (product_line is null).
select product_line, count(*) as urgent_tickets
from fct_tickets
where
    created_at >= $start_at and created_at < $end_at
    and lower(priority) = 'urgent'
    and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
group by grouping sets ((), (product_line))
order by product_line nulls first
"""
URGENT_TREND_SQL = """
-- Urgent tickets created per month.
-- In plain words: Urgent tickets per calendar month of creation.
select date_trunc('month', timezone($tz, created_at))::date as month_start, product_line, count(*) as urgent_tickets
from fct_tickets
where
    created_at >= $start_at and created_at < $end_at
    and lower(priority) = 'urgent'
    and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
group by grouping sets ((month_start), (month_start, product_line))
order by month_start, product_line nulls first
"""
URGENT = Kpi(
    path="urgent",
    sql="urgent",
    trend="urgent_trend",
    entity="tickets",
    keys={"tickets": lower("urgent_tickets", 0), "volume": plain("urgent_tickets", 0)},
    tile=TileSpec(label="Urgent tickets", key="tickets", spark="urgent_tickets"),
    columns=(Column(key="tickets", header="Urgent", meeting=True),),
    precompute=False,  # the model in use was built before this KPI existed
)


@pytest.fixture
def with_urgent(monkeypatch, tmp_path: Path) -> Path:
    """The catalogue with URGENT added, its SQL in a copy of the queries folder."""
    queries = tmp_path / "queries"
    shutil.copytree(QUERIES_DIR, queries)
    (queries / "metrics" / "urgent.sql").write_text(textwrap.dedent(URGENT_SQL).lstrip(), encoding="utf-8")
    (queries / "metrics" / "urgent_trend.sql").write_text(textwrap.dedent(URGENT_TREND_SQL).lstrip(), encoding="utf-8")
    monkeypatch.setattr("dashboard.db.QUERIES_DIR", queries)
    monkeypatch.setattr(catalogue, "CATALOGUE", (*CATALOGUE, URGENT))
    return queries


def _urgent_by_line(warehouse) -> dict[str | None, int]:
    frame = warehouse.sql(
        "select product_line, count(*) as n from fct_tickets where created_at >= $s and created_at < $e "
        "and lower(priority) = 'urgent' group by grouping sets ((), (product_line))",
        {"s": OCTOBER.start_at, "e": OCTOBER.end_at},
    )
    lines = [None if pd.isna(line) else line for line in frame["product_line"]]
    return {line: int(n) for line, n in zip(lines, frame["n"], strict=True)}


def test_a_kpi_declared_once_appears_everywhere(sample, with_urgent, tmp_path, monkeypatch) -> None:
    """Two SQL files and one Kpi(...): a tile, a product-line column, a pack definition, an
    explanation on the overview, a [targets] key and a kpis JSON key, no other file edited."""
    from dashboard import data, pack
    from dashboard.htmlparts import product_line_html
    from dashboard.metrics import coverage, kpis
    from dashboard.settings import load_settings
    from dashboard.tiles import overview_of

    warehouse, report = sample
    expected = _urgent_by_line(warehouse)
    assert expected[None] > 0  # the sample has urgent tickets in October

    # kpis JSON: its keys, the value of its SQL's total row
    assert kpis(warehouse, OCTOBER)["urgent"]["tickets"] == expected[None]

    # a tile, and a product-line column (named by its kpis path, headed as declared)
    shown = overview_of(warehouse, report.counts, OCTOBER, coverage(warehouse, "UTC"))
    tile = next(t for t in shown.tiles if t.label == "Urgent tickets")
    assert tile.value == f"{expected[None]:,}" and tile.better == "lower" and len(shown.sparks["Urgent tickets"]) == 12
    by_line = dict(zip(shown.table["product_line"], shown.table["urgent.tickets"], strict=True))
    assert {line: int(n) for line, n in by_line.items() if n == n} == {k: v for k, v in expected.items() if k}
    assert "<th>Urgent</th>" in product_line_html(shown.table) and "<th>Urgent</th>" in product_line_html(
        shown.table, meeting=True
    )

    # a [targets] key: accepted, and drawn on the tile
    (tmp_path / "health.toml").write_text('[targets]\n"urgent.tickets" = 1\n', encoding="utf-8")
    assert load_settings(config_path=tmp_path / "health.toml").targets == {"urgent.tickets": 1.0}
    (tmp_path / "bad.toml").write_text('[targets]\n"urgent.volume" = 1\n', encoding="utf-8")
    with pytest.raises(Exception, match="urgent.volume"):  # a number with no direction takes no target
        load_settings(config_path=tmp_path / "bad.toml")

    # its definition in the meeting pack
    html = pack.meeting_pack(warehouse, report, OCTOBER)
    assert "Urgent tickets: the tickets created in the period with the priority urgent." in html
    assert 'data-label="Urgent tickets"' in html

    # and its explanation on the overview ("How is this computed?"), with its tile
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import PROJECT_ROOT

    st.cache_data.clear()
    st.cache_resource.clear()
    data.RESULTS.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.query_params["from"], at.query_params["to"] = "2026-10-01", "2026-10-31"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Urgent tickets: the tickets created" in text.value for text in at.text)
    assert any('data-label="Urgent tickets"' in element.value for element in at.html)
