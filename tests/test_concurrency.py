"""Many viewers at once: the data layer from 16 threads gives the single-threaded answers."""

from __future__ import annotations

import datetime as dt
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from dashboard.filters import Filters
from dashboard.metrics import metric_names, run_metric

LINES = ("Billing", "Mobile App", "Analytics", "Integrations")


def _random_filters(rng: random.Random) -> Filters:
    start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
    end = start + dt.timedelta(days=rng.choice([0, 6, 29, 90, 364]))
    lines = tuple(sorted(rng.sample(LINES, rng.choice([0, 0, 1, 2]))))
    tz = rng.choice(["UTC", "UTC", "Europe/Berlin", "America/New_York"])
    return Filters(start, end, tz, product_lines=lines)


@pytest.mark.slow
def test_sixteen_threads_get_the_single_threaded_answers(sample) -> None:
    warehouse, _ = sample
    rng = random.Random(16)
    jobs = [(rng.choice(metric_names()), _random_filters(rng)) for _ in range(160)]
    expected = [run_metric(warehouse, name, filters) for name, filters in jobs]
    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(lambda job: run_metric(warehouse, *job), jobs))
    for (name, filters), want, have in zip(jobs, expected, got, strict=True):
        pd.testing.assert_frame_equal(have, want, obj=f"{name} {filters}")


@pytest.mark.slow
def test_sixteen_threads_can_read_the_settings_at_once(tmp_path) -> None:
    """Every dashboard session reads health.toml on each rerun (the sign-in gate); the key
    pattern check once used DuckDB's shared default connection and failed under load."""
    from dashboard.settings import load_settings

    (tmp_path / "health.toml").write_text('[links]\nkey_pattern = "[A-Z]+-[0-9]+"\n')
    with ThreadPoolExecutor(max_workers=16) as pool:
        patterns = list(pool.map(lambda _: load_settings(tmp_path).key_pattern, range(400)))
    assert set(patterns) == {"[A-Z]+-[0-9]+"}


def test_the_shared_results_run_each_query_once_for_sixteen_threads(sample, monkeypatch) -> None:
    from dashboard import data

    warehouse, report = sample
    model = data.Model(warehouse, report, "fingerprint")
    ran = []
    real = data.run_metric

    def counted(warehouse, name, filters):
        ran.append((name, filters))
        return real(warehouse, name, filters)

    monkeypatch.setattr(data, "run_metric", counted)
    results = data.Results(size=3)
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with ThreadPoolExecutor(max_workers=16) as pool:
        frames = list(pool.map(lambda _: results.get(model, "first_response", october), range(32)))
    assert ran == [("first_response", october)]
    pd.testing.assert_frame_equal(frames[0], run_metric(warehouse, "first_response", october))
    frames[0].loc[0, "tickets_created"] = -1  # a caller's copy: the next one is untouched
    assert results.get(model, "first_response", october).loc[0, "tickets_created"] > 0
    for month in (7, 8, 9):  # three more: the oldest goes
        results.get(model, "first_response", Filters(dt.date(2026, month, 1), dt.date(2026, month, 28)))
    assert ("fingerprint", "first_response", october) not in results
    assert len(ran) == 4
    small = data.Results(budget=1)  # beyond its bytes: only the newest result stays
    for month in (7, 8, 9):
        small.get(model, "first_response", Filters(dt.date(2026, month, 1), dt.date(2026, month, 28)))
    kept = [
        month
        for month in (7, 8, 9)
        if ("fingerprint", "first_response", Filters(dt.date(2026, month, 1), dt.date(2026, month, 28))) in small
    ]
    assert kept == [9]


@pytest.mark.slow
def test_warming_runs_the_preset_overviews_so_their_first_click_queries_nothing(sample, monkeypatch) -> None:
    from dashboard import data, tiles
    from dashboard.filters import PRESETS
    from dashboard.metrics import coverage

    warehouse, report = sample
    model = data.Model(warehouse, report, "warm-fingerprint")
    monkeypatch.setattr(data, "RESULTS", data.Results())
    today = dt.date(2026, 11, 25)
    data.warm(model, today).result()
    assert data.warm(model, today) is None  # once per model
    spans = coverage(warehouse, "UTC")
    for name in PRESETS[:-1]:
        period = Filters(*spans.preset(name, today))
        for query, filters in tiles.overview_queries(period, spans):
            assert ("warm-fingerprint", query, filters) in data.RESULTS, (name, query, filters)


def test_the_warm_up_waits_while_a_click_runs_its_queries(sample, monkeypatch) -> None:
    import threading

    from dashboard import data

    warehouse, report = sample
    model = data.Model(warehouse, report, "fingerprint")
    clicked, release, started = threading.Event(), threading.Event(), []

    def slow(warehouse, name, filters):
        started.append(name)
        if name == "first_response":  # the click's query holds the cores until released
            clicked.set()
            release.wait(10)
        return pd.DataFrame({"name": [name]})

    monkeypatch.setattr(data, "run_metric", slow)
    results = data.Results()
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with ThreadPoolExecutor(max_workers=2) as pool:
        click = pool.submit(results.get, model, "first_response", october)
        clicked.wait(10)
        warm = pool.submit(results.get, model, "resolution", october, True)
        time.sleep(0.3)  # time enough to start, had it not waited
        assert not warm.done() and started == ["first_response"]  # waiting, not running
        release.set()
        assert warm.result(10)["name"][0] == "resolution" and click.result(10)["name"][0] == "first_response"
    assert started == ["first_response", "resolution"]


def test_the_warm_up_waits_for_the_whole_page_not_one_query(monkeypatch) -> None:
    """A page's queries run one after another: the warm-up must not slip in between them."""

    from dashboard import data

    model = data.Model(None, None, "fingerprint")
    started = []
    monkeypatch.setattr(data, "run_metric", lambda w, name, f: started.append(name) or pd.DataFrame({"n": [1]}))
    results = data.Results()
    october = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with ThreadPoolExecutor(max_workers=1) as pool:
        with results.busy():  # the page
            results.get(model, "first_response", october)
            warm = pool.submit(results.get, model, "resolution", october, True)
            time.sleep(0.3)  # the gap before the page's next query
            assert not warm.done() and started == ["first_response"]
            results.get(model, "bug_age", october)
        warm.result(10)
    assert started == ["first_response", "bug_age", "resolution"]


def test_the_shared_results_count_their_bytes_right_under_churn(sample) -> None:
    from dashboard import data

    warehouse, report = sample
    model = data.Model(warehouse, report, "fingerprint")
    results = data.Results(size=5, budget=20_000)
    months = [Filters(dt.date(2026, m, 1), dt.date(2026, m, 28)) for m in range(1, 13)]
    jobs = [(name, month) for month in months for name in ("first_response", "bug_impact", "deflection")] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda job: results.get(model, *job), jobs))
    assert results._total == sum(results._bytes.values()) and set(results._bytes) <= set(results._done)
    assert len(results._done) <= 5
