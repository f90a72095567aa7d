"""Many viewers at once: the data layer from 16 threads gives the single-threaded answers."""

from __future__ import annotations

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics import METRICS, run_metric

LINES = ("Billing", "Mobile App", "Analytics", "Integrations")


def _random_filters(rng: random.Random) -> Filters:
    start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
    end = start + dt.timedelta(days=rng.choice([0, 6, 29, 90, 364]))
    lines = tuple(sorted(rng.sample(LINES, rng.choice([0, 0, 1, 2]))))
    tz = rng.choice(["UTC", "UTC", "Europe/Berlin", "America/New_York"])
    return Filters(start, end, tz, product_lines=lines)


def test_sixteen_threads_get_the_single_threaded_answers(sample) -> None:
    warehouse, _ = sample
    rng = random.Random(16)
    jobs = [(rng.choice(METRICS), _random_filters(rng)) for _ in range(160)]
    expected = [run_metric(warehouse, name, filters) for name, filters in jobs]
    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(lambda job: run_metric(warehouse, *job), jobs))
    for (name, filters), want, have in zip(jobs, expected, got, strict=True):
        pd.testing.assert_frame_equal(have, want, obj=f"{name} {filters}")


def test_sixteen_threads_can_read_the_settings_at_once(tmp_path) -> None:
    """Every dashboard session reads health.toml on each rerun (the sign-in gate); the key
    pattern check once used DuckDB's shared default connection and failed under load."""
    from dashboard.config import load_settings

    (tmp_path / "health.toml").write_text('[links]\nkey_pattern = "[A-Z]+-[0-9]+"\n')
    with ThreadPoolExecutor(max_workers=16) as pool:
        patterns = list(pool.map(lambda _: load_settings(tmp_path).key_pattern, range(400)))
    assert set(patterns) == {"[A-Z]+-[0-9]+"}
