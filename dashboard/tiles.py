"""What the overview shows, as data: its tiles, sparklines and product-line table.

The overview page renders these with Streamlit and the meeting pack (pack.py) as HTML, so
the two show the same numbers by construction. No streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.catalogue import CATALOGUE, LIST_SQL, summary_sql, target_met, target_text, totals, trend_sql, value_at
from dashboard.changes import Movement
from dashboard.db import Warehouse
from dashboard.filters import Filters, months_back
from dashboard.formatting import day, is_missing, period_label, short_period_label
from dashboard.metrics import Coverage, MetricRunner, as_events, period_summary, what_changed


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
    (metrics.period_summary), the previous period's and the year-earlier one's (None where
    the data does not reach back)."""
    previous, year = filters.previous(), filters.year_ago()
    targets = targets or {}
    out = []
    for kpi in CATALOGUE:
        spec = kpi.tile
        if spec is None:
            continue
        spark = (kpi.trend, spec.spark) if kpi.trend else None
        if kpi.entity not in coverage.spans or (spec.needs_links and not counts.get("links", 0)):
            out.append(
                Tile(
                    spec.label,
                    NO_DATA,
                    spec.better,
                    caption=MISSING["links" if kpi.entity in coverage.spans else kpi.entity],
                )
            )
        elif not coverage.has(kpi.entity, filters):
            out.append(
                Tile(spec.label, NO_DATA, spec.better, caption=coverage_text(coverage, kpi.entity) + ".", spark=spark)
            )
        else:
            value = value_at(now, spec.path)
            out.append(
                Tile(
                    spec.label,
                    NO_DATA if is_missing(value) else spec.shown(value),
                    spec.better,
                    change(value, value_at(before, spec.path), spec.unit, spec.better, short_period_label(previous))
                    if coverage.reaches(kpi.entity, previous)
                    else None,
                    change(value, value_at(year_ago, spec.path), spec.unit, spec.better, short_period_label(year))
                    if coverage.reaches(kpi.entity, year) and year != previous  # 12 months: the same period
                    else None,
                    spec.caption(now, before, short_period_label(previous)),
                    spark,
                    *_target(spec.path, value, targets),
                )
            )
    return out


def _target(path: str, value: Any, targets: dict[str, float]) -> tuple[str, bool | None]:
    """A tile's target as text ('≤ 4.0 h') and whether its value meets it."""
    if path not in targets:
        return "", None
    return target_text(path, targets[path]), target_met(path, value, targets[path])


TABLE_METRICS = tuple(dict.fromkeys(kpi.sql for kpi in CATALOGUE))


def product_line_table(metric: Callable[[str, bool], pd.DataFrame], has_previous: bool = True) -> pd.DataFrame:
    """One row per product line, most tickets first. `metric(name, previous)` returns a
    metric's frame for the period (previous=False) or the previous period (previous=True)."""
    split = {name: metric(name, False).set_index("product_line") for name in TABLE_METRICS}
    previous = (
        metric("first_response", True).set_index("product_line") if has_previous else split["first_response"].iloc[:0]
    )
    lines = sorted({line for frame in split.values() for line in frame.index.dropna()})

    def cell(frame: pd.DataFrame, line: str, column: str) -> Any:
        return frame[column].get(line) if line in frame.index else None

    rows = []
    for line in lines:
        median_now = cell(split["first_response"], line, "median_hours")
        median_before = cell(previous, line, "median_hours")
        rows.append(
            {
                "Product line": line,
                "Tickets": cell(split["first_response"], line, "tickets_created"),
                "Median first response (h)": median_now,
                "Change vs previous (h)": None
                if is_missing(median_now) or is_missing(median_before)
                else median_now - median_before,
                "p90 first response (h)": cell(split["first_response"], line, "p90_hours"),
                "Median resolution (h)": cell(split["resolution"], line, "median_hours"),
                "Reopened %": cell(split["resolution"], line, "reopened_pct"),
                "Open bugs": cell(split["bug_age"], line, "open_bugs"),
                "Median bug age (d)": cell(split["bug_age"], line, "median_days"),
                "Deflection %": cell(split["deflection"], line, "rate_pct"),
                "Bug tickets %": cell(split["impact"], line, "bug_ticket_share_pct"),
                "First replies within SLA %": cell(split["sla"], line, "first_response_met_pct"),
                "Open tickets": cell(split["backlog"], line, "open_at_end"),
                "CSAT %": cell(split["csat"], line, "score_pct"),
            }
        )
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    order = frame["Tickets"].fillna(-1).astype(float)
    return frame.iloc[order.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)


