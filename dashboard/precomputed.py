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

from dashboard.catalogue import precomputed_trends
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
    """A trend for all product lines read from pre_<name> (its whole months; a last month cut
    short by the period is queried live). None when the filters need a live query: product
    lines, priorities or channels chosen, another zone, months outside the data, a period that
    does not start on the first of a month, or a trend that is not precomputed."""
    if name not in precomputed_trends():
        return None
    if filters.product_lines or filters.priorities or filters.channels or filters.start.day != 1:
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
        frame = cursor.execute(  # name is one of the catalogue's trends, a code constant
            f"select * from pre_{name} where month_start >= $first and month_start < $last "
            "order by month_start, product_line nulls first",
            {"first": filters.start, "last": after if whole else last_month},
        ).df()
    finally:
        cursor.close()
    if whole:
        return frame
    tail = warehouse.query(f"metrics/{name}", replace(filters, start=last_month).params())
    return pd.concat([frame, tail], ignore_index=True) if len(frame) else tail
