"""The KPI catalogue: one declaration per KPI, read by everything that shows or exports one.

An entry names its SQL (`queries/metrics/<sql>.sql`, and `<trend>.sql` per month), the keys
it contributes to the `kpis` JSON and which SQL column each comes from, whether its trend is
precomputed with the model, its overview tile (label, number, which way is better, caption,
sparkline) and its chart in the meeting pack. The overview, the pack, `kpis`, the
precomputed trends and the dashboard's query list all come from `CATALOGUE`, so a new KPI
is its SQL files plus one entry here (plus a page, if it has one).

No streamlit, no database here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.formatting import count, days, hours, is_missing, pct, plural

Summary = dict[str, Any]  # a period's `kpis` JSON (metrics.period_summary)


@dataclass(frozen=True)
class TileSpec:
    """An overview tile: `path` is the dotted key of its number in the kpis JSON."""

    label: str
    path: str
    shown: Callable[[Any], str]  # the number as text ('4.0 h')
    unit: str  # of a change ('+0.7 h')
    caption: Callable[[Summary, Summary | None, str], str]  # (this period, the previous one, its label)
    spark: str  # the trend column of the 12-month sparkline
    needs_links: bool = False  # no ticket-issue links: no data, whatever the tickets say

    @property
    def better(self) -> str:
        return better(self.path)


@dataclass(frozen=True)
class Kpi:
    """One KPI. `json` maps its kpis JSON keys to (SQL column of the total row, value when the
    period has no row); `section` is its JSON key (None: the keys go to the top level)."""

    name: str
    sql: str
    trend: str | None
    entity: str  # the data it needs (metrics.Coverage): tickets, issues or self_service
    section: str | None
    json: dict[str, tuple[str, Any]]
    tile: TileSpec | None = None
    pack_chart: Callable[[pd.DataFrame], go.Figure] | None = None  # from the 12-month trend
    pack_needs: str = ""  # a load count the pack chart needs (issues, self_service_rows, links)
    precompute: bool = True  # the trend for all product lines is kept per model (pre_<trend>)
    extra: Callable[[Summary, Context], None] | None = field(default=None, repr=False)  # more keys
    goal: tuple[str, str] | None = None  # (kpis JSON path, y axis) whose target its charts draw


@dataclass(frozen=True)
class Context:
    """What an entry's `extra` keys may need beyond its SQL's total row."""

    filters: Any  # dashboard.filters.Filters
    still_hurting_days: int
    hurting: pd.DataFrame | None  # the still-hurting rows of bug_impact (None: the list is not wanted)


def clean(value: Any) -> Any:
    """A value from a DataFrame as plain JSON: None for missing, Python numbers, 4 decimals."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose product_line is null: the grouping-sets totals (one, or one per month)."""
    return frame[frame["product_line"].isna()]


def _as_of(section: Summary, ctx: Context) -> None:
    section["as_of"] = ctx.filters.end_at.isoformat()


def _still_hurting(section: Summary, ctx: Context) -> None:
    section["still_hurting_min_age_days"] = ctx.still_hurting_days
    if ctx.hurting is not None:
        section["still_hurting"] = [
            {"key": row.issue_key, "age_days": clean(row.age_days), "tickets_in_period": int(row.tickets_in_period)}
            for row in ctx.hurting.itertuples()
        ]


def _parts(*texts: str | None) -> str:
    return " · ".join(t for t in texts if t)


