"""What the overview shows, as data: its tiles, sparklines and product-line table.

The overview page renders these with Streamlit and the meeting pack (pack.py) as HTML, so
the two show the same numbers by construction. No streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import catalogue, changes, revisions
from dashboard.catalogue import (
    Column,
    Kpi,
    better,
    drill_path,
    list_sql,
    summary_sql,
    target_met,
    target_text,
    trend_sql,
    value_at,
)
from dashboard.changes import Movement
from dashboard.config import Settings
from dashboard.db import Warehouse
from dashboard.filters import Filters, months_back
from dashboard.formatting import change_unit, day, is_missing, period_label, short_period_label, shown_as
from dashboard.frames import totals
from dashboard.metrics import Coverage, MetricRunner, as_events, run_all, run_metric, summarise


@dataclass(frozen=True)
class Change:
    """A tile's change against another period: '+0.7 h' vs 'Sep 2026', and whether it is good."""

    text: str
    against: str
    tone: str  # good | bad | neutral (no change, or a number that is neither better up nor down)

    @property
    def arrow(self) -> str:
        return "▲" if self.text.startswith("+") else "▼" if self.text.startswith("-") else "="


@dataclass(frozen=True)
class Tile:
    label: str
    value: str  # "no data" when the period has none
    better: str = "neither"  # which way the number should move: lower, higher or neither
    change: Change | None = None  # vs the previous period (Filters.previous)
    year_ago: Change | None = None  # vs the same period a year earlier, where the data reaches back
    caption: str = ""
    spark: tuple[str, str] | None = None  # (trend metric, column) for the 12-month sparkline
    target: str = ""  # '≤ 4.0 h' where the settings set a target for this number
    met: bool | None = None  # whether the value meets it (None: no target, or no data)
    drill: str | None = None  # the kpis path whose rows are behind the number (rows.py), if any

    @property
    def has_data(self) -> bool:
        return self.value != NO_DATA


NO_DATA = "no data"


def change(now: Any, before: Any, unit: str, better: str, against: str) -> Change | None:
    """The change from `before` to `now` as shown (one decimal, or whole for counts). A change
    that shows as zero is neutral, whichever way is better."""
    if is_missing(now) or is_missing(before):
        return None
    whole = isinstance(now, int) and isinstance(before, int)
    diff = now - before if whole else round(now - before, 1)
    if diff == 0:
        return Change(f"±0{unit}", against, "neutral")
    text = f"{diff:+,d}{unit}" if whole else f"{diff:+.1f}{unit}"
    tone = "neutral" if better == "neither" else "good" if (diff < 0) == (better == "lower") else "bad"
    return Change(text, against, tone)


MISSING = {
    "issues": "No issue-tracker export found: add one to the data folder.",
    "self_service": "No self-service sessions export found: add one to the data folder.",
    "tickets": "No help-desk export found: add one to the data folder.",
    "links": "No ticket-issue links found: add a links export or tag tickets with issue keys.",
}


def tiles(
    now: dict[str, Any],
    before: dict[str, Any] | None,
    year_ago: dict[str, Any] | None,
    coverage: Coverage,
    filters: Filters,
    counts: dict[str, int],
    targets: dict[str, float] | None = None,
) -> list[Tile]:
    """The overview's tiles, one per catalogue entry with a tile, for a period summary
    (metrics.summarise), the previous period's and the year-earlier one's (None where the data
    does not reach back)."""
    return [
        _tile(kpi, now, before, year_ago, coverage, filters, counts, targets or {})
        for kpi in catalogue.CATALOGUE
        if kpi.tile
    ]


def _tile(
    kpi: Kpi,
    now: dict[str, Any],
    before: dict[str, Any] | None,
    year_ago: dict[str, Any] | None,
    coverage: Coverage,
    filters: Filters,
    counts: dict[str, int],
    targets: dict[str, float],
) -> Tile:
    spec = kpi.tile
    assert spec is not None
    path = kpi.path_of(spec.key)
    direction = better(path)
    spark = (kpi.trend, spec.spark) if kpi.trend else None
    if kpi.entity not in coverage.spans or (spec.needs_links and not counts.get("links", 0)):
        return Tile(
            spec.label, NO_DATA, direction, caption=MISSING["links" if kpi.entity in coverage.spans else kpi.entity]
        )
    if not coverage.has(kpi.entity, filters):
        return Tile(spec.label, NO_DATA, direction, caption=coverage_text(coverage, kpi.entity) + ".", spark=spark)
    value = value_at(now, path)
    deltas = [  # vs the previous period, and vs the same period a year earlier
        change(value, value_at(other, path), change_unit(path), direction, short_period_label(period))
        if coverage.reaches(kpi.entity, period) and other_wanted
        else None
        for other, period, other_wanted in (
            (before, filters.previous(), True),
            (year_ago, filters.year_ago(), filters.year_ago() != filters.previous()),  # 12 months: the same period
        )
    ]
    return Tile(
        spec.label,
        NO_DATA if is_missing(value) else shown_as(path)(value),
        direction,
        *deltas,
        spec.caption(now, before, short_period_label(filters.previous())),
        spark,
        *_target(path, value, targets),
        drill=drill_path(kpi, spec.key, spec.drill),
    )


