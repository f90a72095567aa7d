"""Monthly trends kept with the model, written and read here.

Each trend the catalogue marks `precompute` is run once per build over every month of the
data, for all product lines, in the settings' zone, into `pre_<trend>` (months in
`pre_range`, queries/precomputed/pre_range.sql). A month's row of a trend depends only on that
month once the month is wholly inside the queried period, so `read` answers any period of
whole months inside that range from these tables; the tests check it equals the live SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import pandas as pd

from dashboard.catalogue import every_month_trends, precomputed_trends
from dashboard.db import Warehouse, bound, read_sql
from dashboard.filters import Filters, months_back

RANGE = "precomputed/pre_range"


def write(con: duckdb.DuckDBPyConnection, timezone: str) -> None:
    """Build pre_range and a pre_<trend> table per precomputed trend (at model build time)."""
    sql = read_sql(RANGE)
    con.execute(f"create or replace table pre_range as {sql}", bound(sql, {"tz": timezone}, RANGE))
    found = con.execute("select first_month, last_month from pre_range").fetchone()
    if found is None:
        return
    first_month, last_month = found
    params = Filters(first_month, months_back(last_month, -1) - dt.timedelta(days=1), timezone).params()
    for name in precomputed_trends():
        sql = read_sql(f"metrics/{name}")
        con.execute(f"create or replace table pre_{name} as {sql}", bound(sql, params, name))


def read(warehouse: Warehouse, name: str, filters: Filters) -> pd.DataFrame | None:
    """A trend for all product lines or one read from pre_<name> (its whole months; a last
    month cut short by the period is queried live). One product line's rows are its own rows
    of the table, and its total row is the same numbers (the live query groups that line's
    tickets twice; not for the trends with a total row for every month, zeros included: one
    line's months without a row of its own are not in pre_<trend>, Kpi.every_month). None when the filters need a live
    query: two product lines or more, priorities or channels chosen, another zone, months
    outside the data, a period that does not start on the first of a month, or a trend that
    is not precomputed."""
    if name not in precomputed_trends():
        return None
    if len(filters.lines) > 1 or filters.priorities or filters.channels or filters.start.day != 1:
        return None
    if filters.lines and name in every_month_trends():
        return None
    if filters.basis != "calendar":  # kept for the calendar basis only
        return None
    cursor = warehouse.con.cursor()
    try:
        found = cursor.execute("select timezone, first_month, last_month from pre_range").fetchone()
        if found is None or found[0] != filters.timezone or filters.start < found[1]:
            return None
        last_month = filters.end.replace(day=1)
        if last_month > found[2]:
            return None
        after = months_back(last_month, -1)
        whole = filters.end == after - dt.timedelta(days=1)
        line = filters.lines[0] if filters.lines else None
        bound_line = {} if line is None else {"line": line}  # the value is bound, never spliced
        frame = cursor.execute(  # name is one of the catalogue's trends, a code constant
            f"select * from pre_{name} where month_start >= $first and month_start < $last "
            f"{'' if line is None else 'and product_line = $line '}"
            "order by month_start, product_line nulls first",
            {"first": filters.start, "last": after if whole else last_month, **bound_line},
        ).df()
        if line is not None:  # each month's total row: the line's own numbers, first
            total = frame.assign(product_line=frame["product_line"].mask(frame["product_line"].notna()))
            both = pd.concat([total, frame], ignore_index=True)
            frame = both.sort_values("month_start", kind="stable", ignore_index=True)
    finally:
        cursor.close()
    if whole:
        return frame
    tail = warehouse.query(f"metrics/{name}", replace(filters, start=last_month).params())
    return pd.concat([frame, tail], ignore_index=True) if len(frame) else tail
