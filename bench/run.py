"""The benchmark: `python bench/run.py --tickets N` (10k for a smoke run, 1M, 10M).

Generates vendor-shaped exports for N tickets into bench/scratch/<N>/ (kept for the next
run), then measures, each phase in a fresh process so its peak memory is its own:

  cold      exports -> query-ready persisted model (the store is deleted before each run)
  cold floor  the same model content by five hand-written DuckDB statements (bench/cold_floor.py),
            persisted and checkpointed: cold_over_floor = cold load / cold floor
  warm      the same folder again, files unchanged: the persisted model is opened
  refresh   a new Zendesk export with 2 % new tickets (the last month's) dropped into the folder,
            then the persisted model opened (refresh_add_s); that newest export replaced by a
            newer one overlapping half of it (refresh_replace_s); each / the cold load's median;
            the file is then removed again (refresh_remove_s) so the folder is as generated
  drill     bench/drill.py: the rows behind every number (drill_s: the dialog's read)
  overview  every query the overview page runs for one filter state, for 20 seeded
            filter choices, with no result cache (tiles.overview with an uncached runner)
  floor     the same figures by the fewest hand-written DuckDB statements (bench/floor.py):
            one per fact table for all periods at once, What changed, the events
  peer      the overview's numbers the way a user would without this project: pandas reads
            the same export files once, then filters and aggregates in memory per choice
            (tickets, first response, resolution, open bugs, deflection, the SLA of first
            replies with business-hours deadlines from the settings' schedules, the backlog at
            the period's end, CSAT where the export has a satisfaction column)
  browser   with --browser: bench/latency.py, sidebar changes in Chromium timed to the new
            tile values painted, right after the first paint and again once the
            dashboard's background warm-up of the preset periods is done

It prints one table (median, min, max) with the ratios overview/floor and peer/overview,
and writes it as JSON (bench/results-<N>.json unless --out) to compare across commits.
Timing figures are printed, never asserted; tests/test_bench.py runs the 10k smoke run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cold_floor  # noqa: E402
from bench import floor as fair_floor  # noqa: E402
from bench.exports import export_paths, write_exports, write_tickets  # noqa: E402
from dashboard.filters import months_back  # noqa: E402

PRODUCT_LINES = ("Billing", "Mobile App", "Analytics", "Integrations")
TAGS = {"billing": "Billing", "mobile_app": "Mobile App", "analytics": "Analytics", "integrations": "Integrations"}
LAST_DAY = dt.date(2026, 10, 31)
TARGETS = {  # figure: (1M target, 10M target, "max" | "min"); issue #16 where it sets one
    "overview_median_s": (0.4, 0.4, "max"),
    "overview_max_s": (1.5, 1.5, "max"),
    "overview_over_fair_floor": (2, 2, "max"),
    "peer_over_overview": (5, 10, "min"),
    "cold_load_s": (4, 45, "max"),
    "cold_over_floor": (2, 2, "max"),
    "refresh_add_over_cold": (0.15, 0.15, "max"),
    "refresh_replace_over_cold": (0.25, 0.25, "max"),
    "warm_start_s": (1, 3, "max"),
    "browser_median_s": (0.5, 1, "max"),
    "browser_p90_s": (1, 2, "max"),
    "peak_rss_gb": (6, 6, "max"),
}


def filter_choices(count: int, seed: int = 42) -> list[dict[str, Any]]:
    """Seeded filter states: a month, a quarter, a 30-day window or 12 months; all product
    lines, one, or two."""
    rng = random.Random(seed)
    choices = []
    for _ in range(count):
        kind = rng.choice(["month", "quarter", "30 days", "12 months"])
        month_index = rng.randrange(2, 24)  # months back from October 2026
        end_month = LAST_DAY.year * 12 + LAST_DAY.month - 1 - (0 if kind == "12 months" else month_index)
        span = {"month": 1, "quarter": 3, "12 months": 12}.get(kind, 0)
        end = dt.date(end_month // 12, end_month % 12 + 1, 1)
        end = months_back(end, -1) - dt.timedelta(days=1)
        if span:
            start_index = end_month - span + 1
            start = dt.date(start_index // 12, start_index % 12 + 1, 1)
        else:
            end = LAST_DAY - dt.timedelta(days=rng.randrange(0, 600))
            start = end - dt.timedelta(days=29)
        lines = rng.choice([[], [], [rng.choice(PRODUCT_LINES)], rng.sample(PRODUCT_LINES, 2)])
        choices.append({"start": start.isoformat(), "end": end.isoformat(), "product_lines": sorted(lines)})
    return choices


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def _filters(choice: dict[str, Any]):
    from dashboard.filters import Filters

    return Filters(
        start=dt.date.fromisoformat(choice["start"]),
        end=dt.date.fromisoformat(choice["end"]),
        timezone="UTC",
        product_lines=tuple(choice["product_lines"]),
    )


# -- phases (each runs in its own process) ----------------------------------------------------


def phase_cold(data: Path) -> dict[str, Any]:
    from dashboard.store import open_warehouse, store_dir

    shutil.rmtree(store_dir(data))
    started = time.perf_counter()
    warehouse, report = open_warehouse(data)
    seconds = time.perf_counter() - started
    rows = sum(f.rows_loaded for f in report.files)
    return {"seconds": seconds, "rows": rows, "failed": report.failed, "peak_rss_gb": _peak_rss_gb()}


def phase_warm(data: Path) -> dict[str, Any]:
    from dashboard.store import open_warehouse

    started = time.perf_counter()
    warehouse, report = open_warehouse(data)
    warehouse.sql("select count(*) from tickets")
    return {"seconds": time.perf_counter() - started, "peak_rss_gb": _peak_rss_gb()}


def phase_cold_floor(data: Path) -> dict[str, Any]:
    database = data.parent / f"cold-floor-{data.name}.duckdb"  # beside the folder: not an export
    try:
        seconds = cold_floor.build(data, database)
    finally:
        database.unlink(missing_ok=True)
        Path(f"{database}.wal").unlink(missing_ok=True)
    return {"seconds": seconds, "peak_rss_gb": _peak_rss_gb()}


REFRESH_FILE = Path("zendesk") / "tickets-refresh.csv"


def refresh_file(data: Path, tickets: int, step: str) -> None:
    """The refresh phases' change to the folder: `add` a new export of 2 % new tickets created in
    the last month; `replace` it by a newer export (a later cut-off) overlapping half of it and
    adding as many new ones; `remove` it."""
    path = data / REFRESH_FILE
    count = max(tickets // 50, 10)
    if step == "remove":
        path.unlink(missing_ok=True)
        return
    first = tickets + 1 + (count // 2 if step == "replace" else 0)
    cutoff = "2026-11-15" if step == "replace" else "2026-11-01"
    part = path.with_name(path.name + ".part")  # written beside, then renamed: one new identity
    write_tickets(part, first, count, "2026-10-01", 31, cutoff)
    os.replace(part, path)


def phase_refresh(data: Path) -> dict[str, Any]:
    """Open the persisted model of the folder as it is now (a refresh of the previous model)."""
    from dashboard.store import open_warehouse

    started = time.perf_counter()
    warehouse, report = open_warehouse(data)
    return {"seconds": time.perf_counter() - started, "peak_rss_gb": _peak_rss_gb()}


def phase_drill(data: Path, choices: int) -> dict[str, Any]:
    from bench import drill

    result = drill.measure(data, choices, threads=2)
    return {"drill_s": result["drill_s"], "full_s": result["full_s"], "peak_rss_gb": _peak_rss_gb()}


def phase_overview(data: Path, choices: list[dict[str, Any]]) -> dict[str, Any]:
    from dashboard.catalogue import value_at
    from dashboard.metrics import coverage, run_metric
    from dashboard.store import open_warehouse
    from dashboard.tiles import overview_of

    warehouse, report = open_warehouse(data)
    queries = 0

    def metric(name: str, period: Any) -> Any:  # no cache: every call is a query
        nonlocal queries
        queries += 1
        return run_metric(warehouse, name, period)

    spans = coverage(warehouse, _filters(choices[0]).timezone)  # once per model, as the dashboard caches it
    overview_of(warehouse, report.counts, _filters(choices[0]), spans, metric)  # first touch of the file's pages
    fair_floor.statements(warehouse, _filters(choices[0]))
    overview_s, floor_s, answers, counted = [], [], [], []
    for choice in choices:
        filters = _filters(choice)
        queries = 0
        started = time.perf_counter()
        shown = overview_of(warehouse, report.counts, filters, spans, metric)
        overview_s.append(time.perf_counter() - started)
        counted.append(queries)
        started = time.perf_counter()
        rows = fair_floor.statements(warehouse, filters)
        floor_s.append(time.perf_counter() - started)
        floor = fair_floor.figures(rows).get("now", {}).get(None, {})
        answers.append(
            {
                "tickets_created": shown.now["tickets_created"],
                "median_first_response_hours": shown.now["first_response"]["median_hours"],
                "open_bugs": shown.now["bug_age"]["open_bugs"],
                "deflection_rate_pct": shown.now["deflection"]["rate_pct"],
                "sla_first_response_met_pct": value_at(shown.now, "sla.first_response.met_pct"),
                "open_at_end": value_at(shown.now, "backlog.open_at_end"),
                "csat_score_pct": value_at(shown.now, "csat.score_pct"),
                "floor": {
                    "tickets_created": floor.get("tickets_created", 0),
                    "median_first_response_hours": floor.get("first_response.median_hours"),
                    "open_bugs": floor.get("bug_age.open_bugs", 0),
                    "deflection_rate_pct": floor.get("deflection.rate_pct"),
                },
            }
        )
    return {
        "overview_s": overview_s,
        "fair_floor_s": floor_s,
        "queries_per_refresh": max(counted),
        "answers": answers,
        "peak_rss_gb": _peak_rss_gb(),
    }


def _peer_open_time(data: Path) -> tuple[dict[int, Any], dict[str, int], int, Any]:
    """The pandas peer's business calendar: per schedule of the folder's settings, its open
    intervals (nanoseconds since the epoch, sorted) and the open time before each; and a
    function giving the open time before instants (numpy searchsorted)."""
    import numpy as np
    import pandas as pd

    from dashboard.settings import load_settings

    settings = load_settings(data, None)
    days = pd.date_range("2024-10-01", "2028-01-01", freq="D")
    calendars = {}
    for sid, schedule in enumerate(settings.schedules, 1):
        working = days[~days.to_series().dt.date.isin(set(schedule.holidays)).to_numpy()]
        opens, closes = [], []
        for dow, open_minute, close_minute in schedule.hours:
            day = working[working.dayofweek + 1 == dow]
            opens.append(day + pd.to_timedelta(open_minute, "min"))
            closes.append(day + pd.to_timedelta(close_minute, "min"))

        start, end = (
            pd.DatetimeIndex(np.concatenate([p.to_numpy() for p in parts]))
            .tz_localize(schedule.timezone, ambiguous=False, nonexistent="shift_forward")
            .as_unit("ns")
            .asi8
            for parts in (opens, closes)
        )
        order = np.argsort(start)
        start, length = start[order], (end - start)[order]
        calendars[sid] = (start, length, np.cumsum(length) - length)
    lines = {line: sid for sid, s in enumerate(settings.schedules, 1) for line in s.product_lines}
    default = next(sid for sid, s in enumerate(settings.schedules, 1) if not s.product_lines)
    return calendars, lines, default, settings.sla


def _peer_due(tickets: Any, data: Path) -> Any:
    """Each ticket's first-reply deadline (ns since the epoch): the instant its schedule's open
    time since creation reaches its priority's target."""
    import numpy as np

    calendars, lines, default, sla = _peer_open_time(data)
    targets = {p.lower(): h for p, h in sla.first_response_hours.items()}
    hours = tickets["Priority"].str.lower().map(targets).fillna(targets.get("default", np.nan))
    created = tickets["created"].to_numpy().astype("datetime64[ns]").astype(np.int64)
    due = np.full(len(tickets), np.iinfo(np.int64).max)
    schedule = tickets["line"].map(lines).fillna(default).to_numpy()
    for sid, (start, length, before) in calendars.items():
        mask = schedule == sid
        at = created[mask]
        i = np.searchsorted(start, at, side="right") - 1
        opened = before[i] + np.clip(at - start[i], 0, length[i])
        goal = opened + np.round(hours.to_numpy()[mask] * 3600e9).astype(np.int64)
        j = np.searchsorted(before, goal, side="left") - 1
        due[mask] = start[j] + (goal - before[j])
    return due


