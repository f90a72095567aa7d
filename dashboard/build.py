"""Build the model of one data folder: the settings tables, every export read into its raw
table, the model's SQL layers, and the data report. Each job has its module; this one runs
them in order on one new, writable Warehouse:

    settings_tables.py  settings -> cfg_* tables
    ingest.py           files -> raw_<format> tables (a bad file is reported, never fatal)
    layers.py           queries/ -> staging views and tables, marts, canonical and report views,
                        in the order worked out from what each reads
    precomputed.py      the trends kept per month
    refresh.py          instead of the layers and trends: bring a copy of the previous model up
                        to date by what changed (store.py decides which)
    report.py           the data report (LoadReport), filled from the report's views

Imports db and folder; never store (which calls this) and never streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard import precomputed
from dashboard.db import Warehouse, read_sql
from dashboard.folder import FolderState
from dashboard.ingest import Ingest
from dashboard.layers import create_layers
from dashboard.progress import Progress
from dashboard.refresh import Refresh
from dashboard.report import LoadReport, describe, log_rejects
from dashboard.settings_tables import create_settings_tables
from dashboard.sources import FileReport

__all__ = ["Build", "LoadReport", "Progress"]


class Build:
    """One build of a model into a new, writable Warehouse (in memory or a file store.py names)."""

    def __init__(self, warehouse: Warehouse, refresh: bool = False) -> None:
        """refresh=True: `warehouse` is a copy of the previous model, brought up to date by
        refresh.py (its settings tables and macros are kept: the settings are the same)."""
        self.warehouse = warehouse
        self.con = warehouse.con
        self.settings = warehouse.settings
        self._stage = "opening the model"
        self.refresh = Refresh(self.con, self.settings.timezone) if refresh else None
        if self.refresh is None:
            self.con.execute(read_sql("macros"))
            self.sources = create_settings_tables(self.con, self.settings)  # the cfg_sources rows
        self.ingest = Ingest(self.con, self.settings)

    @property
    def stage(self) -> str:
        """What the load is doing, for the message if it stops."""
        if self.ingest.reading is not None:
            return f"reading {self.ingest.reading}"
        return self._stage

    def close(self) -> None:
        self.warehouse.close()

    def load_folder(
        self,
        state: FolderState,
        reuse: Callable[[Path], FileReport | None] | None = None,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Read every export of the walked folder `state` (a bad file is reported, never fatal),
        then build the model. `reuse` and `progress`: see Ingest.read_folder."""
        progress = progress or Progress()
        settings_path = str(self.settings.path) if self.settings.path else None
        report = LoadReport(data_dir=str(state.data_dir), settings_path=settings_path)
        self.ingest.read_folder(state, report, reuse, progress)
        self._stage = "building the model"
        progress.update(stage="building", current="")
        if self.settings.events:  # their rows are reported like a file's
            report.files.append(
                FileReport(path=str(self.settings.path), format="Events in the settings ([[events]])", entity="events")
            )
        self.build_model(report)
        log_rejects(report)
        return report

    def load_file(self, path: Path) -> FileReport:
        """Read one export into its raw table (store.py reads the files it cannot reuse)."""
        return self.ingest.load_file(path)

    def build_model(self, report: LoadReport) -> None:
        """The model's layers over the raw tables, then the data report's figures."""
        self._stage = "building the model"
        # When each file was last modified: of two copies of a session, the newer file's counts.
        self.con.execute("create or replace table ph_file_times (_file varchar, modified_ns bigint)")
        times = [(f.path, f.modified_ns) for f in report.files if f.error is None]
        if times:
            self.con.executemany("insert into ph_file_times values (?, ?)", times)
        # The files are read (their rows' order is their line numbers, _row and _line): from here
        # on a table's order is its ORDER BY or none, and DuckDB need not keep the order it read
        # rows in (less memory and work for every table it writes).
        self.con.execute("set preserve_insertion_order = false")
        try:
            if self.refresh is not None:
                self.refresh.apply()
            else:
                create_layers(self.con, self.sources)
                precomputed.write(self.con, self.settings.timezone)
        finally:
            self.con.execute("reset preserve_insertion_order")
        describe(self.con, report)
