"""The Python API over the metrics SQL: run a named metric with filters; the KPI summary.

Both the dashboard and the CLI use this; no streamlit here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import catalogue, changes, precomputed, revisions
from dashboard.catalogue import Context, summary_sql, target_met, trend_sql, value_at
from dashboard.config import Settings
from dashboard.db import Warehouse, read_sql
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters, last_full_month, months_back, preset_period
from dashboard.formatting import iso_utc
from dashboard.frames import total_row


def metric_names() -> tuple[str, ...]:
    """Every query run_metric runs: the catalogue's, the ones pages read for their lists, the
    events on the charts and What changed."""
    return tuple(dict.fromkeys([*summary_sql(), *trend_sql(), "open_bugs", "events", "changes"]))


def run_metric(warehouse: Warehouse, name: str, filters: Filters) -> pd.DataFrame:
    """Run `queries/metrics/<name>.sql` with the filters bound as parameters."""
    known = metric_names()
    if name not in known:
        raise ProductHealthError(f"unknown metric '{name}' (known: {', '.join(known)})")
    frame = precomputed.read(warehouse, name, filters)
    if frame is not None:
        return frame
    params = filters.params() | {"min_age_days": warehouse.settings.still_hurting_days}
    return warehouse.query(f"metrics/{name}", params)


def events(warehouse: Warehouse, filters: Filters) -> list[dict[str, Any]]:
    """The events that touch the period (metrics/events.sql), as the kpis JSON lists them."""
    return as_events(run_metric(warehouse, "events", filters))


def as_events(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of metrics/events.sql as the kpis JSON lists them."""
    day = lambda value: None if pd.isna(value) else pd.Timestamp(value).date().isoformat()  # noqa: E731
    return [
        {
            "date": day(row.start_date),
            "end_date": day(row.end_date),
            "label": row.label,
            "product_line": None if pd.isna(row.product_line) else row.product_line,
        }
        for row in frame.itertuples()
    ]


def what_changed(
    warehouse: Warehouse, filters: Filters, coverage: Coverage, frame: pd.DataFrame | None = None
) -> list[changes.Movement]:
    """What changed in the period against the one it is compared with (metrics/changes.sql):
    the movements whose data covers both periods (Coverage.covers)."""
    if frame is None:
        frame = run_metric(warehouse, "changes", filters)
    return changes.movements(
        frame, filters, warehouse.settings.targets_for, lambda entity: coverage.covers(entity, filters)
    )