def phase_peer(data: Path, choices: list[dict[str, Any]]) -> dict[str, Any]:
    """What a capable analyst does without this project: pandas.read_csv, then masks and
    groupbys in memory for the same numbers as the overview."""
    files = export_paths(data)
    import pandas as pd

    started = time.perf_counter()
    tickets = pd.read_csv(files["tickets"])
    issues = pd.read_csv(files["issues"])
    sessions = pd.read_csv(files["sessions"])
    links = pd.read_csv(files["links"])
    tickets["created"] = pd.to_datetime(tickets["Created at"])
    tickets["solved"] = pd.to_datetime(tickets["Solved at"])
    tickets["line"] = tickets["Tags"].map(TAGS)
    tickets["reply_h"] = tickets["First reply time in minutes"] / 60
    tickets["resolution_h"] = (tickets["solved"] - tickets["created"]).dt.total_seconds() / 3600
    tickets["is_solved"] = tickets["Status"].isin(["Solved", "Closed"]) & tickets["solved"].notna()
    tickets["month"] = tickets["created"].dt.to_period("M")
    tickets["reply_at"] = tickets["created"] + pd.to_timedelta(tickets["First reply time in minutes"], unit="min")
    tickets["due"] = pd.to_datetime(_peer_due(tickets, data), unit="ns")
    tickets["closed"] = tickets["solved"].where(tickets["is_solved"])
    tickets["closed"] = tickets["closed"].fillna(
        pd.to_datetime(tickets["Updated at"]).where(tickets["Status"].isin(["Solved", "Closed"]))
    )
    # The data's cut-off (fct_cutoff): the latest instant any ticket row records.
    cut_off = (
        pd.concat([tickets["created"], pd.to_datetime(tickets["Updated at"]), tickets["reply_at"], tickets["solved"]])
        .dropna()
        .max()
    )
    rating = tickets.get("Satisfaction Score", pd.Series(index=tickets.index, dtype="object")).str.lower()
    tickets["satisfied"] = rating.map({"good": True, "bad": False})
    issues["created"] = pd.to_datetime(issues["Created"], format="%d/%b/%y %I:%M %p")
    issues["resolved"] = pd.to_datetime(issues["Resolved"], format="%d/%b/%y %I:%M %p")
    issues["line"] = issues["Project key"].map(
        {"BILL": "Billing", "MOB": "Mobile App", "ANA": "Analytics", "INT": "Integrations"}
    )
    bugs = issues[issues["Issue Type"] == "Bug"]
    sessions["started"] = pd.to_datetime(sessions["started_at"])
    sessions["month"] = sessions["started"].dt.to_period("M")
    bug_keys = set(bugs["Issue key"])
    bug_ticket_ids = set(links.loc[links["issue_key"].isin(bug_keys), "ticket_id"])
    tickets["about_bug"] = tickets["Id"].isin(bug_ticket_ids)
    read_s = time.perf_counter() - started

    def period(start: pd.Timestamp, end: pd.Timestamp, lines: list[str]) -> dict[str, Any]:
        t = tickets[(tickets["created"] >= start) & (tickets["created"] < end)]
        solved = tickets[tickets["is_solved"] & (tickets["solved"] >= start) & (tickets["solved"] < end)]
        s = sessions[(sessions["started"] >= start) & (sessions["started"] < end)]
        b = bugs
        if lines:
            t, solved = t[t["line"].isin(lines)], solved[solved["line"].isin(lines)]
            s, b = s[s["product_line"].isin(lines)], b[b["line"].isin(lines)]
        open_bugs = b[(b["created"] < end) & (b["resolved"].isna() | (b["resolved"] >= end))]
        resolved = int((s["outcome"] == "resolved").sum())
        # First replies within SLA, judged at the data's cut-off: decided by the reply when there
        # is one; without one, breached once the deadline is at or before the cut-off, else pending.
        replied = t["reply_at"].notna()
        met = int((replied & (t["reply_at"] <= t["due"])).sum())
        breached = int((replied & (t["reply_at"] > t["due"])).sum() + (~replied & (t["due"] <= cut_off)).sum())
        every = tickets if not lines else tickets[tickets["line"].isin(lines)]
        backlog = every[(every["created"] < end) & (every["closed"].isna() | (every["closed"] >= end))]
        rated = solved["satisfied"].dropna()
        return {
            "tickets_created": len(t),
            "median_first_response_hours": t["reply_h"].median(),
            "p90_first_response_hours": t["reply_h"].quantile(0.9),
            "median_resolution_hours": solved["resolution_h"].median(),
            "open_bugs": len(open_bugs),
            "median_bug_age_days": ((end - open_bugs["created"]).dt.total_seconds() / 86400).median(),
            "deflection_rate_pct": 100 * resolved / (resolved + len(t)) if resolved + len(t) else None,
            "bug_tickets": int(t["about_bug"].sum()),
            "sla_first_response_met_pct": 100 * met / (met + breached) if met + breached else None,
            "open_at_end": len(backlog),
            "csat_score_pct": 100 * rated.astype(bool).mean() if len(rated) else None,
            "per_line": t.groupby("line")["reply_h"].agg(["count", "median"]).to_dict(),
            "resolution_per_line": solved.groupby("line")["resolution_h"].median().to_dict(),
        }

    compute_s, answers = [], []
    for choice in choices:
        started = time.perf_counter()
        start = pd.Timestamp(choice["start"])
        end = pd.Timestamp(choice["end"]) + pd.Timedelta(days=1)
        days = (end - start).days
        now = period(start, end, choice["product_lines"])
        period(start - pd.Timedelta(days=days), start, choice["product_lines"])  # the deltas
        first_month = (end - pd.Timedelta(days=1)).to_period("M") - 11
        months = [first_month + k for k in range(12)]
        for month in months:  # the 12-month sparklines, month by month
            period(month.start_time, (month + 1).start_time, choice["product_lines"])
        compute_s.append(time.perf_counter() - started)
        answers.append(
            {
                k: now[k]
                for k in (
                    "tickets_created",
                    "median_first_response_hours",
                    "open_bugs",
                    "deflection_rate_pct",
                    "sla_first_response_met_pct",
                    "open_at_end",
                    "csat_score_pct",
                )
            }
        )
    return {"read_s": read_s, "compute_s": compute_s, "answers": answers, "peak_rss_gb": _peak_rss_gb()}