def _unless_missing(template: str, value: Any, shown: Callable[[Any], str]) -> str | None:
    return None if is_missing(value) else template.format(shown(value))


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        "first_response",
        "first_response",
        "first_response_trend",
        "tickets",
        "first_response",
        {
            "responded": ("responded", 0),
            "unanswered": ("unanswered", 0),
            "unknown": ("unknown", 0),
            "median_hours": ("median_hours", None),
            "p90_hours": ("p90_hours", None),
            "mean_hours": ("mean_hours", None),
            "basis": ("basis", None),
            "business_median_hours": ("business_median_hours", None),
            "business_p90_hours": ("business_p90_hours", None),
        },
        TileSpec(
            "Median first response",
            "first_response.median_hours",
            hours,
            " h",
            lambda s, _b, _l: _parts(
                _unless_missing("p90 {}", s["first_response"]["p90_hours"], hours),
                f"{count(s['first_response']['unanswered'])} unanswered",
                "business hours" if s["first_response"]["basis"] == "business" else None,
            ),
            "median_hours",
        ),
        lambda trend: charts.trend(trend, "median_hours", "p90_hours", "Median first response per month", "hours"),
        goal=("first_response.median_hours", "y"),
    ),
    Kpi(
        "resolution",
        "resolution",
        "resolution_trend",
        "tickets",
        "resolution",
        {
            "resolved": ("resolved", 0),
            "median_hours": ("median_hours", None),
            "p90_hours": ("p90_hours", None),
            "mean_hours": ("mean_hours", None),
            "reopened_pct": ("reopened_pct", None),
            "business_median_hours": ("business_median_hours", None),
            "business_p90_hours": ("business_p90_hours", None),
        },
        TileSpec(
            "Median resolution",
            "resolution.median_hours",
            hours,
            " h",
            lambda s, _b, _l: _parts(
                _unless_missing("p90 {}", s["resolution"]["p90_hours"], hours),
                f"{count(s['resolution']['resolved'])} solved",
                _unless_missing("{} reopened", s["resolution"]["reopened_pct"], pct),
            ),
            "median_hours",
        ),
        lambda trend: charts.trend(trend, "median_hours", "p90_hours", "Median resolution per month", "hours"),
        goal=("resolution.median_hours", "y"),
    ),
    Kpi(
        "bug_age",
        "bug_age",
        "bug_age_trend",
        "issues",
        "bug_age",
        {
            "open_bugs": ("open_bugs", 0),
            "median_days": ("median_days", None),
            "p90_days": ("p90_days", None),
            "older_than_365_days": ("older_than_365_days", 0),
            "fixed": ("fixed", 0),
            "median_days_to_fix": ("median_days_to_fix", None),
            "p90_days_to_fix": ("p90_days_to_fix", None),
        },
        TileSpec(
            "Open bugs",
            "bug_age.open_bugs",
            count,
            "",
            lambda s, _b, _l: _parts(
                _unless_missing("median age {}", s["bug_age"]["median_days"], days),
                f"{count(s['bug_age']['older_than_365_days'])} older than a year",
            ),
            "open_bugs",
        ),
        lambda trend: charts.bars_by_month(
            totals(trend), {"created": "Created", "fixed": "Fixed"}, "Bugs created vs fixed per month", "bugs"
        ),
        pack_needs="issues",
        extra=_as_of,
    ),
    Kpi(
        "deflection",
        "deflection",
        "deflection_trend",
        "self_service",
        "deflection",
        {
            "sessions": ("sessions", 0),
            "self_service_resolved": ("self_service_resolved", 0),
            "rate_pct": ("rate_pct", None),
            "self_service_score": ("self_service_score", None),
        },
        TileSpec(
            "Deflection rate",
            "deflection.rate_pct",
            pct,
            " pts",
            lambda s, _b, _l: f"{count(s['deflection']['self_service_resolved'])} resolved in self-service",
            "rate_pct",
        ),
        lambda trend: charts.deflection(totals(trend)),
        pack_needs="self_service_rows",
        goal=("deflection.rate_pct", "y2"),
    ),
    Kpi(
        "impact",
        "impact",
        "impact_trend",
        "tickets",
        "impact",
        {
            "linked_tickets": ("bug_tickets", 0),
            "bug_ticket_share_pct": ("bug_ticket_share_pct", None),
            "impacting_bugs": ("impacting_bugs", 0),
        },
        TileSpec(
            "Tickets about known bugs",
            "impact.linked_tickets",
            count,
            "",
            lambda s, _b, _l: _parts(
                _unless_missing("{} of tickets", s["impact"]["bug_ticket_share_pct"], pct),
                plural(len(s["impact"].get("still_hurting", [])), "old bug") + " still hurting",
            ),
            "bug_tickets",
            needs_links=True,
        ),
        lambda trend: charts.trend(
            trend,
            "bug_ticket_share_pct",
            None,
            "Share of tickets about known bugs per month",
            "% of tickets",
            series="",
        ),
        pack_needs="links",
        extra=_still_hurting,
        goal=("impact.bug_ticket_share_pct", "y"),
    ),
    Kpi(
        "volume",
        "first_response",
        "first_response_trend",
        "tickets",
        None,
        {"tickets_created": ("tickets_created", 0)},
        TileSpec(
            "Tickets created",
            "tickets_created",
            count,
            "",
            lambda _s, before, label: f"{count(before['tickets_created'])} in {label}" if before else "",
            "tickets_created",
        ),
    ),
)

