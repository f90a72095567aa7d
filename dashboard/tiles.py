"""What the overview shows, as data: its tiles, sparklines and product-line table.

The overview page renders these with Streamlit and the meeting pack (report.py) as HTML, so
the two show the same numbers by construction. No streamlit here.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from dashboard.filters import Filters
from dashboard.formatting import count, days, delta, hours, is_missing, pct
from dashboard.metrics import MetricRunner, period_summary, totals
from dashboard.warehouse import Warehouse


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # normal: up is good; inverse: up is bad; off: neither
    caption: str = ""
    spark: tuple[str, str] | None = None  # (trend metric, column) for the 12-month sparkline


def tiles(now: dict[str, Any], before: dict[str, Any], counts: dict[str, int]) -> list[Tile]:
    """The overview's tiles for a period summary (metrics.period_summary) and the previous one."""
    fr, res, bug, dfl, imp = (now[k] for k in ("first_response", "resolution", "bug_age", "deflection", "impact"))
    out = [
        Tile("Median first response", hours(fr["median_hours"]),
             delta(fr["median_hours"], before["first_response"]["median_hours"], " h"), "inverse",
             f"p90 {hours(fr['p90_hours'])} · {count(fr['unanswered'])} unanswered"
             + (" · business hours" if fr["basis"] == "business" else ""),
             ("first_response_trend", "median_hours")),
        Tile("Median resolution", hours(res["median_hours"]),
             delta(res["median_hours"], before["resolution"]["median_hours"], " h"), "inverse",
             f"p90 {hours(res['p90_hours'])} · {count(res['resolved'])} solved · {pct(res['reopened_pct'])} reopened",
             ("resolution_trend", "median_hours")),
    ]
    if counts.get("issues", 0):
        out.append(Tile("Open bugs", count(bug["open_bugs"]), delta(bug["open_bugs"], before["bug_age"]["open_bugs"]),
                        "inverse",
                        f"median age {days(bug['median_days'])} · {count(bug['older_than_365_days'])} older than a year",
                        ("bug_age_trend", "open_bugs")))
    else:
        out.append(Tile("Open bugs", "no data", caption="No issue-tracker export found: add one to the data folder."))
    if counts.get("self_service_rows", 0):
        out.append(Tile("Deflection rate", pct(dfl["rate_pct"]),
                        delta(dfl["rate_pct"], before["deflection"]["rate_pct"], " pts"), "normal",
                        f"{count(dfl['self_service_resolved'])} resolved in self-service / (those + tickets)",
                        ("deflection_trend", "rate_pct")))
    else:
        out.append(Tile("Deflection rate", "no data",
                        caption="No self-service sessions export found: add one to the data folder."))
    if counts.get("links", 0):
        out.append(Tile("Tickets about known bugs", count(imp["linked_tickets"]),
                        delta(imp["linked_tickets"], before["impact"]["linked_tickets"]), "inverse",
                        f"{pct(imp['bug_ticket_share_pct'])} of tickets · {len(imp['still_hurting'])} old bugs still hurting",
                        ("impact_trend", "bug_tickets")))
    else:
        out.append(Tile("Tickets about known bugs", "no data",
                        caption="No ticket-issue links found: add a links export or tag tickets with issue keys."))
    out.append(Tile("Tickets created", count(now["tickets_created"]),
                    delta(now["tickets_created"], before["tickets_created"]), "off",
                    f"{count(before['tickets_created'])} in the previous period",
                    ("first_response_trend", "tickets_created")))
    return out


TABLE_METRICS = ("first_response", "resolution", "bug_age", "deflection", "impact")


def product_line_table(metric: Callable[[str, bool], pd.DataFrame]) -> pd.DataFrame:
    """One row per product line. `metric(name, previous)` returns a metric's frame for the
    period (previous=False) or the previous period (previous=True)."""
    split = {name: metric(name, False).set_index("product_line") for name in TABLE_METRICS}
    previous = metric("first_response", True).set_index("product_line")
    lines = sorted({line for frame in split.values() for line in frame.index.dropna()})

    def cell(frame: pd.DataFrame, line: str, column: str) -> Any:
        return frame[column].get(line) if line in frame.index else None

    rows = []
    for line in lines:
        median_now = cell(split["first_response"], line, "median_hours")
        median_before = cell(previous, line, "median_hours")
        rows.append({
            "Product line": line,
            "Tickets": cell(split["first_response"], line, "tickets_created"),
            "Median first response (h)": median_now,
            "Change vs previous (h)": None if is_missing(median_now) or is_missing(median_before)
            else median_now - median_before,
            "p90 first response (h)": cell(split["first_response"], line, "p90_hours"),
            "Median resolution (h)": cell(split["resolution"], line, "median_hours"),
            "Reopened %": cell(split["resolution"], line, "reopened_pct"),
            "Open bugs": cell(split["bug_age"], line, "open_bugs"),
            "Median bug age (d)": cell(split["bug_age"], line, "median_days"),
            "Deflection %": cell(split["deflection"], line, "rate_pct"),
            "Bug tickets %": cell(split["impact"], line, "bug_ticket_share_pct"),
        })
    return pd.DataFrame(rows)


WHOLE_COLUMNS = ("Product line", "Tickets", "Open bugs")


@dataclass(frozen=True)
class Overview:
    now: dict[str, Any]
    before: dict[str, Any]
    tiles: list[Tile]
    sparks: dict[str, list[float]]  # tile label -> the 12 monthly values
    table: pd.DataFrame
    results: dict[tuple[str, Filters], pd.DataFrame]  # every query behind it (overview_queries)

    def result(self, name: str, period: Filters) -> pd.DataFrame:
        return self.results[name, period]


SUMMARY_METRICS = ("first_response", "resolution", "bug_age", "deflection", "impact", "bug_impact")
TREND_METRICS = ("first_response_trend", "resolution_trend", "bug_age_trend", "deflection_trend", "impact_trend")


def overview_queries(filters: Filters) -> list[tuple[str, Filters]]:
    """The distinct queries behind the overview of one filter state."""
    previous = [(name, filters.previous()) for name in SUMMARY_METRICS if name != "bug_impact"]
    trends = [(name, filters.trailing_months(12)) for name in TREND_METRICS]
    return [(name, filters) for name in SUMMARY_METRICS] + previous + trends


def overview(warehouse: Warehouse, counts: dict[str, int], filters: Filters, metric: MetricRunner,
             workers: int = 2) -> Overview:
    """Everything the overview shows for one filter state. Its queries (overview_queries) run
    once each, `workers` at a time (DuckDB releases the GIL; each call has its own cursor),
    through `metric(name, filters)`: the report's runner, the benchmark's, or the dashboard's
    (inside its cached data.overview)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        queries = overview_queries(filters)
        memo = dict(zip(queries, pool.map(lambda query: metric(*query), queries), strict=True))

    def metric(name: str, period: Filters) -> pd.DataFrame:  # noqa: F811 - from here on, the results
        return memo[name, period]

    now = period_summary(warehouse, filters, metric)
    before = period_summary(warehouse, filters.previous(), metric, still_hurting_list=False)
    tile_list = tiles(now, before, counts)
    trailing = filters.trailing_months(12)
    sparks = {}
    for tile in tile_list:
        if tile.spark:
            values = totals(metric(tile.spark[0], trailing))[tile.spark[1]].tolist()
            sparks[tile.label] = [0.0 if is_missing(v) else float(v) for v in values]
    table = product_line_table(lambda name, previous: metric(name, filters.previous() if previous else filters))
    return Overview(now, before, tile_list, sparks, table, memo)
