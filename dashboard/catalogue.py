"""The KPI catalogue: the one declaration of each KPI, keyed by its path in the `kpis` JSON.

A `Kpi` owns its SQL files, its JSON keys (the SQL column each comes from and which way it
should move), its product-line table columns, its tile, its monthly chart, its What-changed
wording, its definition (the "In plain words" header of its SQL) and whether its trend is
kept per month with the model. The tiles, the product-line table, the meeting pack, "How is
this computed?", the [targets] keys, What changed and the precomputed trends are all derived
from `CATALOGUE`, so a new KPI is its SQL files plus one `Kpi(...)` here (the test that adds
one, tests/test_catalogue.py, shows it; README "Adding a KPI").

Declarations only: no streamlit, plotly or database (the settings import this).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dashboard.formatting import count, days, hours, is_missing, iso_utc, pct, plural, shown_as, when
from dashboard.frames import clean

Summary = dict[str, Any]  # a period's `kpis` JSON (metrics.period_summary)
LOWER, HIGHER, NEITHER = "lower", "higher", "neither"  # which way a number should move


@dataclass(frozen=True, kw_only=True)
class Key:
    """A key of the kpis JSON: the column of the KPI's total row it comes from, its value when
    the period has no row, and which way it should move (a target may be set on it unless
    NEITHER)."""

    column: str
    empty: Any = None
    better: str = NEITHER


def lower(column: str, empty: Any = None) -> Key:
    return Key(column=column, empty=empty, better=LOWER)


def higher(column: str, empty: Any = None) -> Key:
    return Key(column=column, empty=empty, better=HIGHER)


def plain(column: str, empty: Any = None) -> Key:
    return Key(column=column, empty=empty)


@dataclass(frozen=True, kw_only=True)
class Column:
    """A column of the product-line table: the number at the KPI's `key` for each line (from
    the same SQL's per-line rows), its cell written by its path's unit (formatting.shown_as)."""

    key: str
    header: str  # without a unit: the cells carry it
    meeting: bool = False  # on the shared screen, where eight columns fit
    leads: bool = False  # first in the table, and the rows are ordered by it (most first)
    change: bool = False  # followed by its change against the previous period
    pack_table: int = 1  # which of the pack's tables (fourteen columns are wider than a portrait page)
    drill: str | None = None  # the KPI's drill key a click on a cell opens (default: `key`, if it has rows)


@dataclass(frozen=True, kw_only=True)
class TileSpec:
    """A KPI's overview tile: the number at its `key`, a caption under it, a 12-month sparkline
    of its trend's `spark` column."""

    label: str
    key: str
    spark: str
    # (this period, the previous one, its label) -> the line under the number
    caption: Callable[[Summary, Summary | None, str], str] = lambda _now, _before, _label: ""
    needs_links: bool = False  # no ticket-issue links: no data, whatever the tickets say
    drill: str | None = None  # the KPI's drill key a click opens (default: `key`, if it has rows)


@dataclass(frozen=True, kw_only=True)
class Chart:
    """A KPI's monthly chart in the meeting pack, drawn from its trend by charts.kpi_chart:
    'line' (`value`, and `p90` dotted, per product line), 'bars' (the totals' `bars` columns
    side by side) or 'deflection' (the rate over the volumes behind it)."""

    kind: str
    title: str
    axis: str = ""
    value: str = ""
    p90: str | None = None
    series: str = "median"  # the solid line's name in the legend ('' for a plain value)
    bars: tuple[tuple[str, str], ...] = ()  # (column, legend name)
    target: str | None = None  # the key whose [targets] value is drawn as a dashed line
    target_axis: str = "y"
    needs: str = ""  # a load count without which the chart is left out (issues, links, ...)


@dataclass(frozen=True, kw_only=True)
class Change:
    """A number What changed may name (queries/metrics/changes.sql tests it, row `metric` =
    this path): its words in a sentence, the statistical test, and the data it needs in both
    periods (a movement is left out when the data does not reach the compared period)."""

    key: str
    words: str
    test: str  # 'median' (Mood's), 'rank_sum' (per day), 'proportion' (two-proportion z), 'poisson'
    needs: tuple[str, ...] = ("tickets",)
    better_as: str | None = None  # the key whose direction it takes, when it is not a kpis key itself
    drill: str | None = None  # the KPI's drill key a click on the sentence opens (default: `key`, if it has rows)


