"""The KPI catalogue is what the overview, the pack, `kpis` and the precomputed trends read:
each entry must point at SQL that exists and keys that `kpis` really has."""

from __future__ import annotations

import datetime as dt

from dashboard import QUERIES_DIR
from dashboard.catalogue import CATALOGUE, better, precomputed_trends, summary_sql, trend_sql
from dashboard.filters import Filters
from dashboard.metrics import METRICS, Coverage, period_summary
from dashboard.tiles import overview_queries


def test_every_entry_names_sql_that_exists_and_one_way_to_be_better() -> None:
    for kpi in CATALOGUE:
        assert (QUERIES_DIR / "metrics" / f"{kpi.sql}.sql").is_file(), kpi.name
        assert kpi.trend is None or (QUERIES_DIR / "metrics" / f"{kpi.trend}.sql").is_file(), kpi.name
        assert kpi.entity in {"tickets", "issues", "self_service"}
        if kpi.tile:
            assert kpi.tile.better in {"lower", "higher", "neither"} and better(kpi.tile.path) == kpi.tile.better
    labels = [kpi.tile.label for kpi in CATALOGUE if kpi.tile]
    assert len(labels) == len(set(labels))
    assert set(summary_sql()) | set(trend_sql()) <= set(METRICS) and set(precomputed_trends()) <= set(trend_sql())


def test_the_kpis_json_has_every_key_the_catalogue_declares(sample) -> None:
    warehouse, _ = sample
    summary = period_summary(warehouse, Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    for kpi in CATALOGUE:
        section = summary[kpi.section] if kpi.section else summary
        for key in kpi.json:  # a dotted key is nested ('first_response.met' in sla)
            inner = section
            for part in key.split("."):
                assert isinstance(inner, dict) and part in inner, (kpi.name, key)
                inner = inner[part]
        if kpi.tile:
            value = summary
            for part in kpi.tile.path.split("."):
                value = value[part]
            assert value is not None, kpi.tile.path


def test_the_overview_runs_each_catalogue_query_once_per_period() -> None:
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    nothing_before = Coverage({"tickets": (october.start, october.end)}, {"tickets": frozenset({october.start})})
    queries = overview_queries(october, nothing_before)
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
    from dashboard.tiles import overview

    warehouse, report = sample
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    spans = coverage(warehouse, "UTC")
    shown = overview(warehouse, report.counts, october, lambda n, p: run_metric(warehouse, n, p), spans)
    behind = sum(len(pickle.dumps(run_metric(warehouse, *query))) for query in overview_queries(october, spans))
    assert len(pickle.dumps(shown)) < behind / 4
