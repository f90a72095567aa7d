"""DuckDB: open a database, read a named query from `queries/`, run it with exactly its $params.

The bottom of the load path (db <- build <- store): imports nothing else of the load path
but the Settings type, and no streamlit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard import QUERIES_DIR
from dashboard.config import Settings
from dashboard.errors import ProductHealthError

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def read_sql(name: str) -> str:
    """The text of `queries/<name>.sql`; `name` is a code constant such as 'metrics/first_response'."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise ProductHealthError(f"no query named '{name}' (looked for {path})")
    return path.read_text(encoding="utf-8")


def sql_params(sql: str) -> list[str]:
    """The $names a statement uses (DuckDB rejects missing and extra named parameters)."""
    without_comments = re.sub(r"--[^\n]*", "", sql)
    return sorted(set(_PARAM.findall(without_comments)))


def bound(sql: str, params: dict[str, Any], name: str = "") -> dict[str, Any]:
    """Exactly the parameters `sql` names, taken from `params`."""
    wanted = sql_params(sql)
    missing = [p for p in wanted if p not in params]
    if missing:
        raise ProductHealthError(f"query '{name}' needs parameters: {', '.join(missing)}")
    return {p: params[p] for p in wanted}


class Warehouse:
    """One DuckDB database holding the model of one data folder, open for queries.

    Thread safety: each query runs on its own cursor (a DuckDB connection must not be
    used by two threads at once); a model is built (build.py) before it is shared.
    """

    def __init__(
        self,
        settings: Settings,
        threads: int | None = None,
        path: Path | None = None,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        """In memory, or in the DuckDB file `path` (store.py keeps models there). `threads`: None
        leaves DuckDB's own default, one per core of the machine."""
        self.settings = settings
        self.path = path
        self.con = duckdb.connect(str(path) if path else ":memory:", read_only=read_only)
        self.con.execute("set TimeZone = 'UTC'")
        self.con.execute("set enable_progress_bar = false")
        if threads:
            self.con.execute(f"set threads = {int(threads)}")
        if memory_limit:
            if not re.fullmatch(r"[0-9.]+ ?[KMGT]i?B", memory_limit):
                raise ProductHealthError(f"memory limit '{memory_limit}' is not a size such as '4GB'")
            self.con.execute(f"set memory_limit = '{memory_limit}'")

    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run `queries/<name>.sql` with exactly the parameters it names, on a fresh cursor."""
        sql = read_sql(name)
        return self.sql(sql, bound(sql, params or {}, name))

    def sql(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run ad-hoc SQL on a fresh cursor (tests and the benchmark)."""
        cursor = self.con.cursor()
        try:
            return cursor.execute(sql, params or {}).df()
        finally:
            cursor.close()

    def close(self) -> None:
        self.con.close()
