"""An incremental refresh equals a full build: seeded sequences of adds, replaces (an
overlapping newer export) and removals, each compared table by table (every fct_ and pre_
table, sorted) and by the kpis JSON with a fresh build of the same folder."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import random
import shutil
from pathlib import Path

import pytest

from bench.exports import write_exports, write_tickets
from dashboard import SAMPLE_DATA_DIR, store
from dashboard.filters import Filters
from dashboard.logs import log
from dashboard.metrics import kpis
from dashboard.store import open_warehouse, store_dir

BASE_TICKETS = 3000
# Sample exports of other vendors and shapes, dropped in and taken out by the sequences.
SAMPLE_FILES = (
    "github/mobile-app-issues.json",
    "zendesk/incremental-tickets-01.json",
    "zendesk/incremental-tickets-02.json",
    "self-service/help-center-sessions.csv",
    "links/zendesk-jira-links.csv",
    "events.csv",
)


def _value(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return value


def _tables(warehouse) -> dict[str, list]:
    names = [
        name
        for (name,) in warehouse.con.execute(
            "select table_name from duckdb_tables() where table_name like 'fct\\_%' escape '\\' "
            "or table_name like 'pre\\_%' escape '\\' order by 1"
        ).fetchall()
    ]
    assert "fct_tickets" in names and "pre_backlog_trend" in names
    return {
        name: sorted((_value(list(row)) for row in warehouse.con.execute(f"select * from {name}").fetchall()), key=repr)
        for name in names
    }


def _kpis(warehouse) -> str:
    found = warehouse.con.execute("select max(created_at) from fct_tickets").fetchone()[0]
    last = found.date().replace(day=1)
    result = {}
    for start, end in ((last, found.date()), (dt.date(last.year - 1, last.month, 1), found.date())):
        result[str(start)] = _value(kpis(warehouse, Filters(start, end, warehouse.settings.timezone)))
    return json.dumps(result, sort_keys=True, default=str)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logged():
    handler = _Lines()
    log.addHandler(handler)
    yield handler.lines
    log.removeHandler(handler)


def _step(rng: random.Random, data: Path, added: dict[str, str], serial: list[int]) -> str:
    """One seeded change to the folder; what it did."""
    choices = ["add tickets", "add sample"]
    if added:
        choices += ["replace", "remove"]
    kind = rng.choice(choices)
    if kind == "add tickets":
        serial[0] += 1
        name = f"zendesk/new-{serial[0]}.csv"
        first = BASE_TICKETS + rng.randrange(-200, 400)  # sometimes ids already in the main export
        start = rng.choice(["2026-09-01", "2026-10-01", "2025-06-01"])
        write_tickets(data / name, first, rng.randrange(20, 120), start, 30, "2026-11-01")
        added[name] = f"tickets {first} {start}"
    elif kind == "add sample":
        name = rng.choice(SAMPLE_FILES)
        target = data / "samples" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_DATA_DIR / name, target)
        added[f"samples/{name}"] = "sample"
    elif kind == "replace":
        name = rng.choice(sorted(added))
        if added[name] == "sample":  # a newer copy of the same file (new identity, same rows)
            (data / name).write_bytes((data / name).read_bytes())
        else:  # a newer export overlapping the old one: later cut-off, some ids shifted
            _, first, start = added[name].split()
            first = int(first) + rng.randrange(0, 30)
            tmp = data / f"{name}.part"
            write_tickets(tmp, first, rng.randrange(20, 120), start, 30, "2026-12-15")
            os.replace(tmp, data / name)
            added[name] = f"tickets {first} {start}"
    else:
        name = rng.choice(sorted(added))
        (data / name).unlink()
        del added[name]
    return f"{kind} {name}"


@pytest.mark.slow
@pytest.mark.parametrize("seed", [6, 9])
def test_a_refreshed_model_equals_a_full_build(tmp_path, seed, logged, monkeypatch) -> None:
    monkeypatch.setattr(store, "FULL_BUILD_SHARE", 1.0)  # refresh however much changed
    data = tmp_path / "data"
    write_exports(data, BASE_TICKETS)
    open_warehouse(data)[0].close()
    rng, added, serial = random.Random(seed), {}, [0]
    jira = data / "jira" / "jira-export.csv"
    kept = jira.read_bytes()
    more_sessions = data / "self-service" / "more-sessions.csv"
    # Seeded steps, then every issue's only file removed and put back, then a second sessions
    # export added and removed (staged sessions are ranked again from the model's own rows
    # of the files kept, not from raw rows).
    for step in [*range(4), "remove jira", "restore jira", "add sessions", "remove sessions"]:
        if step == "remove jira":
            jira.unlink()
        elif step == "restore jira":
            jira.write_bytes(kept)
        elif step == "add sessions":
            shutil.copyfile(SAMPLE_DATA_DIR / "self-service" / "help-center-sessions.csv", more_sessions)
        elif step == "remove sessions":
            more_sessions.unlink()
        did = step if isinstance(step, str) else _step(rng, data, added, serial)
        logged.clear()
        refreshed, report = open_warehouse(data)
        assert any("refreshing the model" in line for line in logged), did
        full, full_report = open_warehouse(data, persist=False)
        try:
            assert _tables(refreshed) == _tables(full), did
            assert _kpis(refreshed) == _kpis(full), did
            assert [(f.path, f.rows_loaded, f.error) for f in report.files] == [
                (f.path, f.rows_loaded, f.error) for f in full_report.files
            ], did
        finally:
            refreshed.close()
            full.close()
    assert len(list(store_dir(data).glob("model-*.duckdb"))) == 1


@pytest.mark.slow
def test_a_settings_change_is_a_full_build_with_its_reason(tmp_path, logged) -> None:
    data = tmp_path / "data"
    write_exports(data, 500)
    open_warehouse(data)[0].close()
    settings = data / "health.toml"
    settings.write_text(settings.read_text() + "\n# edited\n")
    open_warehouse(data)[0].close()
    assert any("full build of the model" in line and "the settings changed" in line for line in logged)


def test_while_a_refresh_runs_the_previous_model_answers(tmp_path, monkeypatch) -> None:
    import threading

    import streamlit as st

    from dashboard import data
    from dashboard.refresh import Refresh

    st.cache_resource.clear()
    data._LAST_GOOD.clear()
    folder = tmp_path / "data"
    write_exports(folder, 300)
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(folder))
    first, failure = data.model()
    assert failure is None and data.refreshing() is None
    count = first.warehouse.sql("select count(*) as n from tickets")["n"][0]

    release = threading.Event()
    apply = Refresh.apply

    def held(self) -> None:  # the refresh waits here until the test has looked
        release.wait(60)
        apply(self)

    monkeypatch.setattr(Refresh, "apply", held)
    write_tickets(folder / "zendesk" / "new.csv", 10_000, 25, "2026-10-01", 30, "2026-11-01")
    served, failure = data.model()
    assert failure is None
    assert served is first  # the previous model answers meanwhile
    assert served.warehouse.sql("select count(*) as n from tickets")["n"][0] == count
    progress = data.refreshing()
    assert progress is not None and progress.stage in ("reading", "building")
    release.set()
    for _ in range(600):  # until the loader thread is done (no clock asserted)
        if data.refreshing() is None:
            break
        threading.Event().wait(0.1)
    new, failure = data.model()
    assert failure is None and new is not first
    assert new.warehouse.sql("select count(*) as n from tickets")["n"][0] == count + 25
    assert data.refreshing() is None
