"""The rows behind a number: the tickets, bugs or self-service sessions a KPI counts, for the
same filters (queries/rows/<kpi>.sql, declared by the catalogue's `rows` and `drill`).

A count's rows add up to it; a median's rows are the values it is computed from, ordered by
value, with `is_median` on the one or two the interpolated median comes from. Never people's
names or e-mails. No streamlit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.catalogue import Kpi, drillable
from dashboard.db import Warehouse
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.formatting import period_label
from dashboard.frames import clean

# The columns of every ticket rows file, in order (tests/test_rows.py holds each file to them).
TICKET_COLUMNS = (
    "id",
    "source",
    "created_at",
    "product_line",
    "priority",
    "channel",
    "status",
    "first_response_hours",
    "first_response_business_hours",
    "resolution_hours",
    "sla_first_response_status",
    "first_response_due_at",
    "sla_resolution_status",
    "resolution_due_at",
    "rating",
    "linked_bug_key",
    "url",
    "value",
    "is_median",
)


def drill_keys() -> tuple[str, ...]:
    """The kpis JSON paths whose rows can be listed."""
    return tuple(drillable())


def kpi_of(key: str) -> tuple[Kpi, str]:
    """The KPI behind a key and its $part; an unknown key is a usage error naming the known ones."""
    found = drillable().get(key)
    if found is None:
        raise ProductHealthError(f"no rows for '{key}'; the keys with rows are: {', '.join(drill_keys())}")
    return found


def rows(warehouse: Warehouse, key: str, filters: Filters) -> pd.DataFrame:
    """The rows behind the number at `key` (a kpis JSON path) for `filters`; the bugs' titles
    only when [privacy] show_titles is on."""
    kpi, part = kpi_of(key)
    params = filters.params() | {"part": part}
    frame = warehouse.query(f"rows/{kpi.rows}", params)
    if not warehouse.settings.show_titles and "title" in frame.columns:
        frame = frame.drop(columns="title")
    return frame


def as_json(key: str, filters: Filters, frame: pd.DataFrame) -> dict[str, Any]:
    """The `product-health tickets` object: the key, the period, the count and the rows (instants
    as ISO 8601 text with their offset, missing values null)."""
    return {
        "metric": key,
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat(), "timezone": filters.timezone},
        "count": len(frame),
        "rows": [{column: _plain(value) for column, value in row.items()} for row in frame.to_dict("records")],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    return clean(value)


NOUNS = {
    "tickets": ("ticket", "tickets"),
    "issues": ("bug", "bugs"),
    "self_service": ("self-service session", "self-service sessions"),
}


def sentence(key: str, filters: Filters, count: int) -> str:
    """What a list holds, in words: '76 tickets created in October 2026 whose first reply
    breached its SLA · Mobile App'."""
    kpi, part = kpi_of(key)
    one, many = NOUNS[kpi.entity]
    words = kpi.drill[part].format(period=period_label(filters))
    scope = ", ".join(filters.product_lines) or "All product lines"
    chosen = [", ".join(values) for values in (filters.priorities, filters.channels) if values]
    return " · ".join([f"{count:,} {one if count == 1 else many} {words}", scope, *chosen])
