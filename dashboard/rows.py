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
from dashboard.db import Warehouse, bound, read_sql
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.formatting import period_label
from dashboard.frames import clean

SCREEN_ROWS = 2000  # rows a screen reads, the largest first (screen() also says how many there are)

# The columns of every ticket list, in order (rows/ticket_columns.sql; tests/test_rows.py holds
# each list to them).
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


def rows(warehouse: Warehouse, key: str, filters: Filters, bug: str | None = None) -> pd.DataFrame:
    """The rows behind the number at `key` (a kpis JSON path) for `filters`; the bugs' titles
    only when [privacy] show_titles is on. `bug`: one still-hurting bug's tickets
    (impact.linked_tickets: its tickets_in_period)."""
    sql, params = _query(key, filters, bug)
    return _private(warehouse, warehouse.sql(sql, params))


def screen(
    warehouse: Warehouse, key: str, filters: Filters, bug: str | None = None, largest: int = SCREEN_ROWS
) -> tuple[int, pd.DataFrame]:
    """What a screen shows of the rows behind a number: how many there are, and the `largest`
    of them (a value's list: the largest values first; a count's list: its first rows, in its own
    order), without reading every row into Python."""
    sql, params = _query(key, filters, bug)
    total = int(warehouse.sql(f"select count(*) as n from (\n{sql}\n) as listed", params)["n"].iloc[0])
    order = "order by value desc nulls last " if key.endswith(VALUE_SUFFIXES) else ""  # a count's keeps its own
    frame = warehouse.sql(f"select * from (\n{sql}\n) as listed {order}limit $largest", params | {"largest": largest})
    return total, _private(warehouse, frame)


VALUE_SUFFIXES = ("_hours", "_days")  # the keys whose lists carry a value each (a median's)


def _private(warehouse: Warehouse, frame: pd.DataFrame) -> pd.DataFrame:
    if not warehouse.settings.show_titles and "title" in frame.columns:
        return frame.drop(columns="title")
    return frame


def _query(key: str, filters: Filters, bug: str | None = None) -> tuple[str, dict[str, Any]]:
    """The rows file of `key`'s KPI, and exactly the parameters it names. A ticket rows file
    gives the tickets of one number (`picked`); rows/ticket_columns.sql, written once for them
    all, orders them and adds the list's columns. Both are code constants, composed here."""
    kpi, part = kpi_of(key)
    name = f"rows/{kpi.rows}"
    sql = read_sql(name)
    if kpi.entity == "tickets":
        _, columns = read_sql(TICKET_TAIL).split("\nwith\n", 1)  # its CTEs follow this file's
        sql = f"with picked as (\n{sql}\n),\n{columns}"
    return sql, bound(sql, filters.params() | {"part": part, "issue_key": bug}, name)


TICKET_TAIL = "rows/ticket_columns"


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


def sentence(key: str, filters: Filters, number: int) -> str:
    """What a list holds, in words: '76 tickets created in October 2026 whose first reply
    breached its SLA · Mobile App'."""
    kpi, part = kpi_of(key)
    one, many = NOUNS[kpi.entity]
    words = kpi.drill[part].format(period=period_label(filters))
    scope = ", ".join(filters.lines) or "All product lines"
    chosen = [", ".join(values) for values in (filters.priorities, filters.channels) if values]
    return " · ".join([f"{number:,} {one if number == 1 else many} {words}", scope, *chosen])