@dataclass(frozen=True)
class Context:
    """What an entry's `extra` keys may need beyond its SQL's total row."""

    filters: Any  # dashboard.filters.Filters
    still_hurting_days: int
    hurting: Any  # the still-hurting rows of bug_impact (a DataFrame; None: the list is not wanted)


@dataclass(frozen=True, kw_only=True)
class Kpi:
    """One KPI. `path` is its kpis JSON section ('' puts its keys at the top level); `sql` is
    queries/metrics/<sql>.sql, whose total row (product_line null) gives the keys and whose
    per-line rows give the table; `trend` is the same per month. `rows` lists the rows behind each
    of its `drill` keys with its SQL's own filters: a count's rows add up to it, a median's are the
    values it is computed from (dashboard/rows.py)."""

    path: str
    sql: str
    entity: str  # the data it needs (metrics.Coverage): tickets, issues or self_service
    keys: dict[str, Key]
    trend: str | None = None
    lists: tuple[str, ...] = ()  # more SQL read with it (their definitions are listed with it)
    page: str = ""  # the url path of its page ('' = the overview)
    tile: TileSpec | None = None
    columns: tuple[Column, ...] = ()
    chart: Chart | None = None
    changes: tuple[Change, ...] = ()
    precompute: bool = True  # the trend for all product lines is kept per model (pre_<trend>)
    every_month: bool = False  # the trend has a total row for every month, zeros included
    extra: Callable[[Summary, Context], None] | None = field(default=None, repr=False)  # more keys
    rows: str | None = None  # queries/rows/<rows>.sql: the tickets, bugs or sessions behind `drill`
    # its keys whose rows `rows` lists (bound as its $part), each with what its rows are, in words
    # after their count ('76 tickets' + 'created in October 2026 whose first reply breached its
    # SLA'); a key may also be the count behind a share ('reopened': the resolved tickets
    # reopened_pct is the share of)
    drill: dict[str, str] = field(default_factory=dict)

    def path_of(self, key: str) -> str:
        """The kpis JSON path of one of its keys: 'first_response.median_hours'."""
        return f"{self.path}.{key}" if self.path else key

    @property
    def name(self) -> str:
        return self.path or next(iter(self.keys))


def _as_of(section: Summary, ctx: Context) -> None:
    section["as_of"] = ctx.filters.end_at.isoformat()


def _cutoff(section: Summary, _ctx: Context) -> None:
    """The SLA's as_of: the data's cut-off its statuses are judged at (fct_cutoff), in ISO UTC."""
    section["as_of"] = iso_utc(section.get("as_of"))


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


STATUSES = ("met", "breached", "pending")  # an SLA's counts (ph_sla_*_status)