# -- the driver -------------------------------------------------------------------------------


def _run_phase(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"bench phase {args[:2]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_latency(data: Path, changes: int, after_warm_up: bool = False) -> dict[str, Any]:
    """bench/latency.py on the same exports: sidebar change -> new tile values painted."""
    command = [sys.executable, str(ROOT / "bench" / "latency.py"), "--data", str(data), "--changes", str(changes)]
    if after_warm_up:
        command.append("--after-warm-up")
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"bench latency failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _refreshes(data: Path, tickets: int, repeat: int) -> dict[str, Any]:
    """`repeat` rounds of: a new export added, replaced by a newer overlapping one, removed; the
    persisted model opened (refreshed) after each, in its own process. The folder is left as
    generated (the file removed) whatever happens."""
    seconds: dict[str, list[float]] = {"add": [], "replace": [], "remove": []}
    peak = 0.0
    try:
        for _ in range(repeat):
            for step in ("add", "replace", "remove"):
                refresh_file(data, tickets, step)
                done = _run_phase(["--phase", "refresh", "--data", str(data)])
                seconds[step].append(done["seconds"])
                peak = max(peak, done["peak_rss_gb"])
    finally:
        if (data / REFRESH_FILE).exists():
            refresh_file(data, tickets, "remove")
            _run_phase(["--phase", "refresh", "--data", str(data)])
    return {**seconds, "peak_rss_gb": peak}


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run(tickets: int, repeat: int, choices: int, scratch: Path, peer: bool, browser: bool = False) -> dict[str, Any]:
    data = scratch / str(tickets)
    # In its own process too: a child starts with its parent's peak RSS on Linux, so the
    # driver must stay small for the phases' peaks to be their own.
    generate_s = _run_phase(["--phase", "generate", "--data", str(data), "--tickets", str(tickets)])["seconds"]
    files = export_paths(data)
    picks = filter_choices(choices)
    common = ["--data", str(data)]
    cold = [_run_phase(["--phase", "cold", *common]) for _ in range(repeat)]
    floors = [_run_phase(["--phase", "cold_floor", *common]) for _ in range(repeat)]
    warm = [_run_phase(["--phase", "warm", *common]) for _ in range(repeat)]
    refreshes = _refreshes(data, tickets, repeat)
    drilled = _run_phase(["--phase", "drill", *common, "--choices", str(choices)])
    refresh = _run_phase(["--phase", "overview", *common, "--choices", str(choices)])
    peer_result = _run_phase(["--phase", "peer", *common, "--choices", str(choices)]) if peer else None
    latency = warmed = None
    if browser:  # after the cold runs, so the dashboard opens the persisted model
        latency = _run_latency(data, choices)
        warmed = _run_latency(data, choices, after_warm_up=True)
    rows = cold[0]["rows"]
    result: dict[str, Any] = {
        "tickets": tickets,
        "rows_loaded": rows,
        "export_mb": round(sum(p.stat().st_size for p in files.values()) / 1e6, 1),
        "generate_s": generate_s,
        "machine": machine(),
        "cold_load_s": _stats([c["seconds"] for c in cold]),
        "cold_rows_per_s": rows / statistics.median(c["seconds"] for c in cold),
        "cold_floor_s": _stats([f["seconds"] for f in floors]),
        "warm_start_s": _stats([w["seconds"] for w in warm]),
        "refresh_add_s": _stats(refreshes["add"]),
        "refresh_replace_s": _stats(refreshes["replace"]),
        "refresh_remove_s": _stats(refreshes["remove"]),
        "refresh_peak_rss_gb": refreshes["peak_rss_gb"],
        "drill_s": drilled["drill_s"],
        "drill_full_s": drilled["full_s"],
        "overview_s": _stats(refresh["overview_s"]),
        "queries_per_refresh": refresh["queries_per_refresh"],
        "fair_floor_s": _stats(refresh["fair_floor_s"]),
        "peak_rss_gb": max(p["peak_rss_gb"] for p in [*cold, *warm, refresh]),
        "peak_rss_gb_by_phase": {
            "cold": max(c["peak_rss_gb"] for c in cold),
            "warm": max(w["peak_rss_gb"] for w in warm),
            "overview": refresh["peak_rss_gb"],
        },
        "answers": refresh["answers"],
        "choices": picks,
    }
    result["overview_over_fair_floor"] = result["overview_s"]["median"] / result["fair_floor_s"]["median"]
    cold_median = result["cold_load_s"]["median"]
    result["cold_over_floor"] = cold_median / result["cold_floor_s"]["median"]
    result["refresh_add_over_cold"] = result["refresh_add_s"]["median"] / cold_median
    result["refresh_replace_over_cold"] = result["refresh_replace_s"]["median"] / cold_median
    result["peak_rss_gb"] = max(result["peak_rss_gb"], refreshes["peak_rss_gb"])
    if latency:
        result["browser_filter_change_s"] = {k: latency[k] for k in ("median", "p90", "max", "changes", "each")}
        result["browser_after_warm_up_s"] = {
            k: warmed[k] for k in ("median", "p90", "max", "changes", "each", "warm_up_after_first_paint_s")
        }
    if peer_result:
        result["peer_read_s"] = peer_result["read_s"]
        result["peer_s"] = _stats(peer_result["compute_s"])
        result["peer_peak_rss_gb"] = peer_result["peak_rss_gb"]
        result["peer_over_overview"] = result["peer_s"]["median"] / result["overview_s"]["median"]
        result["peer_answers"] = peer_result["answers"]
    return result


def machine() -> dict[str, Any]:
    import os
    import platform

    import duckdb

    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }


def table(result: dict[str, Any]) -> str:
    scale = 0 if result["tickets"] < 5_000_000 else 1

    def target(name: str) -> str:
        low, high, kind = TARGETS[name]
        return f"{'≤' if kind == 'max' else '≥'} {(low, high)[scale]:g}"

    def span(stats: dict[str, float], unit: str = "s") -> str:
        return f"{stats['median']:.3f} {unit} (min {stats['min']:.3f}, max {stats['max']:.3f})"

    lines = [
        f"Product Health benchmark: {result['tickets']:,} tickets, {result['rows_loaded']:,} rows, "
        f"{result['export_mb']:,} MB of exports; {result['machine']['cpus']} CPUs, {result['machine']['memory_gb']} GB",
        "",
        f"{'figure':<28} {'measured':<46} target",
        f"{'cold load':<28} {span(result['cold_load_s']):<46} {target('cold_load_s')} s",
        f"{'  rows per second':<28} {result['cold_rows_per_s']:<46,.0f}",
        f"{'cold floor (cold_floor.py)':<28} {span(result['cold_floor_s']):<46}",
        f"{'cold load / cold floor':<28} {result['cold_over_floor']:<46.2f} {target('cold_over_floor')}",
        f"{'refresh: add 2 % (add_s)':<28} {span(result['refresh_add_s']):<46}",
        f"{'  / cold load':<28} {result['refresh_add_over_cold']:<46.3f} {target('refresh_add_over_cold')}",
        f"{'refresh: replace newest':<28} {span(result['refresh_replace_s']):<46}",
        f"{'  / cold load':<28} {result['refresh_replace_over_cold']:<46.3f} {target('refresh_replace_over_cold')}",
        f"{'refresh: remove it':<28} {span(result['refresh_remove_s']):<46}",
        f"{'warm start':<28} {span(result['warm_start_s']):<46} {target('warm_start_s')} s",
        f"{'overview refresh':<28} {span(result['overview_s']):<46} median {target('overview_median_s')} s, "
        f"max {target('overview_max_s')} s",
        f"{'  queries per refresh':<28} {result['queries_per_refresh']:<46}",
        f"{'fair floor (bench/floor.py)':<28} {span(result['fair_floor_s']):<46}",
        f"{'overview / fair floor':<28} {result['overview_over_fair_floor']:<46.1f} "
        f"{target('overview_over_fair_floor')}",
        f"{'drill_s (rows behind a number)':<28} "
        f"{result['drill_s']['median']:.3f} s median of keys, max {result['drill_s']['max']:.3f} s",
    ]
    if "peer_s" in result:
        lines += [
            f"{'peer: pandas read once':<28} {result['peer_read_s']:<46.3f}",
            f"{'peer: per filter change':<28} {span(result['peer_s']):<46}",
            f"{'peer / overview':<28} {result['peer_over_overview']:<46.1f} {target('peer_over_overview')}",
        ]
    if "browser_filter_change_s" in result:
        seen = result["browser_filter_change_s"]
        shown = f"{seen['median']:.2f} s median, p90 {seen['p90']:.2f} s, max {seen['max']:.2f} s"
        goal = f"median {target('browser_median_s')} s, p90 {target('browser_p90_s')} s"
        lines.append(f"{'browser: filter change':<28} {shown:<46} {goal}")
        warm = result["browser_after_warm_up_s"]
        shown = f"{warm['median']:.2f} s median, p90 {warm['p90']:.2f} s, max {warm['max']:.2f} s"
        lines.append(f"{'  once warmed up':<28} {shown:<46} (warm-up {warm['warm_up_after_first_paint_s']:.1f} s)")
    lines.append(f"{'peak RSS (cold, warm, overview)':<28} {result['peak_rss_gb']:<46.2f} {target('peak_rss_gb')} GB")
    if "peer_peak_rss_gb" in result:
        lines.append(f"{'  peer peak RSS':<28} {result['peer_peak_rss_gb']:<46.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of cold load and warm start (default 3)")
    parser.add_argument("--choices", type=int, default=20, help="seeded filter choices (default 20)")
    parser.add_argument("--scratch", type=Path, default=ROOT / "bench" / "scratch")
    parser.add_argument("--out", type=Path, help="JSON result (default bench/results-<tickets>.json)")
    parser.add_argument("--no-peer", action="store_true", help="skip the pandas comparison")
    parser.add_argument(
        "--browser", action="store_true", help="also time filter changes in Chromium (bench/latency.py)"
    )
    parser.add_argument(
        "--phase",
        choices=("generate", "cold", "cold_floor", "warm", "refresh", "drill", "overview", "peer"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        picks = filter_choices(args.choices)
        if args.phase == "generate":
            started = time.perf_counter()
            write_exports(args.data, args.tickets)
            out = {"seconds": time.perf_counter() - started}
        elif args.phase == "cold":
            out = phase_cold(args.data)
        elif args.phase == "cold_floor":
            out = phase_cold_floor(args.data)
        elif args.phase == "warm":
            out = phase_warm(args.data)
        elif args.phase == "refresh":
            out = phase_refresh(args.data)
        elif args.phase == "drill":
            out = phase_drill(args.data, args.choices)
        elif args.phase == "overview":
            out = phase_overview(args.data, picks)
        else:
            out = phase_peer(args.data, picks)
        print(json.dumps(out, default=str))
        return 0
    result = run(args.tickets, args.repeat, args.choices, args.scratch, not args.no_peer, args.browser)
    out = args.out or ROOT / "bench" / f"results-{args.tickets}.json"
    out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(table(result))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