TABLE_COLUMNS = (
    "Product line",
    "Tickets",
    "Median first response (h)",
    "Change vs previous (h)",
    "p90 first response (h)",
    "Median resolution (h)",
    "Reopened %",
    "Open bugs",
    "Median bug age (d)",
    "Deflection %",
    "Bug tickets %",
    "First replies within SLA %",
    "Open tickets",
    "CSAT %",
)
TABLE_ENTITIES = {  # the data each column needs in the period (Coverage)
    "tickets": (
        "Tickets",
        "Median first response (h)",
        "Change vs previous (h)",
        "p90 first response (h)",
        "Median resolution (h)",
        "Reopened %",
        "Bug tickets %",
        "First replies within SLA %",
        "Open tickets",
        "CSAT %",
    ),
    "issues": ("Open bugs", "Median bug age (d)"),
    "self_service": ("Deflection %",),
}


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
    scope = ", ".join(filters.product_lines) if filters.product_lines else "All product lines"
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
    others = [
        (name, period) for period in comparisons(filters, coverage) for name in summary_sql() if name not in LIST_SQL
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


def overview(
    warehouse: Warehouse,
    counts: dict[str, int],
    filters: Filters,
    metric: MetricRunner,
    coverage: Coverage,
    workers: int = 2,
) -> Overview:
    """Everything the overview shows for one filter state. Its queries (overview_queries) run
    once each, `workers` at a time (DuckDB releases the GIL; each call has its own cursor),
    through `metric(name, filters)`: the report's runner, the benchmark's, or the dashboard's
    (inside its cached data.overview)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        queries = overview_queries(filters, coverage)
        memo = dict(zip(queries, pool.map(lambda query: metric(*query), queries), strict=True))

    def metric(name: str, period: Filters) -> pd.DataFrame:
        return memo[name, period]

    reached = comparisons(filters, coverage)
    now = period_summary(warehouse, filters, metric)
    before, year_ago = (
        period_summary(warehouse, period, metric, still_hurting_list=False) if period in reached else None
        for period in (filters.previous(), filters.year_ago())
    )
    tile_list = tiles(
        now, before, year_ago, coverage, filters, counts, warehouse.settings.targets_for(filters.product_lines)
    )
    trailing = filters.trailing_months(12)
    sparks = {
        tile.label: monthly(metric(tile.spark[0], trailing), tile.spark[1], trailing)
        for tile in tile_list
        if tile.spark
    }
    table = product_line_table(
        lambda name, previous: metric(name, filters.previous() if previous else filters),
        has_previous=filters.previous() in reached,
    )
    for entity, columns in TABLE_ENTITIES.items():  # a stale snapshot is no data, as on the tiles
        if not coverage.has(entity, filters):
            table[list(columns)] = None
    if table.drop(columns="Product line").isna().all(axis=None):
        table = table.iloc[:0]
    movements = what_changed(warehouse, filters, coverage, metric("changes", filters))
    year_events = metric("events", trailing)
    in_period = as_events(year_events[year_events.apply(lambda row: _touches(row, filters), axis=1)])
    first = trailing.start.replace(day=1)
    starts = {max(pd.Timestamp(start).date(), first) for start in year_events["start_date"]}
    marks = tuple(sorted((s.year - first.year) * 12 + s.month - first.month for s in starts))
    compared = coverage.covers("tickets", filters)
    return Overview(now, before, year_ago, tile_list, sparks, table, coverage, movements, compared, in_period, marks)


def _touches(row: Any, period: Filters) -> bool:
    last = row.end_date if not pd.isna(row.end_date) else row.start_date
    return pd.Timestamp(row.start_date).date() <= period.end and pd.Timestamp(last).date() >= period.start
