"""The names metrics, tiles, mapping and the meeting pack import, from where they now live.

The load path is db (connect, read_sql, run a named query) <- build (read the files, build
the model) <- store (the only opener: persisted or in memory); folder.py walks the data
folder once. This module re-exports their public names and defines nothing: new code
imports from those modules.
"""

from __future__ import annotations

from dashboard.build import PRECOMPUTED_TRENDS, LoadReport
from dashboard.db import Warehouse, read_sql
from dashboard.store import open_warehouse

__all__ = ["PRECOMPUTED_TRENDS", "LoadReport", "Warehouse", "open_warehouse", "read_sql"]