def _target(path: str, value: Any, targets: dict[str, float]) -> tuple[str, bool | None]:
    """A tile's target as text ('≤ 4.0 h') and whether its value meets it."""
    if path not in targets:
        return "", None
    return target_text(path, targets[path]), target_met(path, value, targets[path])


def table_columns() -> list[tuple[Kpi, Column]]:
    """The product-line table's columns from the catalogue, the leading ones first."""
    pairs = [(kpi, column) for kpi in catalogue.CATALOGUE for column in kpi.columns]
    return sorted(pairs, key=lambda pair: not pair[1].leads)


def change_of(path: str) -> str:
    """The table column holding the change of the column at `path` against the previous period."""
    return f"{path}:change"


def product_line_table(period: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per product line, a column per catalogue Column (named by its kpis JSON path)
    and one for each change asked for, ordered by the leading column (most first). `period`
    holds each KPI SQL's frame for the period, `previous` for the previous period ({} where the
    data does not reach it)."""
    columns = table_columns()
    now = {kpi.sql: period[kpi.sql].set_index("product_line") for kpi, _ in columns}
    before = {name: frame.set_index("product_line") for name, frame in previous.items()}
    lines = sorted({line for frame in now.values() for line in frame.index.dropna()})
    names: list[str] = []
    for kpi, column in columns:
        names += [kpi.path_of(column.key)] + ([change_of(kpi.path_of(column.key))] if column.change else [])
    rows = []
    for line in lines:
        row: dict[str, Any] = {"product_line": line}
        for kpi, column in columns:
            path, sql_column = kpi.path_of(column.key), kpi.keys[column.key].column
            row[path] = _cell(now[kpi.sql], line, sql_column)
            if column.change:
                prior = _cell(before[kpi.sql], line, sql_column) if kpi.sql in before else None
                row[change_of(path)] = None if is_missing(row[path]) or is_missing(prior) else row[path] - prior
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["product_line", *names])
    lead = names[0] if columns and columns[0][1].leads else "product_line"
    order = frame[lead].fillna(-1).astype(float) if lead != "product_line" else pd.Series(range(len(frame)))
    return frame.iloc[order.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)


def _cell(frame: pd.DataFrame, line: str, column: str) -> Any:
    return frame[column].get(line) if line in frame.index else None


@dataclass(frozen=True)
class Overview:
    now: dict[str, Any]
    before: dict[str, Any] | None  # the previous period (None where the data does not reach back)
    year_ago: dict[str, Any] | None  # the same period a year earlier (likewise)
    tiles: list[Tile]
    sparks: dict[str, list[float | None]]  # tile label -> the 12 monthly values (None: no data)
    table: pd.DataFrame
    coverage: Coverage
    changes: list[Movement]  # What changed, most important first (all of them; the page shows SHOWN)
    compared: bool  # whether What changed could compare: the tickets cover both periods
    events: list[dict[str, Any]]  # the events that touch the period (metrics.events' form)
    event_months: tuple[int, ...]  # the sparklines' months (0 = the first of 12) in which an event starts
    figures: dict[str, Any] = field(default_factory=dict)  # what a pack records (revisions.figures)


def comparisons(filters: Filters, coverage: Coverage) -> list[Filters]:
    """The periods the overview compares with that some of the data reaches back to (one for
    a 12-month period: the one before it is the one a year earlier)."""
    return [
        period
        for period in dict.fromkeys((filters.previous(), filters.year_ago()))
        if any(coverage.reaches(entity, period) for entity in coverage.spans)
    ]


ENTITY_NAMES = {"tickets": "Tickets", "issues": "Tracker issues", "self_service": "Self-service sessions"}


def coverage_text(coverage: Coverage, entity: str) -> str:
    """'Tickets cover 1 Nov 2024 – 31 Oct 2026'."""
    first, last = coverage.spans[entity]
    return f"{ENTITY_NAMES[entity]} cover {day(first)} – {day(last)}"


def comparison_caption(filters: Filters, coverage: Coverage) -> str:
    """What the changes are against, in the words of the room: 'vs September 2026 and October
    2025', or the dates of a previous period of equal length; and what the data covers."""
    scope = ", ".join(filters.lines) if filters.lines else "All product lines"
    if coverage.first_day is None:
        return f"{scope}. No data yet."
    against = " and ".join(
        period_label(p) if filters.months else f"{period_label(p)} (the same number of days)"
        for p in comparisons(filters, coverage)
    )
    span = coverage_text(coverage, coverage.main_entity or "tickets") + "."
    if not coverage.has_any(filters):
        return f"{scope}. No data in {period_label(filters)}. {span} Pick a period inside it."
    return f"{scope}, compared with {against}. {span}" if against else f"{scope}. Nothing to compare with: {span}"


