"""Events the trend charts mark: launches, incidents, campaigns. Documented in the README."""

from __future__ import annotations

from dashboard.sources.base import HeaderMap
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
        return hmap.has(self.columns["date"]) and hmap.has(self.columns["label"])
