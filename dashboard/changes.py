"""What changed: the significant movements of a period (queries/metrics/changes.sql) as
sentences a meeting reads, each with the page and filters that show it.

The SQL decides what is significant; this module only words it. No streamlit here.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.catalogue import better, changes, drill_path, target_met, target_text
from dashboard.filters import Filters
from dashboard.formatting import count, short_period_label, shown_as
from dashboard.frames import clean

SHOWN = 5  # sentences on the overview and in the pack; the kpis JSON lists them all


@dataclass(frozen=True)
class Movement:
    """One line of What changed."""

    metric: str  # a kpis JSON path ('first_response.median_hours'), or 'impact.still_hurting'
    product_line: str | None  # None: all the chosen product lines together
    previous: float
    current: float
    change_pct: float | None
    better: bool | None  # None for a number that is neither better up nor down (volume)
    sentence: str
    page: str  # url path of the page that shows it
    link: str  # that page with the period and filters set: a relative URL
    issue_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {
            "metric": self.metric,
            "product_line": self.product_line,
            "previous": clean(self.previous),
            "current": clean(self.current),
            "change_pct": None if self.change_pct is None else round(self.change_pct, 1),
            "better": self.better,
            "significant": True,
            "sentence": self.sentence,
        }
        if self.issue_key:
            out["issue_key"] = self.issue_key
        return out


def _factor(previous: float, current: float, metric: str = "") -> str:
    """A share's change in points ('+19.4 pts'); else '×3.1' for a rise to double and more, else
    the change in percent ('+35 %', '−60 %')."""
    if metric.endswith("_pct"):
        return f"{current - previous:+.1f} pts".replace("-", "−")
    if previous > 0 and current >= 2 * previous:
        return f"×{current / previous:.1f}"
    return f"{100 * (current - previous) / previous:+.0f} %".replace("-", "−") if previous else ""


def _link(page: str, filters: Filters, product_line: str | None, drill: str | None = None) -> str:
    """The page that shows a movement with the period and filters set; with `drill`, the
    overview with the list of the rows behind it open (drill_line: the movement's product line)."""
    params: dict[str, Any] = {"product_line": list(filters.product_lines)}
    if not drill:
        params["product_line"] = [product_line] if product_line else list(filters.product_lines)
    params |= {"priority": list(filters.priorities), "channel": list(filters.channels)}
    params |= {"from": filters.start.isoformat(), "to": filters.end.isoformat()}
    if drill:
        params |= {"drill": drill, "drill_line": [product_line] if product_line else []}
    return f"{'./' if drill else page or './'}?{urllib.parse.urlencode(params, doseq=True)}"


def movements(
    frame: pd.DataFrame,
    filters: Filters,
    targets_for: Callable[[tuple[str, ...]], dict[str, float]],
    reaches: Callable[[str], bool],
) -> list[Movement]:
    """The significant rows of changes.sql, in its order, as sentences. `targets_for(lines)`
    gives the targets at a level (Settings.targets_for); `reaches(entity)` whether the data
    covers both periods (Coverage.covers)."""
    previous_label = short_period_label(filters.previous())
    current_label = short_period_label(filters)
    lines_chosen = filters.lines
    out = []
    declared = changes()
    for row in frame[frame["is_significant"]].itertuples():
        kpi, change = declared[row.metric]
        drill = drill_path(kpi, change.key, change.drill)
        if not all(reaches(entity) for entity in change.needs):
            continue
        line = None if pd.isna(row.product_line) else str(row.product_line)
        previous, current = float(row.previous), float(row.current)
        direction = "up" if current > previous else "down"
        should = better(kpi.path_of(change.better_as or change.key))
        is_better = None if should == "neither" else (current < previous) == (should == "lower")
        if row.metric == "impact.still_hurting":
            who = f"{row.issue_key}{f' ({line})' if line else ''}"
            sentence = (
                f"{who} — an old open bug with {count(current)} linked tickets in {current_label}, "
                f"up from {count(previous)} in {previous_label}"
            )
        else:
            shown = shown_as(row.metric)
            who = line or ("All product lines" if not lines_chosen else "The chosen product lines")
            sentence = (
                f"{who} — {change.words} {shown(current)}, {direction} from {shown(previous)} in {previous_label} "
                f"({_factor(previous, current, row.metric)})"
            )
            targets = targets_for((line,) if line else lines_chosen)
            if row.metric in targets:
                met = target_met(row.metric, current, targets[row.metric])
                sentence += f"; {'on' if met else 'off'} target ({target_text(row.metric, targets[row.metric])})"
        out.append(
            Movement(
                row.metric,
                line,
                previous,
                current,
                None if pd.isna(row.change_pct) else float(row.change_pct),
                is_better,
                sentence,
                kpi.page,
                _link(kpi.page, filters, line, None if row.metric == "impact.still_hurting" else drill),
                None if pd.isna(row.issue_key) else str(row.issue_key),
            )
        )
    return out