CATALOGUE += (
    # Business hours, SLA, backlog, CSAT (issue #15). Dotted json keys nest ('first_response.met'
    # -> {"first_response": {"met": ...}}).
    Kpi(
        "sla",
        "sla",
        "sla_trend",
        "tickets",
        "sla",
        {
            **{
                f"{part}.{key}": (f"{part}_{key}", 0 if key != "met_pct" else None)
                for part in ("first_response", "resolution")
                for key in ("met", "breached", "pending", "met_pct")
            },
            "basis": ("basis", None),
        },
        TileSpec(
            "First replies within SLA",
            "sla.first_response.met_pct",
            pct,
            " pts",
            lambda s, _b, _l: _parts(
                f"{count(s['sla']['first_response']['breached'])} breached",
                f"{count(s['sla']['first_response']['pending'])} pending",
                f"{s['sla']['basis']} hours" if s["sla"]["basis"] else "no [sla] targets set",
            ),
            "first_response_met_pct",
        ),
        lambda trend: charts.trend(
            trend, "first_response_met_pct", None, "First replies within SLA per month", "% met", series=""
        ),
        goal=("sla.first_response.met_pct", "y"),
    ),
    Kpi(
        "backlog",
        "backlog",
        "backlog_trend",
        "tickets",
        "backlog",
        {
            "open_at_end": ("open_at_end", 0),
            "median_age_days": ("median_age_days", None),
            "p90_age_days": ("p90_age_days", None),
        },
        TileSpec(
            "Open tickets at the end",
            "backlog.open_at_end",
            count,
            "",
            lambda s, _b, _l: _parts(_unless_missing("median age {}", s["backlog"]["median_age_days"], days)),
            "open_at_end",
        ),
        lambda trend: charts.bars_by_month(
            totals(trend), {"created": "Created", "solved": "Solved"}, "Tickets created vs solved per month", "tickets"
        ),
        extra=_as_of,
    ),
    Kpi(
        "csat",
        "csat",
        "csat_trend",
        "tickets",
        "csat",
        {"rated": ("rated", 0), "satisfied": ("satisfied", 0), "score_pct": ("score_pct", None)},
        TileSpec(
            "CSAT",
            "csat.score_pct",
            pct,
            " pts",
            lambda s, _b, _l: f"{count(s['csat']['satisfied'])} of {count(s['csat']['rated'])} ratings satisfied",
            "score_pct",
        ),
        lambda trend: charts.trend(trend, "score_pct", None, "CSAT per month", "% satisfied", series=""),
        goal=("csat.score_pct", "y"),
    ),
)

# The still-hurting list of the impact KPI (queries/metrics/bug_impact.sql), read with it.
LIST_SQL = ("bug_impact",)


def summary_sql() -> list[str]:
    """The distinct summary queries of the catalogue, in its order, then the lists."""
    return list(dict.fromkeys([kpi.sql for kpi in CATALOGUE] + list(LIST_SQL)))


def trend_sql() -> list[str]:
    return list(dict.fromkeys(kpi.trend for kpi in CATALOGUE if kpi.trend))


def precomputed_trends() -> tuple[str, ...]:
    return tuple(dict.fromkeys(kpi.trend for kpi in CATALOGUE if kpi.trend and kpi.precompute))


# Which way each number should move, by its kpis JSON path: the one place that says it. The
# tiles' colours and words read it, and [targets] in the settings may name any of these.
GOALS = {
    "first_response.median_hours": "lower",
    "first_response.p90_hours": "lower",
    "first_response.mean_hours": "lower",
    "first_response.unanswered": "lower",
    "resolution.median_hours": "lower",
    "resolution.p90_hours": "lower",
    "resolution.mean_hours": "lower",
    "resolution.reopened_pct": "lower",
    "bug_age.open_bugs": "lower",
    "bug_age.median_days": "lower",
    "bug_age.p90_days": "lower",
    "bug_age.older_than_365_days": "lower",
    "bug_age.median_days_to_fix": "lower",
    "bug_age.p90_days_to_fix": "lower",
    "deflection.rate_pct": "higher",
    "deflection.self_service_score": "higher",
    "impact.linked_tickets": "lower",
    "impact.bug_ticket_share_pct": "lower",
    "impact.impacting_bugs": "lower",
}
GOALS |= {  # business hours, SLA, backlog, CSAT
    "first_response.business_median_hours": "lower",
    "first_response.business_p90_hours": "lower",
    "resolution.business_median_hours": "lower",
    "resolution.business_p90_hours": "lower",
    "sla.first_response.met_pct": "higher",
    "sla.first_response.breached": "lower",
    "sla.resolution.met_pct": "higher",
    "sla.resolution.breached": "lower",
    "backlog.open_at_end": "lower",
    "backlog.median_age_days": "lower",
    "backlog.p90_age_days": "lower",
    "csat.score_pct": "higher",
}


def target_text(path: str, target: float) -> str:
    """A target as people write it: '≤ 4.0 h', '≥ 30.0 %', '≤ 0'."""
    unit = path.rsplit(".", 1)[-1]
    shown = hours if unit.endswith("_hours") else pct if unit.endswith("_pct") else days if "days" in unit else count
    return f"{'≤' if better(path) == 'lower' else '≥'} {shown(target)}"


def value_at(summary: Summary | None, path: str) -> Any:
    """The number at a dotted kpis JSON path ('first_response.median_hours'); None if absent."""
    value: Any = summary
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def target_met(path: str, actual: Any, target: float) -> bool | None:
    """Whether `actual` meets `target` the way the number should move; None without data."""
    if is_missing(actual):
        return None
    return actual <= target if better(path) == "lower" else actual >= target


def directions() -> dict[str, str]:
    """Every kpis JSON path with a direction ('lower' or 'higher'): the paths a target may name."""
    return dict(GOALS)


def better(path: str) -> str:
    """Which way the number at a kpis JSON path should move: 'lower', 'higher' or 'neither'."""
    return GOALS.get(path, "neither")