def _sla_keys() -> dict[str, Key]:
    out: dict[str, Key] = {}
    for part in ("first_response", "resolution"):
        out[f"{part}.met"] = plain(f"{part}_met", 0)
        out[f"{part}.breached"] = lower(f"{part}_breached", 0)
        out[f"{part}.pending"] = plain(f"{part}_pending", 0)
        out[f"{part}.met_pct"] = higher(f"{part}_met_pct")
    return out | {"basis": plain("basis"), "as_of": plain("data_as_of")}


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        path="first_response",
        sql="first_response",
        trend="first_response_trend",
        entity="tickets",
        page="first_response",
        rows="first_response",
        drill={
            "responded": "created in {period} and answered",
            "unanswered": "created in {period} and not answered",
            "median_hours": "created in {period} and answered, by first-reply time",
        },
        keys={
            "responded": plain("responded", 0),
            "unanswered": lower("unanswered", 0),
            "unknown": plain("unknown", 0),
            "median_hours": lower("median_hours"),
            "p90_hours": lower("p90_hours"),
            "mean_hours": lower("mean_hours"),
            "basis": plain("basis"),
            "business_median_hours": lower("business_median_hours"),
            "business_p90_hours": lower("business_p90_hours"),
        },
        tile=TileSpec(
            label="Median first response",
            key="median_hours",
            spark="median_hours",
            caption=lambda s, _b, _l: _parts(
                _unless_missing("p90 {}", s["first_response"]["p90_hours"], hours),
                f"{count(s['first_response']['unanswered'])} unanswered",
                "business hours" if s["first_response"]["basis"] == "business" else None,
            ),
        ),
        columns=(
            Column(key="median_hours", header="Median first response", meeting=True, change=True),
            Column(key="p90_hours", header="p90 first response", drill="median_hours"),
        ),
        chart=Chart(
            kind="line",
            title="Median first response per month",
            axis="hours",
            value="median_hours",
            p90="p90_hours",
            target="median_hours",
        ),
        changes=(Change(key="median_hours", words="median first response", test="median"),),
    ),
    Kpi(
        path="resolution",
        sql="resolution",
        trend="resolution_trend",
        entity="tickets",
        page="resolution",
        rows="resolution",
        drill={
            "resolved": "solved in {period}",
            "reopened": "solved in {period} and reopened",
            "median_hours": "solved in {period}, by resolution time",
        },
        keys={
            "resolved": plain("resolved", 0),
            "median_hours": lower("median_hours"),
            "p90_hours": lower("p90_hours"),
            "mean_hours": lower("mean_hours"),
            "reopened_pct": lower("reopened_pct"),
            "business_median_hours": lower("business_median_hours"),
            "business_p90_hours": lower("business_p90_hours"),
        },
        tile=TileSpec(
            label="Median resolution",
            key="median_hours",
            spark="median_hours",
            caption=lambda s, _b, _l: _parts(
                _unless_missing("p90 {}", s["resolution"]["p90_hours"], hours),
                f"{count(s['resolution']['resolved'])} solved",
                _unless_missing("{} reopened", s["resolution"]["reopened_pct"], pct),
            ),
        ),
        columns=(
            Column(key="median_hours", header="Median resolution", meeting=True),
            Column(key="reopened_pct", header="Reopened", drill="reopened"),
        ),
        chart=Chart(
            kind="line",
            title="Median resolution per month",
            axis="hours",
            value="median_hours",
            p90="p90_hours",
            target="median_hours",
        ),
        changes=(Change(key="median_hours", words="median resolution", test="median"),),
    ),
    Kpi(
        path="bug_age",
        sql="bug_age",
        trend="bug_age_trend",
        entity="issues",
        page="bugs",
        rows="bug_age",
        drill={"open_bugs": "open at the end of {period}", "median_days": "open at the end of {period}, by age"},
        keys={
            "open_bugs": lower("open_bugs", 0),
            "median_days": lower("median_days"),
            "p90_days": lower("p90_days"),
            "older_than_365_days": lower("older_than_365_days", 0),
            "fixed": plain("fixed", 0),
            "median_days_to_fix": lower("median_days_to_fix"),
            "p90_days_to_fix": lower("p90_days_to_fix"),
        },
        tile=TileSpec(
            label="Open bugs",
            key="open_bugs",
            spark="open_bugs",
            caption=lambda s, _b, _l: _parts(
                _unless_missing("median age {}", s["bug_age"]["median_days"], days),
                f"{count(s['bug_age']['older_than_365_days'])} older than a year",
            ),
        ),
        columns=(
            Column(key="open_bugs", header="Open bugs", meeting=True),
            Column(key="median_days", header="Median bug age"),
        ),
        chart=Chart(
            kind="bars",
            title="Bugs created vs fixed per month",
            axis="bugs",
            bars=(("created", "Created"), ("fixed", "Fixed")),
            needs="issues",
        ),
        every_month=True,
        extra=_as_of,
    ),
    Kpi(
        path="deflection",
        sql="deflection",
        trend="deflection_trend",
        entity="self_service",
        page="deflection",
        rows="deflection",
        drill={"self_service_resolved": "resolved in self-service in {period}"},
        keys={
            "sessions": plain("sessions", 0),
            "self_service_resolved": plain("self_service_resolved", 0),
            "rate_pct": higher("rate_pct"),
            "self_service_score": higher("self_service_score"),
        },
        tile=TileSpec(
            label="Deflection rate",
            key="rate_pct",
            spark="rate_pct",
            caption=lambda s, _b, _l: f"{count(s['deflection']['self_service_resolved'])} resolved in self-service",
            drill="self_service_resolved",
        ),
        columns=(Column(key="rate_pct", header="Deflection", meeting=True, drill="self_service_resolved"),),
        chart=Chart(
            kind="deflection",
            title="Deflection rate and the volumes behind it",
            target="rate_pct",
            target_axis="y2",
            needs="self_service_rows",
        ),
        changes=(
            Change(
                key="rate_pct",
                words="deflection rate",
                test="proportion",
                needs=("tickets", "self_service"),
                drill="self_service_resolved",
            ),
        ),
    ),
    Kpi(
        path="impact",
        sql="impact",
        trend="impact_trend",
        lists=("bug_impact",),
        entity="tickets",
        page="impact",
        rows="impact",
        drill={"linked_tickets": "created in {period} about a known bug"},
        keys={
            "linked_tickets": lower("bug_tickets", 0),
            "bug_ticket_share_pct": lower("bug_ticket_share_pct"),
            "impacting_bugs": lower("impacting_bugs", 0),
        },
        tile=TileSpec(
            label="Tickets about known bugs",
            key="linked_tickets",
            spark="bug_tickets",
            caption=lambda s, _b, _l: _parts(
                _unless_missing("{} of tickets", s["impact"]["bug_ticket_share_pct"], pct),
                plural(len(s["impact"].get("still_hurting", [])), "old bug") + " still hurting",
            ),
            needs_links=True,
        ),
        columns=(Column(key="bug_ticket_share_pct", header="Bug tickets", meeting=True, drill="linked_tickets"),),
        chart=Chart(
            kind="line",
            title="Share of tickets about known bugs per month",
            axis="% of tickets",
            value="bug_ticket_share_pct",
            series="",
            target="bug_ticket_share_pct",
            needs="links",
        ),
        changes=(
            Change(
                key="still_hurting",
                words="linked tickets",
                test="poisson",
                needs=("tickets", "issues"),
                better_as="linked_tickets",
                drill="linked_tickets",
            ),
        ),
        extra=_still_hurting,
    ),
    Kpi(
        path="",
        sql="first_response",
        trend="first_response_trend",
        entity="tickets",
        rows="first_response",
        drill={"tickets_created": "created in {period}"},
        keys={"tickets_created": plain("tickets_created", 0)},
        tile=TileSpec(
            label="Tickets created",
            key="tickets_created",
            spark="tickets_created",
            caption=lambda _s, before, label: f"{count(before['tickets_created'])} in {label}" if before else "",
        ),
        columns=(Column(key="tickets_created", header="Tickets", meeting=True, leads=True),),
        changes=(Change(key="tickets_created", words="tickets created", test="rank_sum"),),
    ),
    Kpi(
        path="sla",
        sql="sla",
        trend="sla_trend",
        entity="tickets",
        page="service",
        rows="sla",
        drill={
            f"{part}.{status}": f"created in {{period}} whose {words} {verdict}"
            for part, words in (("first_response", "first reply"), ("resolution", "resolution"))
            for status, verdict in zip(STATUSES, ("met its SLA", "breached its SLA", "is pending"), strict=True)
        },
        keys=_sla_keys(),
        extra=_cutoff,
        tile=TileSpec(
            label="First replies within SLA",
            key="first_response.met_pct",
            spark="first_response_met_pct",
            caption=lambda s, _b, _l: _parts(
                f"{count(s['sla']['first_response']['breached'])} breached",
                f"{count(s['sla']['first_response']['pending'])} pending",
                f"{s['sla']['basis']} hours" if s["sla"]["basis"] else "no [sla] targets set",
                f"as of {when(s['sla']['as_of'])}" if s["sla"]["as_of"] else None,
            ),
            drill="first_response.breached",
        ),
        columns=(
            Column(
                key="first_response.met_pct",
                header="First replies within SLA",
                pack_table=2,
                drill="first_response.breached",
            ),
        ),
        chart=Chart(
            kind="line",
            title="First replies within SLA per month",
            axis="% met",
            value="first_response_met_pct",
            series="",
            target="first_response.met_pct",
        ),
        changes=(
            Change(
                key="first_response.met_pct",
                words="first replies within SLA",
                test="proportion",
                drill="first_response.breached",
            ),
        ),
    ),
    Kpi(
        path="backlog",
        sql="backlog",
        trend="backlog_trend",
        entity="tickets",
        page="service",
        rows="backlog",
        drill={
            "open_at_end": "open at the end of {period}",
            "median_age_days": "open at the end of {period}, by age",
        },
        keys={
            "open_at_end": lower("open_at_end", 0),
            "median_age_days": lower("median_age_days"),
            "p90_age_days": lower("p90_age_days"),
        },
        tile=TileSpec(
            label="Open tickets at the end",
            key="open_at_end",
            spark="open_at_end",
            caption=lambda s, _b, _l: _parts(_unless_missing("median age {}", s["backlog"]["median_age_days"], days)),
        ),
        columns=(Column(key="open_at_end", header="Open tickets", pack_table=2),),
        chart=Chart(
            kind="bars",
            title="Tickets created vs solved per month",
            axis="tickets",
            bars=(("created", "Created"), ("solved", "Solved")),
        ),
        extra=_as_of,
    ),
    Kpi(
        path="csat",
        sql="csat",
        trend="csat_trend",
        entity="tickets",
        page="service",
        rows="csat",
        drill={"rated": "solved in {period} and rated", "satisfied": "solved in {period} and rated satisfied"},
        keys={"rated": plain("rated", 0), "satisfied": plain("satisfied", 0), "score_pct": higher("score_pct")},
        tile=TileSpec(
            label="CSAT",
            key="score_pct",
            spark="score_pct",
            caption=lambda s, _b, _l: (
                f"{count(s['csat']['satisfied'])} of {count(s['csat']['rated'])} ratings satisfied"
            ),
            drill="rated",
        ),
        columns=(Column(key="score_pct", header="CSAT", pack_table=2, drill="rated"),),
        chart=Chart(
            kind="line", title="CSAT per month", axis="% satisfied", value="score_pct", series="", target="score_pct"
        ),
        changes=(Change(key="score_pct", words="CSAT", test="proportion", drill="rated"),),
    ),
)