@dataclass(frozen=True)
class Coverage:
    """The first and last day (in the reporting zone) of each kind of data the model has, and
    the calendar months that have any (metrics/coverage.sql)."""

    spans: dict[str, tuple[dt.date, dt.date]]
    months: dict[str, frozenset[dt.date]]
    full_months: dict[str, frozenset[dt.date]] = field(default_factory=dict)  # data in their last week

    def has(self, entity: str, period: Filters) -> bool:
        """Whether the data of `entity` has any month in the period."""
        return any(m in self.months.get(entity, ()) for m in _months_of(period))

    def reaches(self, entity: str, period: Filters) -> bool:
        """Whether the data has the period's first month: the rule for comparing with it."""
        return period.start.replace(day=1) in self.months.get(entity, ())

    def covers(self, entity: str, period: Filters) -> bool:
        """Whether the data of `entity` runs from the compared period's first day (previous())
        to the period's end (its last day or the day before): What changed compares only then,
        so an export that starts or stops inside them is no movement."""
        span = self.spans.get(entity)
        return span is not None and span[0] <= period.previous().start and span[1] >= period.end - dt.timedelta(days=1)

    def has_any(self, period: Filters) -> bool:
        return any(self.has(entity, period) for entity in self.spans)

    @property
    def last_day(self) -> dt.date | None:
        return max((span[1] for span in self.spans.values()), default=None)

    @property
    def first_day(self) -> dt.date | None:
        return min((span[0] for span in self.spans.values()), default=None)

    @property
    def main_entity(self) -> str | None:
        """What the default period follows: tickets (most tiles are about them, and a tracker
        export is often newer than the help desk's), else whatever data there is."""
        return "tickets" if "tickets" in self.spans else next(iter(self.spans), None)

    def preset(self, name: str, today: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of a sidebar preset (filters.PRESETS) on this data."""
        month = self.default_month(today)
        return preset_period(name, month, max(self.main_last_day(today), month[1]))

    def main_last_day(self, today: dt.date) -> dt.date:
        return min(self.spans[self.main_entity][1], today) if self.main_entity else today

    def default_month(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The period a dashboard opens on: the last full month of the main data (main_entity;
        full = it has data in the month's last week) that has ended by today; else the last
        month with any of it; the calendar's last month when there is no data."""
        entity = self.main_entity
        if entity is None:
            return last_full_month(today)
        ended = [m for m in self.full_months.get(entity, ()) if months_back(m, -1) <= today]
        month = max(ended) if ended else max(self.months[entity])
        return month, months_back(month, -1) - dt.timedelta(days=1)


def _months_of(period: Filters) -> list[dt.date]:
    month, out = period.start.replace(day=1), []
    while month <= period.end:
        out.append(month)
        month = months_back(month, -1)
    return out


def coverage(warehouse: Warehouse, timezone: str) -> Coverage:
    frame = warehouse.query("metrics/coverage", {"tz": timezone})
    day = lambda value: pd.Timestamp(value).date()  # noqa: E731
    rows = list(frame.itertuples())
    return Coverage(
        {row.entity: (day(row.first_day), day(row.last_day)) for row in rows},
        {row.entity: frozenset(day(m) for m in row.months) for row in rows},
        {row.entity: frozenset(day(m) for m in row.full_months) for row in rows},
    )


def data_as_of(warehouse: Warehouse) -> str | None:
    """The data's cut-off (queries/marts/fct_cutoff.sql: the latest update of any ticket), the
    instant the SLA statuses are judged at, as ISO 8601 UTC ('2026-11-03T14:00:00Z'); None
    without tickets."""
    return iso_utc(warehouse.sql("select data_as_of from fct_cutoff")["data_as_of"].iloc[0])


def plain_definition(name: str) -> str:
    """The 'In plain words:' paragraph of a metric's SQL header: its definition for people, no
    internal names (the rest of the header is for whoever reads the SQL)."""
    if name not in metric_names():
        raise ProductHealthError(f"unknown metric '{name}'")
    words: list[str] = []
    for line in read_sql(f"metrics/{name}").splitlines():
        if line.startswith("-- In plain words:"):
            words.append(line.removeprefix("-- In plain words:").strip())
        elif words and line.startswith("--   "):
            words.append(line[2:].strip())
        elif words or not line.startswith("--"):
            break
    return " ".join(words)


def still_hurting(bugs: pd.DataFrame) -> pd.DataFrame:
    """The still-hurting rows of a bug_impact result, in its order."""
    return bugs[bugs["is_still_hurting"]]


def known_values(warehouse: Warehouse) -> dict[str, list[str]]:
    frame = warehouse.query("metrics/product_lines")
    return {kind: sorted(group["value"].dropna().tolist()) for kind, group in frame.groupby("kind")}


def check_filters(warehouse: Warehouse, filters: Filters) -> None:
    """An unknown product line is a mistake to report, not an empty result."""
    known = known_values(warehouse)
    for kind, chosen in (
        ("product_line", filters.product_lines),
        ("priority", filters.priorities),
        ("channel", filters.channels),
    ):
        unknown = [v for v in chosen if v not in known.get(kind, [])]
        if unknown:
            choices = ", ".join(known.get(kind, [])) or "(none in the data)"
            raise ProductHealthError(
                f"unknown {kind.replace('_', ' ')} {', '.join(map(repr, unknown))}; known: {choices}"
            )


MetricRunner = Callable[[str, Filters], pd.DataFrame]


def run_all(
    queries: list[tuple[str, Filters]], run: MetricRunner, workers: int | None = None
) -> dict[tuple[str, Filters], pd.DataFrame]:
    """Each (name, filters) query once through `run`, `workers` at a time (default: the
    machine's cores; DuckDB releases the GIL and each call has its own cursor)."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        return dict(zip(queries, pool.map(lambda query: run(*query), queries), strict=True))


def summarise(
    metric: MetricRunner, filters: Filters, still_hurting_days: int, still_hurting_list: bool = True
) -> dict[str, Any]:
    """The KPIs of the catalogue for one period from its queries' results (`metric(name,
    filters)`): the `kpis` JSON without the compared periods. still_hurting_list=False leaves
    the list out (the overview's compared periods need only counts)."""
    rows = {name: total_row(metric(name, filters)) for name in dict.fromkeys(kpi.sql for kpi in catalogue.CATALOGUE)}
    hurting = still_hurting(metric("bug_impact", filters)) if still_hurting_list else None
    context = Context(filters, still_hurting_days, hurting)
    summary: dict[str, Any] = {}
    for kpi in sorted(catalogue.CATALOGUE, key=lambda kpi: kpi.path != ""):  # top-level keys first
        section = summary.setdefault(kpi.path, {}) if kpi.path else summary
        for name, key in kpi.keys.items():  # a dotted key nests: 'first_response.met'
            *parents, leaf = name.split(".")
            inner = section
            for parent in parents:
                inner = inner.setdefault(parent, {})
            inner[leaf] = rows[kpi.sql].get(key.column, key.empty)
        if kpi.extra:
            kpi.extra(section, context)
    return summary


def period_summary(warehouse: Warehouse, filters: Filters) -> dict[str, Any]:
    """summarise() with each query run on `warehouse` as it is needed."""
    return summarise(
        lambda name, period: run_metric(warehouse, name, period), filters, warehouse.settings.still_hurting_days
    )


def kpis(warehouse: Warehouse, filters: Filters, packs: Path | None = None) -> dict[str, Any]:
    """The `product-health kpis` object: this period, the period it is compared with (the
    calendar month(s) before a period of whole months, else the days of equal length before)
    and the same period a year earlier; the data's cut-off (data_as_of) and the figures that
    moved since the month's last pack recorded in `packs` (revisions; [] without one)."""
    check_filters(warehouse, filters)
    compared = {}
    for key, period in (("previous_period", filters.previous()), ("year_ago_period", filters.year_ago())):
        compared[key] = {
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            **period_summary(warehouse, period),
        }
    results: dict[str, pd.DataFrame] = {}  # this period's, by metric: the summary's and the revisions'

    def metric(name: str, period: Filters) -> pd.DataFrame:  # summarise asks for `filters` only
        if name not in results:
            results[name] = run_metric(warehouse, name, period)
        return results[name]

    summary = summarise(metric, filters, warehouse.settings.still_hurting_days)
    targets = warehouse.settings.targets_for(filters.lines)
    return {
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat(), "timezone": filters.timezone},
        "product_lines": list(filters.lines),
        "data_as_of": summary["sla"]["as_of"],  # the cut-off the SLA query was judged at
        **summary,
        "targets": {
            path: {
                "target": target,
                "actual": value_at(summary, path),
                "met": target_met(path, value_at(summary, path), target),
            }
            for path, target in targets.items()
        },
        "changes": [
            movement.as_dict() for movement in what_changed(warehouse, filters, coverage(warehouse, filters.timezone))
        ],
        "events": events(warehouse, filters),
        "revisions": [] if packs is None else revisions_since(packs, filters, results, warehouse.settings),
        **compared,
    }


def revisions_since(
    packs: Path, filters: Filters, results: dict[str, pd.DataFrame], settings: Settings
) -> list[dict[str, Any]]:
    """The figures that moved since the month's last recorded pack (revisions.compare), from
    the period's summary results ({metric name: frame})."""
    return revisions.since_last_pack(packs, filters, revisions.figures(results), settings)[1]
