"""Events the trend charts mark: launches, incidents, campaigns. Documented in the README."""

from __future__ import annotations

from dashboard.sources.base import HeaderMap, normalise_header
from dashboard.sources.format import Format


class EventsCsv(Format):
    """`events.csv` (any name): `date,label`, optional `product_line` and `end_date` (a span)."""

    name = "events_csv"
    label = "Events CSV (launches, incidents)"
    entity = "events"
    staging = {"stg_events_csv": "events"}
    columns = {
        "date": ("date",),
        "label": ("label",),
        "product_line": ("product_line", "product line"),
        "end_date": ("end_date", "end date"),
    }

    def matches_csv(self, hmap: HeaderMap) -> bool:
        """A `date` and a `label` column and no column it does not know: a CSV of another tool
        with such columns (a [[custom]] export, a daily-counts file missing a column) is not
        read as events, and a misspelt column is not dropped unseen."""
        known = {normalise_header(alias) for aliases in self.columns.values() for alias in aliases}
        named = {key for key in hmap.positions if key}  # a trailing separator leaves an empty name
        return hmap.has(self.columns["date"]) and hmap.has(self.columns["label"]) and named <= known