def summary_sql() -> list[str]:
    """The distinct summary queries of the catalogue, in its order, then their lists."""
    return list(dict.fromkeys([kpi.sql for kpi in CATALOGUE] + list_sql()))


def list_sql() -> list[str]:
    return list(dict.fromkeys(name for kpi in CATALOGUE for name in kpi.lists))


def trend_sql() -> list[str]:
    return list(dict.fromkeys(kpi.trend for kpi in CATALOGUE if kpi.trend))


def precomputed_trends() -> tuple[str, ...]:
    return tuple(dict.fromkeys(kpi.trend for kpi in CATALOGUE if kpi.trend and kpi.precompute))


def every_month_trends() -> frozenset[str]:
    """Trends with a total row for every month, zeros included (precomputed.read)."""
    return frozenset(kpi.trend for kpi in CATALOGUE if kpi.trend and kpi.every_month)


def definitions() -> list[str]:
    """The SQL files whose plain words define the catalogue's numbers: each KPI's, then its lists'."""
    return list(dict.fromkeys(name for kpi in CATALOGUE for name in (kpi.sql, *kpi.lists)))


def drillable() -> dict[str, tuple[Kpi, str]]:
    """Every kpis JSON path whose rows can be listed ('sla.first_response.breached'), with its KPI
    and its key (the $part of the KPI's rows SQL), in the catalogue's order."""
    return {kpi.path_of(key): (kpi, key) for kpi in CATALOGUE if kpi.rows for key in kpi.drill}


