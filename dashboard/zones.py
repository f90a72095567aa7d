"""The one time-zone check: a name is a zone when DuckDB (ICU) and Python (zoneinfo) both know it.

Imports nothing of the dashboard but its error type, so settings, filters and the command line
can all use it. DuckDB's list is read once per process.
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from dashboard.errors import ProductHealthError


@functools.lru_cache(maxsize=1)
def duckdb_zones() -> frozenset[str]:
    """The time zones DuckDB knows (its ICU list), read once per process."""
    with duckdb.connect() as con:  # a connection of its own (the default one is shared by threads)
        return frozenset(name for (name,) in con.execute("select name from pg_timezone_names()").fetchall())


@functools.lru_cache(maxsize=1024)
def _python_knows(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def is_zone(name: object) -> bool:
    """Whether `name` is a zone both engines know. Python knows some DuckDB does not ('posix/...',
    'right/...', 'localtime'), which would stop the build; DuckDB knows some Python does not
    ('PST', 'SystemV/...'), which would stop the period filters."""
    return isinstance(name, str) and name in duckdb_zones() and _python_knows(name)


def zone_reason(name: object) -> str:
    """Why `name` is refused, for a message that also says where it came from."""
    return f"'{name}' is not a time zone DuckDB knows (an IANA name such as 'Europe/Berlin' or 'America/New_York')"


def check_zone(name: object, what: str) -> str:
    """`name` if it is a zone (is_zone), else a ProductHealthError naming `what` (a setting, an option)."""
    if not is_zone(name):
        raise ProductHealthError(f"{what}: {zone_reason(name)}")
    return str(name)