def overview_queries(filters: Filters, coverage: Coverage) -> list[tuple[str, Filters]]:
    """The distinct queries behind the overview of one filter state."""
    lists = list_sql()
    others = [
        (name, period) for period in comparisons(filters, coverage) for name in summary_sql() if name not in lists
    ]
    trends = [(name, filters.trailing_months(12)) for name in [*trend_sql(), "events"]]
    return [(name, filters) for name in [*summary_sql(), "changes"]] + others + trends


def monthly(frame: pd.DataFrame, column: str, months: Filters) -> list[float | None]:
    """A trend's total row per month of `months`, in order; None for a month without a value."""
    rows = totals(frame)
    by_month = {pd.Timestamp(m).date(): v for m, v in zip(rows["month_start"], rows[column], strict=True)}
    out: list[float | None] = []
    month = months.start.replace(day=1)
    while month <= months.end:
        value = by_month.get(month)
        out.append(None if is_missing(value) else float(value))
        month = months_back(month, -1)
    return out


Frames = Mapping[tuple[str, Filters], pd.DataFrame]  # each overview query's result (overview_queries)


def overview(
    frames: Frames, filters: Filters, coverage: Coverage, counts: dict[str, int], settings: Settings
) -> Overview:
    """Everything the overview shows for one filter state, from its queries' results: a pure
    function of them (the dashboard runs them through its shared results, the pack and the
    benchmark through overview_of)."""

    def frame(name: str, period: Filters) -> pd.DataFrame:
        return frames[name, period]

    reached = comparisons(filters, coverage)
    now = summarise(frame, filters, settings.still_hurting_days)
    before, year_ago = (
        summarise(frame, period, settings.still_hurting_days, still_hurting_list=False) if period in reached else None
        for period in (filters.previous(), filters.year_ago())
    )
    tile_list = tiles(now, before, year_ago, coverage, filters, counts, settings.targets_for(filters.lines))
    trailing = filters.trailing_months(12)
    sparks = {
        tile.label: monthly(frame(tile.spark[0], trailing), tile.spark[1], trailing) for tile in tile_list if tile.spark
    }
    previous = filters.previous()
    table = product_line_table(
        {kpi.sql: frame(kpi.sql, filters) for kpi, _ in table_columns()},
        {kpi.sql: frame(kpi.sql, previous) for kpi, column in table_columns() if column.change and previous in reached},
    )
    for kpi, column in table_columns():  # a stale snapshot is no data, as on the tiles
        if not coverage.has(kpi.entity, filters):
            path = kpi.path_of(column.key)
            table[[path, *([change_of(path)] if column.change else [])]] = None
    if table.drop(columns="product_line").isna().all(axis=None):
        table = table.iloc[:0]
    movements = changes.movements(
        frame("changes", filters), filters, settings.targets_for, lambda entity: coverage.covers(entity, filters)
    )
    year_events = frame("events", trailing)
    in_period = as_events(year_events[year_events.apply(lambda row: _touches(row, filters), axis=1)])
    first = trailing.start.replace(day=1)
    starts = {max(pd.Timestamp(start).date(), first) for start in year_events["start_date"]}
    marks = tuple(sorted((s.year - first.year) * 12 + s.month - first.month for s in starts))
    compared = coverage.covers("tickets", filters)
    shown = revisions.figures({kpi.sql: frame(kpi.sql, filters) for kpi in catalogue.CATALOGUE})
    return Overview(
        now, before, year_ago, tile_list, sparks, table, coverage, movements, compared, in_period, marks, shown
    )


def overview_of(
    warehouse: Warehouse, counts: dict[str, int], filters: Filters, coverage: Coverage, run: MetricRunner | None = None
) -> Overview:
    """The overview of one filter state with its queries run here, concurrently (`run(name,
    filters)`: run_metric on `warehouse` unless given): the meeting pack's, the tests' and the
    benchmark's way to it."""
    runner = run or (lambda name, period: run_metric(warehouse, name, period))
    return overview(run_all(overview_queries(filters, coverage), runner), filters, coverage, counts, warehouse.settings)


def _touches(row: Any, period: Filters) -> bool:
    last = row.end_date if not pd.isna(row.end_date) else row.start_date
    return pd.Timestamp(row.start_date).date() <= period.end and pd.Timestamp(last).date() >= period.start
