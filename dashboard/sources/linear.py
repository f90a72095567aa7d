"""Linear CSV export (`Labels` in one comma-separated cell; a leading ' in text cells is not data)."""

from __future__ import annotations

from dashboard.sources.base import HeaderMap
from dashboard.sources.format import Format


class LinearCsv(Format):
    name = "linear_csv"
    label = "Linear CSV export"
    entity = "issues"
    source = "linear"
    product_line_fields = ("team", "label")
    default_product_line_field = "team"
    default_bug_values = ("Bug",)
    staging = {"stg_linear": "issues"}
    columns = {
        "id": ("ID", "Id", "Identifier"),
        "team": ("Team",),
        "title": ("Title",),
        "status": ("Status",),
        "priority": ("Priority",),
        "labels": ("Labels",),
        "created": ("Created", "Created At"),
        "updated": ("Updated", "Updated At"),
        "completed": ("Completed", "Completed At"),
        "canceled": ("Canceled", "Canceled At", "Cancelled"),
        "url": ("URL", "Url", "Issue URL"),  # the page, where the export has the column
    }

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return all(hmap.has(self.columns[c]) for c in ("id", "team", "title", "created")) and (
            hmap.has(self.columns["completed"]) or hmap.has(self.columns["canceled"])
        )