def drill_path(kpi: Kpi, key: str, chosen: str | None = None) -> str | None:
    """The kpis path whose rows a click on the number at `key` opens: `chosen` (a tile's,
    column's or change's `drill`), else the key itself when the KPI lists its rows; None when
    nothing does."""
    key = chosen or key
    return kpi.path_of(key) if kpi.rows and key in kpi.drill else None


def directions() -> dict[str, str]:
    """Every kpis JSON path with a direction ('lower' or 'higher'): the paths a target may name."""
    return {
        kpi.path_of(name): key.better for kpi in CATALOGUE for name, key in kpi.keys.items() if key.better != NEITHER
    }


def changes() -> dict[str, tuple[Kpi, Change]]:
    """What changed's numbers by their path (the `metric` of changes.sql's rows)."""
    return {kpi.path_of(change.key): (kpi, change) for kpi in CATALOGUE for change in kpi.changes}


def better(path: str) -> str:
    """Which way the number at a kpis JSON path should move: 'lower', 'higher' or 'neither'."""
    return directions().get(path, NEITHER)


def target_text(path: str, target: float) -> str:
    """A target as people write it: '≤ 4.0 h', '≥ 30.0 %', '≤ 0'."""
    return f"{'≤' if better(path) == LOWER else '≥'} {shown_as(path)(target)}"


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
    return actual <= target if better(path) == LOWER else actual >= target
